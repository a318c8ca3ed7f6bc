import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { AccountListItem, AutoReplyRuleItem } from '../../platform';

type Props = {
  accounts: AccountListItem[];
  accountId: string;
  items: AutoReplyRuleItem[];
  activeId: string | null;
  onChooseAccount: (accountId: string) => void;
  onNew: () => void;
  onImport: (() => void) | null;
  onOpen: (item: AutoReplyRuleItem) => void;
};

/** The left panel: which account, its rules (waiting edits marked), and the buttons that add rules. */
export function RuleList({ accounts, accountId, items, activeId, onChooseAccount, onNew, onImport, onOpen }: Props) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <section className="card auto-panel auto-list" aria-labelledby={`${id}-title`}>
      <h1 id={`${id}-title`} className="visually-hidden">
        {t('automation.title')}
      </h1>
      <p className="muted auto-intro">{t('automation.intro')}</p>
      <div className="field">
        <label htmlFor={`${id}-account`}>{t('automation.account')}</label>
        <select id={`${id}-account`} value={accountId} onChange={(e) => onChooseAccount(e.target.value)}>
          {accounts.map((a) => (
            <option key={a.account.id} value={a.account.id}>
              {a.account.name}
            </option>
          ))}
        </select>
      </div>
      <div className="auto-actions">
        <button type="button" className="btn btn-primary" onClick={onNew} data-testid="automation-new">
          {t('automation.newRule')}
        </button>
        {onImport ? (
          <button type="button" className="btn" onClick={onImport} data-testid="automation-import-wechat">
            {t('automation.import.button')}
          </button>
        ) : null}
      </div>
      {items.length === 0 ? <p className="muted auto-empty">{t('automation.empty')}</p> : null}
      <ul className="auto-rules">
        {items.map((item) => {
          const { rule, waiting } = item;
          return (
            <li key={rule.id}>
              <button
                type="button"
                className={`auto-rule${activeId === rule.id ? ' is-active' : ''}`}
                aria-current={activeId === rule.id ? 'true' : undefined}
                onClick={() => onOpen(item)}
                data-testid="automation-rule"
                data-waiting={waiting ? 'true' : 'false'}
              >
                <span className="auto-rule-name">{rule.name}</span>
                <span className="auto-rule-meta">
                  {t(`automation.trigger.${rule.trigger.kind}`)} · {t('automation.priority')} {rule.priority}
                  {rule.enabled ? '' : ` · ${t('automation.disabled')}`}
                  {waiting ? ` · ${t('automation.waiting')}` : ''}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
