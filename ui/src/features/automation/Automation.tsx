import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  checkAutoReplyRule,
  deleteAutoReplyRule,
  importWechatAutoReplies,
  listAutoReplyRules,
  onInboxChanged,
  saveAutoReplyRule,
  tryAutoReply,
  type AutoReplyContent,
  type AutoReplyRuleDraft,
  type AutoReplyTrigger,
  type Issue,
  type MessageBody,
  type TryMessage,
  type TryOutcome,
} from '../../platform';
import { asAppError, describeError, translateIssue } from '../../kit/errors';
import { useAccounts } from '../../kit/useAccounts';
import { useQuery, useReloadKey } from '../../kit/useQuery';
import './automation.css';

/** The editor's inline checks wait for typing to pause this long. */
export const CHECK_DELAY_MS = 200;
const FIELDS = '{{subscriber.name}}, {{account.name}}';

type TriggerKind = AutoReplyTrigger['kind'];
type TryKind = TryMessage['kind'];

function newRule(accountId: string): AutoReplyRuleDraft {
  return {
    id: crypto.randomUUID(),
    account_id: accountId,
    name: '',
    trigger: { kind: 'keyword', keywords: [{ text: '', mode: 'contains' }] },
    priority: 0,
    replies: [{ type: 'text', text: '' }],
    reply_mode: 'all',
    enabled: true,
  };
}

function triggerOf(kind: TriggerKind): AutoReplyTrigger {
  switch (kind) {
    case 'follow':
      return { kind, scene: null };
    case 'keyword':
      return { kind, keywords: [{ text: '', mode: 'contains' }] };
    case 'menu_click':
      return { kind, key: '' };
    case 'default':
      return { kind, quiet_minutes: 60 };
  }
}

function emptyReply(type: AutoReplyContent['type']): AutoReplyContent {
  switch (type) {
    case 'text':
      return { type, text: '' };
    case 'image':
      return { type, url: '' };
    case 'article':
      return { type, title: '', description: '', url: '', image_url: '' };
  }
}

function bodyText(body: MessageBody): string {
  switch (body.type) {
    case 'text':
      return body.text;
    case 'image':
      return body.url;
    case 'article':
      return `${body.title} — ${body.description}`;
    default:
      return '';
  }
}

/**
 * Automatic replies: an account's rules, edited offline (each save goes
 * through the outbox), checked against the platform's limits as staff type,
 * and tried before saving with the matcher the server runs.
 */
