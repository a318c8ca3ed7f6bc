import { useTranslation } from 'react-i18next';

type Props = {
  /** An edit waits for typing to pause, or is being saved. */
  saving: boolean;
  /** Whether the saved draft waits to sync; undefined: nothing saved yet. */
  waiting: boolean | undefined;
  /** Why the last save failed, if it did. */
  error: string | null;
};

/** Where the draft stands, as the designer says it: saved on this computer, waiting to sync, synced. */
export function DraftHint({ saving, waiting, error }: Props) {
  const { t } = useTranslation();
  if (error !== null) {
    return (
      <p className="form-error" role="alert" data-testid="broadcast-draft-error">
        {t('broadcasts.drafts.saveFailed', { reason: error })}
      </p>
    );
  }
  let text: string | null = null;
  if (saving) text = t('broadcasts.drafts.saving');
  else if (waiting === true) text = t('broadcasts.drafts.savedWaiting');
  else if (waiting === false) text = t('broadcasts.drafts.savedSynced');
  if (text === null) return null;
  return (
    <p className="bc-hint" role="status" data-testid="broadcast-draft-hint">
      {text}
    </p>
  );
}
