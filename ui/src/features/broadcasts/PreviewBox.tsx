import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { previewBroadcast, type MessageBody } from '../../platform';
import { asAppError, describeError } from '../../kit/errors';

type Props = {
  accountId: string;
  /** What to preview. */
  content: MessageBody;
  /** Nothing to preview until the content has what a send needs. */
  ready: boolean;
};

/** Sends the broadcast to one WeChat user (their OpenID) as WeChat's mass-message preview. */
export function PreviewBox({ accountId, content, ready }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [openId, setOpenId] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);

  const preview = () => {
    setBusy(true);
    setOutcome(null);
    previewBroadcast(accountId, content, openId.trim()).then(
      () => {
        setBusy(false);
        setOutcome({ ok: true, text: t('broadcasts.preview.sent') });
      },
      (e: unknown) => {
        setBusy(false);
        setOutcome({ ok: false, text: describeError(t, asAppError(e)) });
      },
    );
  };

  return (
    <div className="bc-preview-box">
      <label htmlFor={`${id}-open-id`}>{t('broadcasts.preview.openId')}</label>
      <div className="bc-row">
        <input
          id={`${id}-open-id`}
          value={openId}
          onChange={(e) => setOpenId(e.target.value)}
          data-testid="broadcast-preview-open-id"
        />
        <button
          type="button"
          className="btn"
          onClick={preview}
          disabled={busy || openId.trim() === '' || !ready}
          data-testid="broadcast-preview"
        >
          {t('broadcasts.preview.send')}
        </button>
      </div>
      {outcome ? (
        <p
          className={outcome.ok ? 'bc-notice' : 'form-error'}
          role={outcome.ok ? 'status' : 'alert'}
          data-testid="broadcast-preview-outcome"
        >
          {outcome.text}
        </p>
      ) : null}
    </div>
  );
}
