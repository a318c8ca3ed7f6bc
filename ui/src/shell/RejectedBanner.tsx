import { useTranslation } from 'react-i18next';
import type { RejectedChange } from '../platform';
import { describeError } from '../kit/errors';

/** Changes the server refused, each with its reason and a Dismiss button. */
export function RejectedBanner({ changes, onDismiss }: { changes: RejectedChange[]; onDismiss: (id: number) => void }) {
  const { t } = useTranslation();
  return (
    <section className="rejected" data-testid="rejected-banner" aria-live="polite">
      <h2 className="rejected-title">{t('rejected.title', { count: changes.length })}</h2>
      <ul className="rejected-list">
        {changes.map((change) => (
          <li key={change.id} className="rejected-item" data-testid="rejected-change">
            <span className="rejected-summary">
              {t(`rejected.action.${change.action}`, {
                target: change.target,
                defaultValue: t('rejected.unknownChange'),
              })}
            </span>
            <span className="rejected-reason">{describeError(t, change.error)}</span>
            <button
              type="button"
              className="btn btn-small"
              data-testid="rejected-dismiss"
              onClick={() => onDismiss(change.id)}
            >
              {t('rejected.dismiss')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
