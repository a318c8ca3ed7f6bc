import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { syncNow, type SyncStatus } from '../platform';
import { asAppError, describeError } from '../kit/errors';
import { formatTime } from '../kit/time';

/** Connection state, pending count; a click asks the core to sync now. */
export function SyncIndicator({ status, onError }: { status: SyncStatus; onError: (message: string) => void }) {
  const { t, i18n } = useTranslation();
  const [busy, setBusy] = useState(false);

  const lines = [
    status.last_synced_at === null
      ? t('sync.never')
      : t('sync.lastSynced', { time: formatTime(status.last_synced_at, i18n.language) }),
  ];
  // A version mismatch is said in the reader's language; the details follow.
  if (status.connection === 'incompatible') lines.push(t('sync.incompatibleHint'));
  if (status.last_error) lines.push(t('sync.lastError', { error: status.last_error }));
  lines.push(t('sync.syncNow'));

  const onClick = () => {
    setBusy(true);
    syncNow()
      .catch((e: unknown) => onError(describeError(t, asAppError(e))))
      .finally(() => setBusy(false));
  };

  return (
    <button
      type="button"
      className="sync"
      data-testid="sync-status"
      data-state={status.connection}
      aria-busy={busy || status.connection === 'syncing'}
      title={lines.join('\n')}
      onClick={onClick}
    >
      <span className="sync-dot" aria-hidden="true" />
      <span className="sync-text">{t(`sync.${status.connection}`)}</span>
      {status.pending > 0 && (
        <span className="sync-pending" data-testid="sync-pending">
          {t('sync.pending', { count: status.pending })}
        </span>
      )}
    </button>
  );
}
