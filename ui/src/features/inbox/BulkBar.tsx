import { useTranslation } from 'react-i18next';
import type { ConversationStatus } from '../../platform';
import { STATUSES } from './Sidebar';

type Props = {
  count: number;
  checked: ReadonlySet<string>;
  allChecked: boolean;
  busy: boolean;
  onToggleAll: () => void;
  onAssign: (assignee: 'me' | null) => void;
  onStatus: (status: ConversationStatus) => void;
};

/** Above the list: check all, and act on the checked conversations. */
export function BulkBar({ count, checked, allChecked, busy, onToggleAll, onAssign, onStatus }: Props) {
  const { t } = useTranslation();
  return (
    <div className={`ib-bulk${checked.size > 0 ? ' is-active' : ''}`} data-testid="bulk-bar">
      <label className="ib-bulk-all">
        <input
          type="checkbox"
          checked={allChecked}
          onChange={onToggleAll}
          data-testid="check-all"
          aria-label={t('inbox.bulk.all')}
        />
        <span>
          {checked.size > 0 ? t('inbox.bulk.selected', { count: checked.size }) : t('inbox.list.count', { count })}
        </span>
      </label>
      {checked.size > 0 && (
        <div className="ib-bulk-actions">
          <button
            type="button"
            className="btn btn-small"
            data-testid="bulk-assign-me"
            disabled={busy}
            onClick={() => onAssign('me')}
          >
            {t('inbox.bulk.assignMe')}
          </button>
          <button
            type="button"
            className="btn btn-small"
            data-testid="bulk-unassign"
            disabled={busy}
            onClick={() => onAssign(null)}
          >
            {t('inbox.bulk.unassign')}
          </button>
          <select
            aria-label={t('inbox.bulk.setStatus')}
            data-testid="bulk-status"
            value=""
            disabled={busy}
            onChange={(e) => {
              if (e.target.value) onStatus(e.target.value as ConversationStatus);
            }}
          >
            <option value="">{t('inbox.bulk.setStatus')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`inbox.status.${s}`)}
              </option>
            ))}
          </select>
        </div>
      )}
    </div>
  );
}
