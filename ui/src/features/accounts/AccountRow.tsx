import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { openSubscriberPage, setArchived, updateAccount, type AccountListItem, type Issue } from '../../platform';
import { AccountSettingsDialog } from './AccountSettingsDialog';
import { Avatar } from '../../kit/Avatar';
import { asAppError, describeError, fieldOf, translateIssue } from '../../kit/errors';
import { addressNotOpened, SubscriberPageFallback } from './SubscriberPageFallback';
import { useAccountCheck } from './useAccountCheck';

type Props = {
  item: AccountListItem;
  onChanged: () => void;
  onError: (message: string) => void;
};

export function AccountRow({ item, onChanged, onError }: Props) {
  const { t } = useTranslation();
  const { account, waiting } = item;
  const id = useId();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(account.name);
  const [saveIssues, setSaveIssues] = useState<Issue[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [showSettings, setShowSettings] = useState(false);
  const [notOpened, setNotOpened] = useState<string | null>(null);
  const renameButton = useRef<HTMLButtonElement>(null);
  const refocus = useRef(false);

  const check = useAccountCheck(
    editing
      ? {
          name,
          platform: account.platform,
          category: account.category,
          description: account.description,
          avatar_color: account.avatar_color,
        }
      : null,
  );
  const issues = (saveIssues ?? check.issues).filter(
    (issue) => fieldOf(issue.path) === 'name' || fieldOf(issue.path) === '',
  );

  useEffect(() => {
    if (!editing && refocus.current) {
      refocus.current = false;
      renameButton.current?.focus();
    }
  }, [editing]);

  const onOpenPage = () => {
    openSubscriberPage(account.id).catch((e: unknown) => {
      const error = asAppError(e);
      const url = addressNotOpened(error);
      if (url) setNotOpened(url);
      else onError(describeError(t, error));
    });
  };

  const startRename = () => {
    setName(account.name);
    setSaveIssues(null);
    setEditing(true);
  };
  const stopRename = () => {
    refocus.current = true;
    setEditing(false);
  };

  const onRename = (event: FormEvent) => {
    event.preventDefault();
    if (issues.length > 0 || busy) return;
    if (name === account.name) {
      stopRename();
      return;
    }
    setBusy(true);
    updateAccount(account.id, { name, category: null, description: null, avatar_color: null, settings: null })
      .then(
        () => {
          stopRename();
          onChanged();
        },
        (e: unknown) => {
          const error = asAppError(e);
          if (error.code === 'invalid' && error.issues.length > 0) setSaveIssues(error.issues);
          else onError(t('accounts.actionFailed', { reason: describeError(t, error) }));
        },
      )
      .finally(() => setBusy(false));
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      stopRename();
    }
  };

  const onArchive = () => {
    setBusy(true);
    setArchived(account.id, !account.archived)
      .then(onChanged, (e: unknown) => onError(t('accounts.actionFailed', { reason: describeError(t, asAppError(e)) })))
      .finally(() => setBusy(false));
  };

  return (
    <tr data-testid="account-row" data-account-id={account.id} className={account.archived ? 'is-archived' : undefined}>
      <td className="col-account">
        <div className="account-cell">
          <Avatar name={editing ? name : account.name} color={account.avatar_color} />
          {editing ? (
            <form className="rename" onSubmit={onRename} onKeyDown={onKeyDown}>
              <input
                aria-label={t('accounts.renameLabel', { name: account.name })}
                data-testid="account-rename-input"
                value={name}
                autoFocus
                aria-invalid={issues.length > 0}
                aria-describedby={issues.length > 0 ? `${id}-rename-error` : undefined}
                onChange={(e) => {
                  setName(e.target.value);
                  setSaveIssues(null);
                }}
              />
              <button
                type="submit"
                className="btn btn-small btn-primary"
                data-testid="account-rename-save"
                disabled={busy || issues.length > 0}
              >
                {t('accounts.renameSave')}
              </button>
              <button type="button" className="btn btn-small" data-testid="account-rename-cancel" onClick={stopRename}>
                {t('accounts.renameCancel')}
              </button>
              {issues.length > 0 && (
                <p className="field-error" id={`${id}-rename-error`} data-testid="rename-error">
                  {issues.map((issue) => translateIssue(t, issue)).join(' ')}
                </p>
              )}
            </form>
          ) : (
            <div className="account-title">
              <span className="account-name" data-testid="account-name-text" title={account.name}>
                <bdi>{account.name}</bdi>
              </span>
              {account.description && (
                <span className="account-description muted" title={account.description}>
                  {account.description}
                </span>
              )}
            </div>
          )}
        </div>
      </td>
      <td>
        <span className={`badge badge-${account.platform}`} data-testid="account-platform">
          {t(`platform.${account.platform}`)}
        </span>
      </td>
      <td className="account-category" title={account.category || undefined}>
        {account.category || <span className="muted">{t('accounts.noCategory')}</span>}
      </td>
      <td>
        <div className="badges">
          {waiting && (
            <span className="badge badge-waiting" data-testid="account-waiting">
              {t('accounts.waiting')}
            </span>
          )}
          {account.archived && (
            <span className="badge badge-archived" data-testid="account-archived">
              {t('accounts.archived')}
            </span>
          )}
        </div>
      </td>
      <td className="col-actions">
        <div className="row-actions">
          <button
            ref={renameButton}
            type="button"
            className="btn btn-small"
            data-testid="account-rename"
            disabled={editing || busy}
            onClick={startRename}
          >
            {t('accounts.rename')}
          </button>
          <button
            type="button"
            className="btn btn-small"
            data-testid="account-open-page"
            disabled={busy || waiting || account.archived}
            title={waiting ? t('accounts.openPageWaiting') : t('accounts.openPageHint')}
            onClick={onOpenPage}
          >
            {t('accounts.openPage')}
          </button>
          <button
            type="button"
            className="btn btn-small"
            data-testid="account-settings-open"
            disabled={busy}
            title={t('accounts.rulesHint')}
            onClick={() => setShowSettings(true)}
          >
            {t('accounts.rules')}
          </button>
          <button
            type="button"
            className="btn btn-small"
            data-testid="account-archive"
            disabled={busy}
            onClick={onArchive}
          >
            {account.archived ? t('accounts.restore') : t('accounts.archive')}
          </button>
        </div>
        {notOpened && <SubscriberPageFallback url={notOpened} onClose={() => setNotOpened(null)} />}
        {showSettings && (
          <AccountSettingsDialog account={account} onClose={() => setShowSettings(false)} onSaved={onChanged} />
        )}
      </td>
    </tr>
  );
}
