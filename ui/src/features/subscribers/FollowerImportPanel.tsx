import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { followerImport, importFollowers, session, type FollowerImport } from '../../platform';
import { asAppError, describeError } from '../../kit/errors';
import { useQuery } from '../../kit/useQuery';

/** How often a running import's progress is read again. */
export const IMPORT_POLL_MS = 1000;

type Props = { accountId: string };

/**
 * "Import followers" for a WeChat or Alipay account, for owners and administrators:
 * the server lists the account's followers and makes them subscribers (it
 * goes on across the server's restarts); this shows how far it is
 * ("12,345 of 40,000") and how it ended. Nothing for other roles, and
 * nothing offline (the import runs on the team server).
 */
export function FollowerImportPanel({ accountId }: Props) {
  const { t, i18n } = useTranslation();
  const [allowed, setAllowed] = useState(false);
  const [progress, setProgress] = useState<FollowerImport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);

  const fail = useCallback((e: unknown) => setError(describeError(t, asAppError(e))), [t]);

  // Mounted once per account (`key`), so nothing to reset here.
  const refused = (e: unknown) => {
    const code = asAppError(e).code;
    // The import runs on the team server: nothing to show without it, or for other roles.
    if (code === 'offline' || code === 'forbidden') setAllowed(false);
    else fail(e);
  };
  useQuery(() => session(), [accountId], {
    onData: (current) => {
      if (current.permissions.includes('manage_accounts')) setAllowed(true);
    },
    onError: refused,
  });
  useQuery(allowed ? () => followerImport(accountId) : null, [accountId], { onData: setProgress, onError: refused });

  const running = progress?.status === 'running';
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      followerImport(accountId).then(setProgress, fail);
    }, IMPORT_POLL_MS);
    return () => clearInterval(timer);
  }, [accountId, running, fail]);

  if (!allowed) return null;

  const start = () => {
    setStarting(true);
    setError(null);
    importFollowers(accountId)
      .then(setProgress, fail)
      .finally(() => setStarting(false));
  };
  const number = (n: number) => n.toLocaleString(i18n.language);
  let line: string | null = null;
  if (progress?.status === 'running') {
    line =
      progress.total > 0
        ? t('followerImport.progress', { done: number(progress.listed), total: number(progress.total) })
        : t('followerImport.starting');
  } else if (progress?.status === 'done') {
    line = t('followerImport.done', { count: progress.imported, imported: number(progress.imported) });
    if (progress.failed > 0) line += ` ${t('followerImport.failedSome', { failed: number(progress.failed) })}`;
  } else if (progress?.status === 'failed') {
    const reason = progress.error ? t(`issue.${progress.error}`, { defaultValue: progress.error }) : '';
    line = t('followerImport.stopped', { reason, done: number(progress.listed), total: number(progress.total) });
  }

  return (
    <div className="follower-import" data-testid="follower-import">
      <button
        type="button"
        className="btn"
        disabled={running || starting}
        onClick={start}
        data-testid="follower-import-start"
      >
        {progress && progress.status !== 'running' ? t('followerImport.again') : t('followerImport.start')}
      </button>
      {running && progress.total > 0 && (
        <progress max={progress.total} value={progress.listed} aria-label={t('followerImport.start')} />
      )}
      {line && (
        <p
          className={progress?.status === 'failed' ? 'form-error' : 'muted'}
          role="status"
          data-testid={`follower-import-${progress?.status}`}
        >
          {line}
        </p>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="follower-import-error">
          {error}
        </p>
      )}
    </div>
  );
}
