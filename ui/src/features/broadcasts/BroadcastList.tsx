import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  broadcasts,
  cancelBroadcast,
  onBroadcastProgress,
  type Broadcast,
  type BroadcastProgress,
  type PlatformCounts,
} from '../../platform';
import { asAppError, describeError, translateIssue } from '../../kit/errors';
import { dateTime } from '../../kit/time';
import { useQuery, type ReloadOn } from '../../kit/useQuery';
import { CountsTable, type CountField } from './CountsTable';

/** How often the list is read again while a broadcast is scheduled or sending. */
export const POLL_MS = 3000;

const every =
  (ms: number): ReloadOn =>
  (listener) => {
    const timer = setInterval(listener, ms);
    return () => clearInterval(timer);
  };

/** A broadcast that may still change: worth polling, and cancellable. */
function live(b: Broadcast): boolean {
  return b.status === 'scheduled' || b.status === 'sending';
}

function total(b: Broadcast, pick: (c: PlatformCounts) => number): number {
  return b.counts.reduce((sum, c) => sum + pick(c), 0);
}

/** Always shown in a broadcast's results; the rest only when one platform has some. */
const ALWAYS: readonly CountField[] = ['targeted', 'sent'];
const WHEN_ANY: readonly CountField[] = [
  'pending',
  'skipped_subscriber_cap',
  'skipped_account_cap',
  'unreachable',
  'failed',
  'cancelled',
];

function resultColumns(b: Broadcast): CountField[] {
  return [...ALWAYS, ...WHEN_ANY.filter((field) => b.counts.some((c) => c[field] > 0))];
}

/** Whether the one-line counts leave something out: why some were skipped, or the split by platform. */
function detailed(b: Broadcast): boolean {
  return b.status !== 'scheduled' && (b.counts.length > 1 || resultColumns(b).length > ALWAYS.length);
}

/** The list's broadcast with the live feed's newer word on it, while the list still says it may change. */
function withProgress(b: Broadcast, progress: BroadcastProgress | undefined): Broadcast {
  if (!progress || !live(b)) return b;
  const { status, planned, counts, failures } = progress;
  return { ...b, status, planned, counts, failures };
}

function preview(b: Broadcast): string {
  return b.content.type === 'text' ? b.content.text : b.content.type === 'article' ? b.content.title : b.content.type;
}

type Props = {
  accountId: string;
  /** Bumped when a broadcast was sent here, to read the list again. */
  version: number;
};

