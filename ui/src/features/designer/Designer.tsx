import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { asAppError, describeError } from '../../kit/errors';
import { useAccounts } from '../../kit/useAccounts';
import { useQuery } from '../../kit/useQuery';
import { layoutTemplates, moduleCatalog, templateFields } from '../../platform';
import '../../renderer/renderer.css';
import { Workspace } from './Workspace';
import './designer.css';

export { HISTORY_DEBOUNCE_MS, SAVE_DEBOUNCE_MS } from './useAutosave';
const ACCOUNT_KEY = 'wicket.designer.account';
// Until read: the same empty lists each render, so the panels need not re-render.
const NONE: never[] = [];

/** The Designer screen: pick an account, then lay out its function view. */
/** `canDesign`: the signed-in role may edit and publish (the model's permission table says). */
export function DesignerScreen({ canDesign = true }: { canDesign?: boolean }) {
  const { t } = useTranslation();
  const { all, active, error: accountsError } = useAccounts();
  const accounts = all === null ? null : active;
  const [accountId, setAccountId] = useState<string | null>(() => {
    try {
      return localStorage.getItem(ACCOUNT_KEY);
    } catch {
      return null;
    }
  });
  const catalog = useQuery(moduleCatalog, []);
  const templates = useQuery(layoutTemplates, []);
  // Without them the inspector simply offers no picker; typing works.
  const fields = useQuery(templateFields, []);
  const failure = accountsError ?? catalog.error;
  const error = failure ? describeError(t, asAppError(failure)) : null;

  const current = accounts?.find((a) => a.account.id === accountId) ?? accounts?.[0] ?? null;
  const choose = (id: string) => {
    setAccountId(id);
    try {
      localStorage.setItem(ACCOUNT_KEY, id);
    } catch {
      // Remembering the choice is a convenience.
    }
  };

  return (
    <div className="designer" data-testid="designer-screen">
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {accounts !== null && accounts.length === 0 && (
        <section className="empty-state card" data-testid="designer-no-accounts">
          <div className="empty-mark" aria-hidden="true" />
          <h2>{t('designer.noAccounts.title')}</h2>
          <p>{t('designer.noAccounts.body')}</p>
        </section>
      )}
      {accounts === null && !error && <p className="muted">{t('designer.loading')}</p>}
      {current && (
        <Workspace
          key={current.account.id}
          account={current}
          accounts={accounts ?? []}
          onAccount={choose}
          catalog={catalog.data ?? NONE}
          templates={templates.data ?? NONE}
          fields={fields.data ?? NONE}
          readOnly={!canDesign}
        />
      )}
    </div>
  );
}