export function AutomationScreen() {
  const { t } = useTranslation();
  const id = useId();
  const accounts = useAccounts().active;
  const [chosen, setChosen] = useState<string | null>(null);
  const accountId = chosen ?? accounts[0]?.account.id ?? null;
  const [version, reload] = useReloadKey(onInboxChanged);
  const rules = useQuery(accountId ? () => listAutoReplyRules(accountId) : null, [accountId, version]);
  const [draft, setDraft] = useState<AutoReplyRuleDraft | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const checked = useQuery(draft ? () => checkAutoReplyRule(draft) : null, [draft], { delayMs: CHECK_DELAY_MS });
  const issues: Issue[] = draft ? (checked.data ?? []) : [];

  const edit = (patch: Partial<AutoReplyRuleDraft>) => setDraft((d) => (d ? { ...d, ...patch } : d));
  const issuesAt = (path: string) => issues.filter((i) => i.path === path);
  const shown = (path: string) =>
    issuesAt(path).map((issue) => (
      <p key={`${issue.path}-${issue.key}`} className="auto-issue" role="alert">
        {translateIssue(t, issue)}
      </p>
    ));

  const save = () => {
    if (!draft) return;
    saveAutoReplyRule(draft).then(
      () => {
        setNotice(t('automation.saved'));
        reload();
      },
      (e: unknown) => setNotice(describeError(t, asAppError(e))),
    );
  };
  const importFromWechat = () => {
    if (!accountId) return;
    importWechatAutoReplies(accountId).then(
      (imported) => {
        const done = t('automation.import.done', { count: imported.drafts.length });
        const skipped =
          imported.skipped.length > 0
            ? ` ${t('automation.import.skipped', { list: imported.skipped.join('; ') })}`
            : '';
        setNotice(done + skipped);
        reload();
      },
      (e: unknown) => setNotice(describeError(t, asAppError(e))),
    );
  };
  const remove = () => {
    if (!draft) return;
    deleteAutoReplyRule(draft.id).then(
      () => {
        setDraft(null);
        setNotice(t('automation.deleted'));
        reload();
      },
      (e: unknown) => setNotice(describeError(t, asAppError(e))),
    );
  };

  if (accounts.length === 0 || accountId === null) {
    return (
      <div className="auto" data-testid="automation-screen">
        <p>{t('automation.noAccounts')}</p>
      </div>
    );
  }

  const items = rules.data ?? [];
  return (
    <div className="auto" data-testid="automation-screen">
      <section className="auto-col auto-col-list" aria-label={t('automation.title')}>
        <h1 className="auto-title">{t('automation.title')}</h1>
        <p className="auto-intro">{t('automation.intro')}</p>
        <label htmlFor={`${id}-account`}>{t('automation.account')}</label>
        <select
          id={`${id}-account`}
          value={accountId}
          onChange={(e) => {
            setChosen(e.target.value);
            setDraft(null);
          }}
        >
          {accounts.map((a) => (
            <option key={a.account.id} value={a.account.id}>
              {a.account.name}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => setDraft(newRule(accountId))} data-testid="automation-new">
          {t('automation.newRule')}
        </button>
        {accounts.find((a) => a.account.id === accountId)?.account.platform === 'wechat' ? (
          <button type="button" onClick={importFromWechat} data-testid="automation-import-wechat">
            {t('automation.import.button')}
          </button>
        ) : null}
        {items.length === 0 ? <p>{t('automation.empty')}</p> : null}
        <ul className="auto-rules">
          {items.map(({ rule, waiting }) => (
            <li key={rule.id}>
              <button
                type="button"
                className={`auto-rule${draft?.id === rule.id ? ' is-active' : ''}`}
                onClick={() => setDraft({ ...rule })}
              >
                <span className="auto-rule-name">{rule.name}</span>
                <span className="auto-rule-meta">
                  {t(`automation.trigger.${rule.trigger.kind}`)} · {t('automation.priority')} {rule.priority}
                  {rule.enabled ? '' : ` · ${t('automation.disabled')}`}
                  {waiting ? ` · ${t('automation.waiting')}` : ''}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </section>
      <section className="auto-col auto-col-editor">
        {notice ? (
          <p className="auto-notice" role="status">
            {notice}
          </p>
        ) : null}
        {draft ? <RuleEditor draft={draft} edit={edit} shown={shown} onSave={save} onDelete={remove} /> : null}
        <TryBox accountId={accountId} draft={draft} />
      </section>
    </div>
  );
}

type EditorProps = {
  draft: AutoReplyRuleDraft;
  edit: (patch: Partial<AutoReplyRuleDraft>) => void;
  shown: (path: string) => React.ReactNode;
  onSave: () => void;
  onDelete: () => void;
};

function RuleEditor({ draft, edit, shown, onSave, onDelete }: EditorProps) {
  const { t } = useTranslation();
  const id = useId();
  const trigger = draft.trigger;
  const setReply = (n: number, reply: AutoReplyContent) =>
    edit({ replies: draft.replies.map((r, i) => (i === n ? reply : r)) });
  return (
    <form
      className="auto-editor"
      data-testid="automation-editor"
      onSubmit={(e) => {
        e.preventDefault();
        onSave();
      }}
    >
      <label htmlFor={`${id}-name`}>{t('automation.name')}</label>
      <input id={`${id}-name`} value={draft.name} onChange={(e) => edit({ name: e.target.value })} />
      {shown('name')}
      <label>
        <input type="checkbox" checked={draft.enabled} onChange={(e) => edit({ enabled: e.target.checked })} />
        {t('automation.enabled')}
      </label>
      <label htmlFor={`${id}-priority`}>{t('automation.priority')}</label>
      <input
        id={`${id}-priority`}
        type="number"
        value={draft.priority}
        onChange={(e) => edit({ priority: Number(e.target.value) || 0 })}
      />
      <label htmlFor={`${id}-trigger`}>{t('automation.trigger.label')}</label>
      <select
        id={`${id}-trigger`}
        value={trigger.kind}
        onChange={(e) => edit({ trigger: triggerOf(e.target.value as TriggerKind) })}
      >
        {(['keyword', 'follow', 'menu_click', 'default'] as const).map((kind) => (
          <option key={kind} value={kind}>
            {t(`automation.trigger.${kind}`)}
          </option>
        ))}
      </select>
      {shown('trigger')}
      {trigger.kind === 'keyword' ? (
        <fieldset>
          <legend>{t('automation.keywords')}</legend>
          {trigger.keywords.map((keyword, n) => (
            <div key={n} className="auto-row">
              <input
                aria-label={t('automation.keyword', { n: n + 1 })}
                value={keyword.text}
                onChange={(e) =>
                  edit({
                    trigger: {
                      ...trigger,
                      keywords: trigger.keywords.map((k, i) => (i === n ? { ...k, text: e.target.value } : k)),
                    },
                  })
                }
              />
              <select
                aria-label={t('automation.trigger.keyword')}
                value={keyword.mode}
                onChange={(e) =>
                  edit({
                    trigger: {
                      ...trigger,
                      keywords: trigger.keywords.map((k, i) =>
                        i === n ? { ...k, mode: e.target.value as 'exact' | 'contains' } : k,
                      ),
                    },
                  })
                }
              >
                <option value="contains">{t('automation.mode.contains')}</option>
                <option value="exact">{t('automation.mode.exact')}</option>
              </select>
              <button
                type="button"
                onClick={() => edit({ trigger: { ...trigger, keywords: trigger.keywords.filter((_, i) => i !== n) } })}
              >
                {t('automation.remove')}
              </button>
              {shown(`trigger.keywords.${n}`)}
            </div>
          ))}
          <button
            type="button"
            onClick={() =>
              edit({ trigger: { ...trigger, keywords: [...trigger.keywords, { text: '', mode: 'contains' }] } })
            }
          >
            {t('automation.addKeyword')}
          </button>
          {shown('trigger.keywords')}
        </fieldset>
      ) : null}
      {trigger.kind === 'follow' ? (
        <>
          <label htmlFor={`${id}-scene`}>{t('automation.scene')}</label>
          <input
            id={`${id}-scene`}
            value={trigger.scene ?? ''}
            onChange={(e) =>
              edit({ trigger: { kind: 'follow', scene: e.target.value === '' ? null : e.target.value } })
            }
          />
          {shown('trigger.scene')}
        </>
      ) : null}
      {trigger.kind === 'menu_click' ? (
        <>
          <label htmlFor={`${id}-key`}>{t('automation.clickKey')}</label>
          <input
            id={`${id}-key`}
            value={trigger.key}
            onChange={(e) => edit({ trigger: { kind: 'menu_click', key: e.target.value } })}
          />
          {shown('trigger.key')}
        </>
      ) : null}
      {trigger.kind === 'default' ? (
        <>
          <label htmlFor={`${id}-quiet`}>{t('automation.quietMinutes')}</label>
          <input
            id={`${id}-quiet`}
            type="number"
            value={trigger.quiet_minutes}
            onChange={(e) =>
              edit({ trigger: { kind: 'default', quiet_minutes: Math.max(0, Number(e.target.value) || 0) } })
            }
          />
          {shown('trigger.quiet_minutes')}
        </>
      ) : null}
      <fieldset>
        <legend>{t('automation.replies')}</legend>
        <p className="auto-hint">{t('automation.fields', { fields: FIELDS, interpolation: { escapeValue: false } })}</p>
        {draft.replies.map((reply, n) => (
          <div key={n} className="auto-reply">
            <span className="auto-reply-kind">{t(`automation.kind.${reply.type}`)}</span>
            {reply.type === 'text' ? (
              <textarea
                aria-label={t('automation.text')}
                value={reply.text}
                onChange={(e) => setReply(n, { type: 'text', text: e.target.value })}
              />
            ) : null}
            {reply.type === 'image' ? (
              <input
                aria-label={t('automation.imageUrl')}
                value={reply.url}
                onChange={(e) => setReply(n, { type: 'image', url: e.target.value })}
              />
            ) : null}
            {reply.type === 'article' ? (
              <>
                <input
                  aria-label={t('automation.articleTitle')}
                  value={reply.title}
                  onChange={(e) => setReply(n, { ...reply, title: e.target.value })}
                />
                <input
                  aria-label={t('automation.articleDescription')}
                  value={reply.description}
                  onChange={(e) => setReply(n, { ...reply, description: e.target.value })}
                />
                <input
                  aria-label={t('automation.articleUrl')}
                  value={reply.url}
                  onChange={(e) => setReply(n, { ...reply, url: e.target.value })}
                />
                <input
                  aria-label={t('automation.articleImage')}
                  value={reply.image_url}
                  onChange={(e) => setReply(n, { ...reply, image_url: e.target.value })}
                />
              </>
            ) : null}
            <button type="button" onClick={() => edit({ replies: draft.replies.filter((_, i) => i !== n) })}>
              {t('automation.remove')}
            </button>
            {['text', 'url', 'type', 'title', 'description', 'image_url'].map((field) =>
              shown(`replies.${n}.${field}`),
            )}
          </div>
        ))}
        <div className="auto-row">
          {(['text', 'image', 'article'] as const).map((type) => (
            <button key={type} type="button" onClick={() => edit({ replies: [...draft.replies, emptyReply(type)] })}>
              {t(`automation.add${type === 'text' ? 'Text' : type === 'image' ? 'Image' : 'Article'}`)}
            </button>
          ))}
        </div>
        {shown('replies')}
        <label htmlFor={`${id}-mode`}>{t('automation.replyMode.label')}</label>
        <select
          id={`${id}-mode`}
          value={draft.reply_mode}
          onChange={(e) => edit({ reply_mode: e.target.value as 'all' | 'random' })}
        >
          <option value="all">{t('automation.replyMode.all')}</option>
          <option value="random">{t('automation.replyMode.random')}</option>
        </select>
      </fieldset>
      <div className="auto-row">
        <button type="submit" data-testid="automation-save">
          {t('automation.save')}
        </button>
        <button type="button" onClick={onDelete}>
          {t('automation.delete')}
        </button>
      </div>
    </form>
  );
}

function TryBox({ accountId, draft }: { accountId: string; draft: AutoReplyRuleDraft | null }) {
  const { t } = useTranslation();
  const id = useId();
  const [kind, setKind] = useState<TryKind>('text');
  const [input, setInput] = useState('');
  const [outcome, setOutcome] = useState<TryOutcome | null>(null);
  const [error, setError] = useState<string | null>(null);

  const run = () => {
    const message: TryMessage =
      kind === 'text'
        ? { kind, text: input }
        : kind === 'menu_click'
          ? { kind, key: input }
          : { kind, scene: input === '' ? null : input };
    tryAutoReply(accountId, draft, message, t('automation.try.sample')).then(
      (answer) => {
        setOutcome(answer);
        setError(null);
      },
      (e: unknown) => setError(describeError(t, asAppError(e))),
    );
  };

  const decision = outcome?.decision ?? null;
  return (
    <section className="auto-try" aria-label={t('automation.try.title')} data-testid="automation-try">
      <h2>{t('automation.try.title')}</h2>
      <p className="auto-hint">{t('automation.try.hint')}</p>
      <form
        className="auto-row"
        onSubmit={(e) => {
          e.preventDefault();
          run();
        }}
      >
        <label htmlFor={`${id}-kind`}>{t('automation.try.as')}</label>
        <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as TryKind)}>
          {(['text', 'menu_click', 'follow'] as const).map((k) => (
            <option key={k} value={k}>
              {t(`automation.try.kind.${k}`)}
            </option>
          ))}
        </select>
        <input
          aria-label={t('automation.try.input')}
          value={input}
          onChange={(e) => setInput(e.target.value)}
          data-testid="automation-try-input"
        />
        <button type="submit">{t('automation.try.run')}</button>
      </form>
      {error ? <p role="alert">{error}</p> : null}
      {outcome && !decision ? <p data-testid="automation-try-none">{t('automation.try.none')}</p> : null}
      {decision ? (
        <div data-testid="automation-try-result">
          <p>{t('automation.try.answeredBy', { name: decision.rule_name })}</p>
          {decision.keyword ? <p>{t('automation.try.matched', { keyword: decision.keyword })}</p> : null}
          <p>{outcome?.random ? t('automation.try.random') : t('automation.try.all')}</p>
          <ol className="auto-try-replies">
            {decision.replies.map((body, n) => (
              <li key={n}>{bodyText(body)}</li>
            ))}
          </ol>
        </div>
      ) : null}
    </section>
  );
}
