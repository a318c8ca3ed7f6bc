import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AccountRow } from './AccountRow';
import { asAppError, describeError } from '../../kit/errors';
import { NewAccountDialog } from './NewAccountDialog';
import { useAccounts } from '../../kit/useAccounts';

/** The accounts this workspace runs, with create, rename and archive. */
export function AccountsScreen() {
  const { t } = useTranslation();
  // Read again whenever the core says the accounts changed, and after our own edits.
  const { all: items, error, reload } = useAccounts();
  const [showArchived, setShowArchived] = useState(false);
  const [creating, setCreating] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const newButton = useRef<HTMLButtonElement>(null);

  const visible = items?.filter((item) => showArchived || !item.account.archived) ?? [];

  const closeDialog = () => {
    setCreating(false);
    newButton.current?.focus();
  };

  return (
    <div className="accounts">
      <div className="toolbar">
        <p className="muted toolbar-lead">{t('accounts.subtitle')}</p>
        <label className="toggle">
          <input
            type="checkbox"
            data-testid="show-archived"
            checked={showArchived}
            onChange={(e) => setShowArchived(e.target.checked)}
          />
          <span>{t('accounts.showArchived')}</span>
        </label>
        <button
          ref={newButton}
          type="button"
          className="btn btn-primary"
          data-testid="new-account"
          onClick={() => setCreating(true)}
        >
          {t('accounts.new')}
        </button>
      </div>

      {error !== null && (
        <p className="form-error" role="alert" data-testid="accounts-error">
          {t('accounts.loadFailed', { reason: describeError(t, asAppError(error)) })}
        </p>
      )}
      {actionError && (
        <p className="form-error" role="alert" data-testid="account-action-error">
          {actionError}
        </p>
      )}

      {items === null && error === null && <p className="muted">{t('accounts.loading')}</p>}

      {items !== null && items.length === 0 && (
        <section className="empty-state card" data-testid="accounts-empty">
          <div className="empty-mark" aria-hidden="true" />
          <h2>{t('accounts.empty.title')}</h2>
          <p>{t('accounts.empty.body')}</p>
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            {t('accounts.new')}
          </button>
        </section>
      )}

      {items !== null && items.length > 0 && visible.length === 0 && (
        <p className="muted card card-pad">{t('accounts.allArchived')}</p>
      )}

      {visible.length > 0 && (
        <div className="card table-card accounts-table">
          <table className="table">
            <thead>
              <tr>
                <th scope="col" className="col-account">
                  {t('accounts.columns.account')}
                </th>
                <th scope="col">{t('accounts.columns.platform')}</th>
                <th scope="col">{t('accounts.columns.category')}</th>
                <th scope="col">{t('accounts.columns.status')}</th>
                <th scope="col" className="col-actions">
                  {t('accounts.columns.actions')}
                </th>
              </tr>
            </thead>
            <tbody>
              {visible.map((item) => (
                <AccountRow
                  key={item.account.id}
                  item={item}
                  onChanged={() => {
                    setActionError(null);
                    reload();
                  }}
                  onError={setActionError}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}

      {creating && (
        <NewAccountDialog
          onCancel={closeDialog}
          onCreated={() => {
            closeDialog();
            reload();
          }}
        />
      )}
    </div>
  );
}
