import { useTranslation } from 'react-i18next';
import type { DesignerDraft } from '../../platform';
import type { PlatformProfile } from '../../shared/model';
import { AlipayHomeStatus } from './AlipayHomeStatus';

type Props = {
  accountId: string;
  platform: PlatformProfile;
  draft: DesignerDraft | null;
  readOnly: boolean;
  info: string | null;
  notice: string | null;
  onAlipayImport: (() => void) | null;
  onReviewConflict: () => void;
  onDismissInfo: () => void;
  onDismissNotice: () => void;
};

/** Under the toolbar: Alipay's home page, read-only, a conflict to review, news and failures. */
export function Banners({
  accountId,
  platform,
  draft,
  readOnly,
  info,
  notice,
  onAlipayImport,
  onReviewConflict,
  onDismissInfo,
  onDismissNotice,
}: Props) {
  const { t } = useTranslation();
  const publishState = draft?.publish ?? null;
  return (
    <>
      {platform === 'alipay' && (
        <AlipayHomeStatus
          key={accountId}
          accountId={accountId}
          version={publishState?.state === 'published' ? publishState.version : null}
          canRetry={!readOnly}
          onImport={onAlipayImport}
        />
      )}
      {readOnly && (
        <div className="dz-banner" role="status" data-testid="designer-read-only">
          <span>{t('designer.readOnly')}</span>
        </div>
      )}
      {draft?.conflict && (
        <div className="dz-banner" role="alert" data-testid="conflict-banner">
          <span>
            {t('designer.conflict.banner', { who: draft.conflict.updated_by ?? t('designer.conflict.someone') })}
          </span>
          <button type="button" className="btn btn-small" onClick={onReviewConflict}>
            {t('designer.conflict.review')}
          </button>
        </div>
      )}
      {info && <Notice kind="info" testId="designer-info" text={info} onDismiss={onDismissInfo} />}
      {notice && <Notice kind="failure" testId="designer-notice" text={notice} onDismiss={onDismissNotice} />}
    </>
  );
}

/** News (a status) or a failure (an alert), until dismissed. */
function Notice({
  kind,
  testId,
  text,
  onDismiss,
}: {
  kind: 'info' | 'failure';
  testId: string;
  text: string;
  onDismiss: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div
      className={kind === 'info' ? 'notice notice-info dz-notice' : 'notice dz-notice'}
      role={kind === 'info' ? 'status' : 'alert'}
      data-testid={testId}
    >
      <span>{text}</span>
      <button type="button" className="btn btn-link" onClick={onDismiss}>
        {t('rejected.dismiss')}
      </button>
    </div>
  );
}
