import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { asAppError, describeError, translateIssue } from '../../kit/errors';
import { importWechatMenu } from '../../platform';
import type { Issue, Menu } from '../../shared/model';
import { Frame } from './Dialogs';

/**
 * A WeChat menu pasted or read from a file; on an error nothing changes. When
 * the core left something out (a personalized menu's rule, fields Wicket does
 * not keep), the dialog says what before the menu is used.
 */
export function ImportMenuDialog({
  onImport,
  onClose,
  onLive,
}: {
  onImport: (menu: Menu) => void;
  onClose: () => void;
  /** Reads the account's live menu from its platform (WeChat accounts only). */
  onLive?: () => Promise<{ menu: Menu; notices: Issue[] }>;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [read, setRead] = useState<{ menu: Menu; notices: Issue[] } | null>(null);
  const [fileName, setFileName] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const run = (read: () => Promise<{ menu: Menu; notices: Issue[] }> = () => importWechatMenu(text)) => {
    setBusy(true);
    setError(null);
    setRead(null);
    read().then(
      ({ menu, notices }) => {
        setBusy(false);
        if (notices.length === 0) onImport(menu);
        else setRead({ menu, notices });
      },
      (e: unknown) => {
        setBusy(false);
        setError(describeError(t, asAppError(e)));
      },
    );
  };
  const edit = (next: string) => {
    setText(next);
    setRead(null);
  };
  return (
    <Frame
      id="dz-import-menu-title"
      title={t('designer.importMenu.title')}
      onClose={onClose}
      testId="import-menu-dialog"
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('designer.dialog.cancel')}
          </button>
          {read ? (
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => onImport(read.menu)}
              data-testid="import-menu-use"
            >
              {t('designer.importMenu.use')}
            </button>
          ) : (
            <button
              type="button"
              className="btn btn-primary"
              disabled={busy || text.trim() === ''}
              onClick={() => run()}
              data-testid="import-menu-run"
            >
              {t('designer.importMenu.run')}
            </button>
          )}
        </>
      }
    >
      <p className="muted dz-hint">{t('designer.importMenu.hint')}</p>
      {onLive && (
        <div className="field">
          <button
            type="button"
            className="btn btn-small"
            disabled={busy}
            onClick={() => run(onLive)}
            data-testid="import-menu-live"
          >
            {busy ? t('designer.wechatMenu.liveBusy') : t('designer.wechatMenu.live')}
          </button>
        </div>
      )}
      <div className="field dz-file-field" role="group" aria-labelledby="dz-import-file-label">
        <span id="dz-import-file-label" className="dz-file-label">
          {t('designer.importMenu.file')}
        </span>
        {/* The webview's own file input speaks its own language ("Choose File"): it stays hidden, driven by a translated button. */}
        <div className="dz-file-picker">
          <button
            type="button"
            className="btn btn-small"
            onClick={() => fileInput.current?.click()}
            aria-describedby="dz-import-file-name"
            data-testid="import-menu-choose"
          >
            {t('designer.importMenu.choose')}
          </button>
          <span
            id="dz-import-file-name"
            className={`dz-file-name${fileName ? '' : ' muted'}`}
            title={fileName ?? undefined}
            data-testid="import-menu-file-name"
          >
            {fileName ?? t('designer.importMenu.noFile')}
          </span>
          <input
            ref={fileInput}
            type="file"
            className="visually-hidden"
            tabIndex={-1}
            aria-hidden="true"
            accept=".json,application/json"
            data-testid="import-menu-file"
            onChange={(e) => {
              const input = e.target;
              const file = input.files?.[0];
              if (!file) return;
              setFileName(file.name);
              file.text().then(edit, () => setError(t('designer.importMenu.unreadable')));
              // The same file chosen again (after an edit on disk) reads again.
              input.value = '';
            }}
          />
        </div>
      </div>
      <textarea
        className="dz-code"
        value={text}
        onChange={(e) => edit(e.target.value)}
        aria-label={t('designer.importMenu.paste')}
        placeholder={t('designer.importMenu.paste')}
        rows={12}
        data-testid="import-menu-text"
      />
      {error && (
        <p className="form-error" role="alert" data-testid="import-menu-error">
          {error}
        </p>
      )}
      {read && (
        <div className="dz-import-notices" role="status" data-testid="import-menu-notices">
          <p>{t('designer.importMenu.notices', { items: read.menu.items.length })}</p>
          <ul>
            {read.notices.map((notice, i) => (
              <li key={i} data-issue-key={notice.key}>
                {translateIssue(t, notice)}
                {notice.path && <code className="dz-import-path">{notice.path}</code>}
              </li>
            ))}
          </ul>
        </div>
      )}
    </Frame>
  );
}
