import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { checkSegment, saveSegment, type Issue, type SegmentDraft } from '../../platform';
import { asAppError, describeError, translateIssue } from '../../kit/errors';
import { useQuery } from '../../kit/useQuery';

/** Checking the name waits for typing to pause this long. */
export const CHECK_DELAY_MS = 200;

type Props = {
  /** The segment as it will be saved, but for its name. */
  base: Omit<SegmentDraft, 'name'>;
  /** The name to start from (a rename starts from the current one). */
  initialName: string;
  label: string;
  testId: string;
  /** Told once the segment is in the outbox. */
  onSaved: (name: string) => void;
  onCancel: () => void;
};

/**
 * A segment's name, checked against the account's other segments as staff type (refusals shown
 * under the field), then saved through the outbox, offline too.
 */
export function SegmentNameForm({ base, initialName, label, testId, onSaved, onCancel }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [name, setName] = useState(initialName);
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const draft: SegmentDraft = { ...base, name };
  const checked = useQuery(() => checkSegment(draft), [JSON.stringify(draft)], { delayMs: CHECK_DELAY_MS });
  const issues: Issue[] = checked.data ?? [];
  const shown = touched ? issues : issues.filter((issue) => issue.key !== 'segment.name.required');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    setBusy(true);
    setError(null);
    saveSegment(draft).then(
      () => {
        setBusy(false);
        onSaved(name.trim());
      },
      (failure: unknown) => {
        setBusy(false);
        setError(describeError(t, asAppError(failure)));
      },
    );
  };

  return (
    <form className="bc-segment-form" onSubmit={submit} data-testid={testId}>
      <label htmlFor={`${id}-name`}>{label}</label>
      <input
        id={`${id}-name`}
        value={name}
        autoFocus
        aria-invalid={shown.length > 0 ? 'true' : 'false'}
        aria-describedby={`${id}-issues`}
        onChange={(e) => {
          setName(e.target.value);
          setTouched(true);
          setError(null);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onCancel();
        }}
        data-testid="segment-name"
      />
      <div id={`${id}-issues`} aria-live="polite">
        {shown.map((issue) => (
          <p key={`${issue.path}-${issue.key}`} className="field-error" data-testid="segment-name-issue">
            {translateIssue(t, issue)}
          </p>
        ))}
        {error ? (
          <p className="field-error" role="alert" data-testid="segment-save-error">
            {error}
          </p>
        ) : null}
      </div>
      <div className="bc-row">
        <button
          type="submit"
          className="btn btn-primary btn-small"
          disabled={busy || issues.length > 0 || name.trim() === ''}
          data-testid="segment-save-confirm"
        >
          {t('broadcasts.segments.confirm')}
        </button>
        <button type="button" className="btn btn-small" onClick={onCancel} data-testid="segment-save-cancel">
          {t('broadcasts.segments.cancel')}
        </button>
      </div>
    </form>
  );
}
