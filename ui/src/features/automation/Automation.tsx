import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  checkAutoReplyRule,
  deleteAutoReplyRule,
  importWechatAutoReplies,
  listAutoReplyRules,
  onInboxChanged,
  saveAutoReplyRule,
  type AutoReplyRuleDraft,
  type Issue,
} from '../../platform';
import { asAppError, describeError } from '../../kit/errors';
import { useAccounts } from '../../kit/useAccounts';
import { useQuery, useReloadKey } from '../../kit/useQuery';
import { RuleEditor } from './RuleEditor';
import { RuleList } from './RuleList';
import { TryPanel } from './TryPanel';
import { draftOf, isVisible, newRule } from './rules';
import './automation.css';

/** The editor's inline checks wait for typing to pause this long. */
export const CHECK_DELAY_MS = 200;

type Notice = { text: string; failed: boolean };

/** The rule being edited, and which of its fields may show their issues yet. */
type Editing = { draft: AutoReplyRuleDraft; touched: ReadonlySet<string>; attempted: boolean };

/**
 * Automatic replies: an account's rules, edited offline (each save goes
 * through the outbox), checked against the platform's limits as staff type,
 * and tried before saving with the matcher the server runs. A field's issues
 * show once it was left or a save was tried, so a new rule starts clean.
 */
export function AutomationScreen() {
  const { t } = useTranslation();
  const accounts = useAccounts().active;
  const [chosen, setChosen] = useState<string | null>(null);
  const accountId = chosen ?? accounts[0]?.account.id ?? null;
  const [version, reload] = useReloadKey(onInboxChanged);
  const rules = useQuery(accountId ? () => listAutoReplyRules(accountId) : null, [accountId, version]);
  const [editing, setEditing] = useState<Editing | null>(null);
  const draft = editing?.draft ?? null;
  const [notice, setNotice] = useState<Notice | null>(null);
  const checked = useQuery(draft ? () => checkAutoReplyRule(draft) : null, [draft], { delayMs: CHECK_DELAY_MS });
  const issues: Issue[] = draft ? (checked.data ?? []) : [];

  const edit = (patch: Partial<AutoReplyRuleDraft>) =>
    setEditing((e) => (e ? { ...e, draft: { ...e.draft, ...patch } } : e));
  const touch = (path: string) =>
    setEditing((e) => (e && !e.touched.has(path) ? { ...e, touched: new Set(e.touched).add(path) } : e));
  const failed = (e: unknown) => setNotice({ text: describeError(t, asAppError(e)), failed: true });

  const save = () => {
    if (!editing) return;
    setEditing({ ...editing, attempted: true });
    saveAutoReplyRule(editing.draft).then(() => {
      setNotice({ text: t('automation.saved'), failed: false });
      reload();
    }, failed);
  };
  const importFromWechat = () => {
    if (!accountId) return;
    importWechatAutoReplies(accountId).then((imported) => {
      const done = t('automation.import.done', { count: imported.drafts.length });
      const skipped =
        imported.skipped.length > 0 ? ` ${t('automation.import.skipped', { list: imported.skipped.join('; ') })}` : '';
      setNotice({ text: done + skipped, failed: false });
      reload();
    }, failed);
  };
  const remove = () => {
    if (!draft) return;
    deleteAutoReplyRule(draft.id).then(() => {
      setEditing(null);
      setNotice({ text: t('automation.deleted'), failed: false });
      reload();
    }, failed);
  };

  if (accounts.length === 0 || accountId === null) {
    return (
      <div className="auto auto-blank" data-testid="automation-screen">
        <section className="card auto-panel">
          <h1 className="visually-hidden">{t('automation.title')}</h1>
          <p className="muted">{t('automation.noAccounts')}</p>
        </section>
      </div>
    );
  }

  const isWechat = accounts.find((a) => a.account.id === accountId)?.account.platform === 'wechat';
  return (
    <div className="auto" data-testid="automation-screen">
      <RuleList
        accounts={accounts}
        accountId={accountId}
        items={rules.data ?? []}
        activeId={draft?.id ?? null}
        onChooseAccount={(next) => {
          setChosen(next);
          setEditing(null);
        }}
        onNew={() => setEditing({ draft: newRule(accountId), touched: new Set(), attempted: false })}
        onImport={isWechat ? importFromWechat : null}
        // A saved rule was already submitted once: whatever the platform refuses in it shows at once.
        onOpen={({ rule }) => setEditing({ draft: draftOf(rule), touched: new Set(), attempted: true })}
      />
      <div className="auto-main">
        {notice ? (
          notice.failed ? (
            <p className="form-error" role="alert">
              {notice.text}
            </p>
          ) : (
            <p className="auto-notice" role="status">
              {notice.text}
            </p>
          )
        ) : null}
        {editing ? (
          <RuleEditor
            draft={editing.draft}
            edit={edit}
            issues={issues}
            visible={(path) => isVisible(path, editing.touched, editing.attempted)}
            touch={touch}
            onSave={save}
            onDelete={remove}
          />
        ) : (
          <section className="card auto-panel auto-placeholder">
            <p className="muted">{t('automation.pick')}</p>
          </section>
        )}
        <TryPanel accountId={accountId} draft={draft} />
      </div>
    </div>
  );
}
