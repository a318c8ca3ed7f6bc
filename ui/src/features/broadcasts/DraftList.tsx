import { useTranslation } from 'react-i18next';
import type { BroadcastDraft, BroadcastDraftItem } from '../../platform';
import { dateTime } from '../../kit/time';
import { draftSummary } from './drafts';

type Props = {
  /** The account's drafts from the cache, the last edited first; undefined while they are read. */
  items: readonly BroadcastDraftItem[] | undefined;
  /** The draft the composer holds now, marked in the list. */
  editing: string;
  onContinue: (draft: BroadcastDraft) => void;
  onDelete: (draft: BroadcastDraft) => void;
  /** Why the last delete or read failed, if it did. */
  error: string | null;
};

/** The account's broadcast drafts (kept on this computer, offline too), above the sent broadcasts. */
export function DraftList({ items, editing, onContinue, onDelete, error }: Props) {
  const { t, i18n } = useTranslation();
  return (
    <section className="bc-list" aria-label={t('broadcasts.drafts.title')} data-testid="broadcast-drafts">
      <h2>{t('broadcasts.drafts.title')}</h2>
      {error ? (
        <p className="form-error" role="alert" data-testid="broadcast-drafts-error">
          {error}
        </p>
      ) : null}
      {items !== undefined && items.length === 0 ? <p className="bc-hint">{t('broadcasts.drafts.empty')}</p> : null}
      <ul className="bc-items">
        {(items ?? []).map(({ draft, waiting }) => {
          const summary = draftSummary(draft);
          const name = summary === '' ? t('broadcasts.drafts.untitled') : summary;
          return (
            <li key={draft.id} className="bc-item card" data-testid={`broadcast-draft-${draft.id}`}>
              <p className="bc-draft-summary">{name}</p>
              <div className="bc-row">
                <span className="bc-hint" data-testid={`broadcast-draft-state-${draft.id}`}>
                  {t('broadcasts.drafts.edited', { at: dateTime(draft.updated_at, i18n.language) })}
                  {' · '}
                  {t(waiting ? 'broadcasts.drafts.waiting' : 'broadcasts.drafts.synced')}
                </span>
                {draft.id === editing ? (
                  <span className="badge">{t('broadcasts.drafts.editing')}</span>
                ) : (
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() => onContinue(draft)}
                    data-testid={`broadcast-draft-continue-${draft.id}`}
                  >
                    {t('broadcasts.drafts.continue')}
                  </button>
                )}
                <button
                  type="button"
                  className="btn btn-small"
                  aria-label={t('broadcasts.drafts.deleteLabel', { name })}
                  onClick={() => onDelete(draft)}
                  data-testid={`broadcast-draft-delete-${draft.id}`}
                >
                  {t('broadcasts.drafts.delete')}
                </button>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
