import { useTranslation } from 'react-i18next';
import type { AccountListItem, DesignerDraft } from '../../platform';
import { describeError } from '../../kit/errors';
import type { Issue, PlatformProfile } from '../../shared/model';
import { ToolbarActions, type ToolbarAction } from './ToolbarActions';
import { WechatMenuStatus } from './WechatMenuStatus';

type Props = {
  accountId: string;
  accounts: AccountListItem[];
  platform: PlatformProfile;
  draft: DesignerDraft | null;
  issues: Issue[];
  saving: boolean;
  publishing: boolean;
  readOnly: boolean;
  canUndo: boolean;
  canRedo: boolean;
  actions: ToolbarAction[];
  onAccount: (id: string) => void;
  onUndo: () => void;
  onRedo: () => void;
  onIssues: () => void;
  onPublish: () => void;
};

/** The designer's toolbar: account, undo and redo, file actions, save and publish state, publish. */
export function DesignerToolbar({
  accountId,
  accounts,
  platform,
  draft,
  issues,
  saving,
  publishing,
  readOnly,
  canUndo,
  canRedo,
  actions,
  onAccount,
  onUndo,
  onRedo,
  onIssues,
  onPublish,
}: Props) {
  const { t } = useTranslation();
  const syncState = draft?.sync ?? 'waiting';
  const publishState = draft?.publish ?? null;
  // The status texts: cut with an ellipsis where the toolbar is narrow, whole in their tooltips.
  const saveText = saving ? t('designer.save.saving') : t(`designer.save.${syncState}`);
  const publishText =
    publishState === null
      ? ''
      : publishState.state === 'published'
        ? t('designer.publish.published', { n: publishState.version })
        : publishState.state === 'queued'
          ? t('designer.publish.queued')
          : t('designer.publish.failed', { reason: describeError(t, publishState.error) });

  return (
    <div className="dz-toolbar" role="toolbar" aria-label={t('designer.toolbar')}>
      <label className="dz-account">
        <span className="visually-hidden">{t('designer.account')}</span>
        <select value={accountId} onChange={(e) => onAccount(e.target.value)} data-testid="designer-account">
          {accounts.map((a) => (
            <option key={a.account.id} value={a.account.id}>
              {a.account.name} · {t(`platform.${a.account.platform}`)}
            </option>
          ))}
        </select>
      </label>
      <span className={`badge badge-${platform}`}>{t(`platform.${platform}`)}</span>
      <span className="dz-divider" />
      <button
        type="button"
        className="btn btn-ghost btn-small"
        onClick={onUndo}
        disabled={readOnly || !canUndo}
        data-testid="undo"
        title={t('designer.undoHint')}
      >
        {t('designer.undo')}
      </button>
      <button
        type="button"
        className="btn btn-ghost btn-small"
        onClick={onRedo}
        disabled={readOnly || !canRedo}
        data-testid="redo"
        title={t('designer.redoHint')}
      >
        {t('designer.redo')}
      </button>
      <span className="dz-divider" />
      <ToolbarActions actions={actions} />
      <span className="dz-grow" />
      <span
        className={`dz-save dz-save-${saving ? 'saving' : syncState}`}
        data-testid="save-state"
        role="status"
        title={saveText}
      >
        <span className="dz-status-text">{saveText}</span>
      </span>
      <button
        type="button"
        className={`dz-issues-button${issues.length > 0 ? ' has-issues' : ''}`}
        onClick={onIssues}
        data-testid="issue-count"
      >
        {issues.length > 0 ? t('designer.issues.count', { count: issues.length }) : t('designer.issues.none')}
      </button>
      {publishState && (
        <span
          className={`dz-publish-state dz-publish-${publishState.state}`}
          data-testid="publish-state"
          title={publishText}
        >
          {publishText}
        </span>
      )}
      {platform === 'wechat' && publishState?.state === 'published' && (
        <WechatMenuStatus key={accountId} accountId={accountId} version={publishState.version} canRetry={!readOnly} />
      )}
      <button
        type="button"
        className="btn btn-primary"
        onClick={onPublish}
        disabled={readOnly || publishing || draft === null}
        data-testid="publish"
      >
        {publishing ? t('designer.publish.busy') : t('designer.publish.button')}
      </button>
    </div>
  );
}
