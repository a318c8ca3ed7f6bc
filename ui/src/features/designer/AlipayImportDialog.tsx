import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '../../kit/useQuery';
import { Dialog } from '../../kit/Dialog';
import { asAppError, describeError, translateIssue } from '../../kit/errors';
import { liveAlipayHome, type AlipayHomeImport } from '../../platform';

/**
 * "Import from Alipay": reads the menu and home modules Alipay shows the
 * account's subscribers now, says what was read (and what the reading left
 * out), and on "Use" puts them in the draft in place of its menu and home
 * modules (pages stay; Undo brings the draft back).
 */
export function AlipayImportDialog({
  accountId,
  onUse,
  onClose,
}: {
  accountId: string;
  onUse: (home: AlipayHomeImport) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [read, setRead] = useState<AlipayHomeImport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(true);

  const run = () => {
    setBusy(true);
    setError(null);
    setRead(null);
    liveAlipayHome(accountId).then(
      (home) => {
        setBusy(false);
        setRead(home);
      },
      (e: unknown) => {
        setBusy(false);
        setError(describeError(t, asAppError(e)));
      },
    );
  };

  useQuery(() => liveAlipayHome(accountId), [accountId], {
    onData: (home) => {
      setBusy(false);
      setRead(home);
    },
    onError: (e) => {
      setBusy(false);
      setError(describeError(t, asAppError(e)));
    },
  });

  return (
    <Dialog labelledBy="dz-alipay-import-title" onClose={onClose} testId="alipay-import-dialog">
      <div className="dialog-header">
        <h2 id="dz-alipay-import-title">{t('designer.alipayHome.importTitle')}</h2>
        <button
          type="button"
          className="btn btn-ghost btn-small"
          onClick={onClose}
          aria-label={t('designer.dialog.close')}
        >
          ✕
        </button>
      </div>
      <div className="dialog-body">
        <p className="muted dz-hint">{t('designer.alipayHome.importHint')}</p>
        {busy && (
          <p className="muted" role="status" data-testid="alipay-import-busy">
            {t('designer.alipayHome.importBusy')}
          </p>
        )}
        {error && (
          <p className="form-error" role="alert" data-testid="alipay-import-error">
            {error}
          </p>
        )}
        {read && (
          <div className="dz-import-notices" role="status" data-testid="alipay-import-read">
            <p>
              {t('designer.alipayHome.importRead', {
                items: read.layout.menu.items.length,
                modules: read.layout.modules.length,
              })}
            </p>
            {read.notices.length > 0 && (
              <ul>
                {read.notices.map((notice, i) => (
                  <li key={i} data-issue-key={notice.key}>
                    {translateIssue(t, notice)}
                    {notice.path && <code className="dz-import-path">{notice.path}</code>}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>
      <div className="dialog-footer">
        <button type="button" className="btn" onClick={onClose}>
          {t('designer.dialog.cancel')}
        </button>
        {error ? (
          <button type="button" className="btn btn-primary" onClick={run} data-testid="alipay-import-again">
            {t('designer.alipayHome.importAgain')}
          </button>
        ) : (
          <button
            type="button"
            className="btn btn-primary"
            disabled={busy || read === null}
            onClick={() => read && onUse(read)}
            data-testid="alipay-import-use"
          >
            {t('designer.alipayHome.importUse')}
          </button>
        )}
      </div>
    </Dialog>
  );
}