/** The account's broadcasts, newest first, with status and counts; polled while one is scheduled or sending. */
export function BroadcastList({ accountId, version }: Props) {
  const { t, i18n } = useTranslation();
  const [active, setActive] = useState(false);
  const poll = useMemo(() => (active ? every(POLL_MS) : undefined), [active]);
  const list = useQuery(() => broadcasts(accountId), [accountId, version], {
    reloadOn: poll,
    onData: (items) => setActive(items.some(live)),
  });
  const [error, setError] = useState<string | null>(null);
  const nf = new Intl.NumberFormat(i18n.language);
  // What the server's live feed said of each running broadcast, newest word only.
  const [progress, setProgress] = useState<ReadonlyMap<string, BroadcastProgress>>(new Map());
  const reload = list.reload;
  useEffect(
    () =>
      onBroadcastProgress((p) => {
        if (p.account_id !== accountId) return;
        setProgress((known) => new Map(known).set(p.broadcast_id, p));
        // Finished: the list's own read has the platform's totals too.
        if (p.status === 'done' || p.status === 'cancelled') reload();
      }),
    [accountId, reload],
  );

  const cancel = (b: Broadcast) => {
    setError(null);
    cancelBroadcast(accountId, b.id).then(
      () => list.reload(),
      (e: unknown) => setError(describeError(t, asAppError(e))),
    );
  };

  const items = (list.data ?? []).map((b) => withProgress(b, progress.get(b.id)));
  return (
    <section className="bc-list" aria-label={t('broadcasts.list.title')} data-testid="broadcast-list">
      <h2>{t('broadcasts.list.title')}</h2>
      {list.error ? (
        <p className="form-error" role="alert" data-testid="broadcast-list-error">
          {t('broadcasts.list.loadFailed', { reason: describeError(t, asAppError(list.error)) })}
        </p>
      ) : null}
      {error ? (
        <p className="form-error" role="alert" data-testid="broadcast-cancel-error">
          {error}
        </p>
      ) : null}
      {list.settled && items.length === 0 && !list.error ? <p>{t('broadcasts.list.empty')}</p> : null}
      <ul className="bc-items">
        {items.map((b) => (
          <li key={b.id} className="bc-item card" data-testid={`broadcast-${b.id}`}>
            <div className="bc-row">
              <span className={`badge bc-status bc-status-${b.status}`} data-testid={`broadcast-status-${b.id}`}>
                {t(`broadcasts.status.${b.status}`)}
              </span>
              <span className="bc-hint">
                {t(b.status === 'scheduled' ? 'broadcasts.list.due' : 'broadcasts.list.at', {
                  at: dateTime(b.send_at, i18n.language),
                })}
              </span>
              {live(b) ? (
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() => cancel(b)}
                  data-testid={`broadcast-cancel-${b.id}`}
                >
                  {t('broadcasts.list.cancel')}
                </button>
              ) : null}
            </div>
            <p className="bc-preview">{preview(b)}</p>
            {b.status === 'sending' ? <Progress broadcast={b} /> : null}
            <p className="bc-counts" data-testid={`broadcast-counts-${b.id}`}>
              {t('broadcasts.list.counts', {
                targeted: nf.format(total(b, (c) => c.targeted)),
                sent: nf.format(total(b, (c) => c.sent)),
                skipped: nf.format(total(b, (c) => c.skipped_subscriber_cap + c.skipped_account_cap + c.unreachable)),
                failed: nf.format(total(b, (c) => c.failed)),
              })}
              {total(b, (c) => c.cancelled) > 0
                ? ` ${t('broadcasts.list.cancelledCount', { n: nf.format(total(b, (c) => c.cancelled)) })}`
                : ''}
            </p>
            {detailed(b) ? (
              <CountsTable counts={b.counts} columns={resultColumns(b)} testid={`broadcast-result-${b.id}`} />
            ) : null}
            {b.platform_totals.map((p) => (
              <p key={p.msg_id} className="bc-hint" data-testid={`broadcast-platform-totals-${b.id}`}>
                {t('broadcasts.list.platformTotals', {
                  total: nf.format(p.total),
                  filtered: nf.format(p.filtered),
                  sent: nf.format(p.sent),
                  errors: nf.format(p.errors),
                })}
              </p>
            ))}
            {b.failures.length > 0 ? (
              <ul className="bc-failures">
                {b.failures.map((f) => (
                  <li key={f.reason}>
                    {translateIssue(t, { path: '', key: f.reason, params: [] })}: {nf.format(f.count)}
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A running broadcast: how many of its audience are done (sent, skipped or failed), as the live feed counts them. */
function Progress({ broadcast: b }: { broadcast: Broadcast }) {
  const { t, i18n } = useTranslation();
  const nf = new Intl.NumberFormat(i18n.language);
  const targeted = total(b, (c) => c.targeted);
  const handled = targeted - total(b, (c) => c.pending);
  return (
    <div className="bc-progress" data-testid={`broadcast-progress-${b.id}`}>
      <progress value={handled} max={Math.max(targeted, 1)} aria-label={t('broadcasts.list.progressLabel')} />
      <span className="bc-hint">
        {t(b.planned ? 'broadcasts.list.progress' : 'broadcasts.list.planning', {
          done: nf.format(handled),
          targeted: nf.format(targeted),
        })}
      </span>
    </div>
  );
}
