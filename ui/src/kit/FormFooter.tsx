/** A small form's end: what went wrong (not tied to a field), then cancel and save. */
export function FormFooter({
  failure,
  failureTestId,
  saving,
  cancelLabel,
  saveLabel,
  saveTestId,
  onCancel,
}: {
  failure: string | null;
  failureTestId?: string;
  saving: boolean;
  cancelLabel: string;
  saveLabel: string;
  saveTestId: string;
  onCancel: () => void;
}) {
  return (
    <>
      {failure && (
        <p className="form-error" role="alert" data-testid={failureTestId}>
          {failure}
        </p>
      )}
      <div className="canned-editor-actions">
        <button type="button" className="btn btn-small btn-ghost" onClick={onCancel}>
          {cancelLabel}
        </button>
        <button type="submit" className="btn btn-small btn-primary" data-testid={saveTestId} disabled={saving}>
          {saveLabel}
        </button>
      </div>
    </>
  );
}
