import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '../../kit/useQuery';
import { asAppError, describeError, translateIssue } from '../../kit/errors';
import { retryWechatMenu, wechatMenu, type WechatMenuPublish } from '../../platform';

/**
 * What WeChat made of the published `version`'s menu, on a WeChat account:
 * "Published to WeChat", or WeChat's refusal (its reason and error code) or a
 * failure to reach it, with a Retry that sends the live menu again. Nothing
 * while the outcome is unknown (no connection, offline, another version).
 */
export function WechatMenuStatus({
  accountId,
  version,
  canRetry,
}: {
  accountId: string;
  version: number;
  canRetry: boolean;
}) {
  const { t } = useTranslation();
  const [outcome, setOutcome] = useState<WechatMenuPublish | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // Mounted per account (keyed by it); a stale outcome is another version's and shows nothing.
  // Not connected to WeChat, or no server: the designer says nothing of WeChat.
  useQuery(() => wechatMenu(accountId), [accountId, version], {
    onData: (found) => {
      setOutcome(found);
      setError(null);
    },
  });

  if (outcome === null || outcome.version !== version) return null;

  const retry = () => {
    setBusy(true);
    setError(null);
    retryWechatMenu(accountId).then(
      (next) => {
        setBusy(false);
        setOutcome(next);
      },
      (e: unknown) => {
        setBusy(false);
        setError(describeError(t, asAppError(e)));
      },
    );
  };
  const reason = translateIssue(t, { path: '', key: outcome.reason ?? 'wechat.menu.refused', params: [] });
  const text =
    outcome.state === 'published'
      ? t('designer.wechatMenu.published')
      : outcome.state === 'refused'
        ? t('designer.wechatMenu.refused', { reason, errcode: outcome.errcode ?? '' })
        : t('designer.wechatMenu.failed', { reason });
  return (
    <span
      className={`dz-publish-state dz-wechat-menu dz-wechat-menu-${outcome.state}`}
      data-testid="wechat-menu-state"
      role="status"
      title={outcome.message ?? text}
    >
      <span className="dz-status-text">{busy ? t('designer.wechatMenu.retrying') : text}</span>
      {outcome.state !== 'published' && canRetry && (
        <button type="button" className="btn btn-small" onClick={retry} disabled={busy} data-testid="wechat-menu-retry">
          {t('designer.wechatMenu.retry')}
        </button>
      )}
      {error && (
        <span className="form-error" role="alert" data-testid="wechat-menu-error">
          {error}
        </span>
      )}
    </span>
  );
}
