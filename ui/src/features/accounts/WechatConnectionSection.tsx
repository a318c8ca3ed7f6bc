import { useCallback, useEffect, useId, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  connectWechat,
  session,
  testWechat,
  wechatConnection,
  type WechatConnection,
  type WechatMode,
  type WechatPanel,
  type WechatTest,
} from '../../platform';
import { asAppError, describeError, translateIssue } from '../../kit/errors';
import { formatTime } from '../../kit/time';
import { useFieldForm } from '../../kit/useFieldForm';

const MODES: readonly WechatMode[] = ['plain', 'compatible', 'safe'];
type Secret = 'app_secret' | 'token' | 'encoding_aes_key';
const SECRETS: readonly Secret[] = ['app_secret', 'token', 'encoding_aes_key'];
const FIELDS: readonly string[] = ['app_id', ...SECRETS, 'mode'];
/** WeChat's codes the panel explains in plain words; any other shows WeChat's own reason. */
const EXPLAINED = new Set([-1, 40001, 40013, 40125, 40164, 41004, 89503]);

type Load =
  | { state: 'loading' }
  | { state: 'notAllowed' }
  | { state: 'offline' }
  | { state: 'failed'; message: string }
  | { state: 'ready'; panel: WechatPanel };

type Draft = { app_id: string; mode: WechatMode } & Record<Secret, string>;

function draftOf(connection: WechatConnection | null): Draft {
  return { app_id: connection?.app_id ?? '', mode: connection?.mode ?? 'safe', app_secret: '', token: '', encoding_aes_key: '' };
}

/**
 * An account's WeChat connection, for owners and administrators: the values
 * from WeChat's console (secrets shown masked once saved, replaced rather than
 * shown again), what to paste back into WeChat's console, a test that asks
 * WeChat for an access token, and how the connection is doing. It lives on
 * the server only, so offline it says so.
 */
export function WechatConnectionSection({ accountId }: { accountId: string }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [draft, setDraft] = useState<Draft>(draftOf(null));
  // The saved secrets being replaced (a saved secret is kept unless replaced).
  const [replacing, setReplacing] = useState<Set<Secret>>(new Set());
  const [notice, setNotice] = useState<string | null>(null);
  const [test, setTest] = useState<{ busy: boolean; answer: WechatTest | null; failure: string | null }>({ busy: false, answer: null, failure: null });
  const [copied, setCopied] = useState<{ what: string; ok: boolean } | null>(null);
  const form = useFieldForm(FIELDS, (e) => describeError(t, asAppError(e)));

  const show = useCallback((panel: WechatPanel) => {
    setLoad({ state: 'ready', panel });
    setDraft(draftOf(panel.connection));
    setReplacing(new Set());
  }, []);

  const fail = useCallback(
    (e: unknown) => {
      const error = asAppError(e);
      if (error.code === 'offline') setLoad({ state: 'offline' });
      else if (error.code === 'forbidden') setLoad({ state: 'notAllowed' });
      else setLoad({ state: 'failed', message: describeError(t, error) });
    },
    [t],
  );

  useEffect(() => {
    let live = true;
    session()
      .then((current) => {
        if (!current.permissions.includes('manage_accounts')) {
          if (live) setLoad({ state: 'notAllowed' });
          return;
        }
        return wechatConnection(accountId).then((panel) => {
          if (live) show(panel);
        });
      })
      .catch((e: unknown) => {
        if (live) fail(e);
      });
    return () => {
      live = false;
    };
  }, [accountId, show, fail]);

  if (load.state !== 'ready') {
    const line =
      load.state === 'loading'
        ? t('wechatConnection.loading')
        : load.state === 'failed'
          ? load.message
          : t(`wechatConnection.${load.state}`);
    return (
      <fieldset className="field-group" data-testid="wechat-connection">
        <legend>{t('wechatConnection.title')}</legend>
        <p className={load.state === 'failed' ? 'form-error' : 'muted'} data-testid={`wechat-${load.state}`}>
          {line}
        </p>
      </fieldset>
    );
  }

  const saved = load.panel.connection;
  const edit = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((current) => ({ ...current, [key]: value }));
    form.clearField(key);
    setNotice(null);
  };
  const editing = (secret: Secret) => !saved || replacing.has(secret);

  const onSave = () => {
    if (form.saving) return;
    const secret = (name: Secret) => (editing(name) && draft[name].trim() !== '' ? draft[name].trim() : null);
    const connect = {
      app_id: draft.app_id.trim(),
      app_secret: secret('app_secret'),
      token: secret('token'),
      encoding_aes_key: secret('encoding_aes_key'),
      mode: draft.mode,
    };
    form.submit(
      () => connectWechat(accountId, connect),
      (panel) => {
        show(panel);
        setNotice(t('wechatConnection.saved'));
        setTest({ busy: false, answer: null, failure: null });
      },
    );
  };

  // Enter in a field saves the connection, not the dialog's other form.
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      onSave();
    }
  };

  const onTest = () => {
    setTest({ busy: true, answer: null, failure: null });
    testWechat(accountId)
      .then(
        (answer) => {
          setTest({ busy: false, answer, failure: null });
          // The test changed the state (token's end or last error).
          return wechatConnection(accountId).then((panel) =>
            setLoad((current) => (current.state === 'ready' ? { state: 'ready', panel } : current)),
          );
        },
        (e: unknown) => setTest({ busy: false, answer: null, failure: describeError(t, asAppError(e)) }),
      )
      .catch(() => undefined);
  };

  const onCopy = (what: string, text: string) => {
    const clipboard = navigator.clipboard as Clipboard | undefined;
    if (!clipboard) {
      setCopied({ what, ok: false });
      return;
    }
    clipboard.writeText(text).then(
      () => setCopied({ what, ok: true }),
      () => setCopied({ what, ok: false }),
    );
  };

  const copyButton = (what: string, text: string) => (
    <>
      <button type="button" className="btn" data-testid={`wechat-copy-${what}`} onClick={() => onCopy(what, text)}>
        {t('wechatConnection.copy')}
      </button>
      {copied?.what === what && (
        <span className={copied.ok ? 'muted' : 'field-error'} role="status">
          {copied.ok ? t('wechatConnection.copied') : t('wechatConnection.copyFailed')}
        </span>
      )}
    </>
  );

  const errors = (field: string) => {
    const found = form.issuesFor(field);
    if (found.length === 0) return null;
    return (
      <p className="field-error" data-testid={`wechat-error-${field}`}>
        {found.map((issue) => translateIssue(t, issue)).join(' ')}
      </p>
    );
  };

  const labels: Record<Secret, string> = {
    app_secret: t('wechatConnection.appSecret'),
    token: t('wechatConnection.token'),
    encoding_aes_key: t('wechatConnection.encodingAesKey'),
  };
  const hints: Partial<Record<Secret, string>> = { token: t('wechatConnection.tokenHint'), encoding_aes_key: t('wechatConnection.keyHint') };

  const secretField = (secret: Secret) => (
    <div className="field" key={secret}>
      <label htmlFor={`${id}-${secret}`}>{labels[secret]}</label>
      {editing(secret) ? (
        <div className="wechat-line">
          <input
            id={`${id}-${secret}`}
            data-testid={`wechat-${secret}`}
            value={draft[secret]}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={form.issuesFor(secret).length > 0}
            onKeyDown={onKeyDown}
            onChange={(e) => edit(secret, e.target.value)}
          />
          {saved && (
            <button
              type="button"
              className="btn btn-ghost"
              data-testid={`wechat-keep-${secret}`}
              onClick={() => {
                setReplacing((set) => new Set([...set].filter((s) => s !== secret)));
                edit(secret, '');
              }}
            >
              {t('wechatConnection.keepSaved')}
            </button>
          )}
        </div>
      ) : (
        <div className="wechat-line">
          <input id={`${id}-${secret}`} data-testid={`wechat-masked-${secret}`} value={saved?.[secret] ?? ''} readOnly />
          <button type="button" className="btn" data-testid={`wechat-replace-${secret}`} onClick={() => setReplacing((set) => new Set(set).add(secret))}>
            {t('wechatConnection.replace')}
          </button>
        </div>
      )}
      <p className="field-hint muted">{editing(secret) ? hints[secret] : t('wechatConnection.secretSaved')}</p>
      {errors(secret)}
    </div>
  );

  const time = (at: number) => formatTime(at, i18n.language);
  const state = saved?.state;
  const answer = test.answer;
  const explained = answer && answer.errcode !== null && EXPLAINED.has(answer.errcode);
  const reason = answer && !answer.ok
    ? explained
      ? t(`wechatConnection.errcode.${answer.errcode}`)
      : t('wechatConnection.errcode.other', { errmsg: answer.message })
    : '';

  return (
    <fieldset className="field-group wechat-connection" data-testid="wechat-connection">
      <legend>{t('wechatConnection.title')}</legend>
      <p className="muted">{saved ? t('wechatConnection.explain') : t('wechatConnection.notConnected')}</p>
      <div className="field">
        <label htmlFor={`${id}-app_id`}>{t('wechatConnection.appId')}</label>
        <input
          id={`${id}-app_id`}
          data-testid="wechat-app_id"
          value={draft.app_id}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={form.issuesFor('app_id').length > 0}
          onKeyDown={onKeyDown}
          onChange={(e) => edit('app_id', e.target.value)}
        />
        <p className="field-hint muted">{t('wechatConnection.appIdHint')}</p>
        {errors('app_id')}
      </div>
      {SECRETS.map(secretField)}
      {saved?.has_previous_key && <p className="muted">{t('wechatConnection.previousKey')}</p>}
      <div className="field wechat-modes" role="radiogroup" aria-labelledby={`${id}-mode`}>
        <span id={`${id}-mode`} className="field-label">
          {t('wechatConnection.mode')}
        </span>
        {MODES.map((mode) => (
          <label className="checkbox" key={mode}>
            <input
              type="radio"
              name={`${id}-mode`}
              data-testid={`wechat-mode-${mode}`}
              checked={draft.mode === mode}
              onChange={() => edit('mode', mode)}
            />
            {t(`wechatConnection.modes.${mode}`)}
          </label>
        ))}
        {errors('mode')}
      </div>
      <div className="wechat-actions">
        <button type="button" className="btn btn-primary" data-testid="wechat-save" disabled={form.saving} onClick={onSave}>
          {form.saving ? t('wechatConnection.saving') : t('wechatConnection.save')}
        </button>
        {notice && (
          <span className="muted" role="status" data-testid="wechat-saved">
            {notice}
          </span>
        )}
      </div>
      {form.failure && (
        <p className="form-error" role="alert" data-testid="wechat-failure">
          {form.failure}
        </p>
      )}

      <h3>{t('wechatConnection.paste')}</h3>
      <div className="field">
        <label htmlFor={`${id}-url`}>{t('wechatConnection.callbackUrl')}</label>
        <div className="wechat-line">
          <input id={`${id}-url`} data-testid="wechat-callback-url" value={load.panel.callback_url} readOnly onFocus={(e) => e.target.select()} />
          {copyButton('url', load.panel.callback_url)}
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-token-paste`}>{t('wechatConnection.token')}</label>
        <div className="wechat-line">
          <input
            id={`${id}-token-paste`}
            data-testid="wechat-token-to-paste"
            value={editing('token') ? draft.token : (saved?.token ?? '')}
            readOnly
          />
          {editing('token') && draft.token.trim() !== '' && copyButton('token', draft.token.trim())}
        </div>
        <p className="field-hint muted">{t('wechatConnection.tokenToPaste')}</p>
      </div>

      <div className="wechat-actions">
        <button type="button" className="btn" data-testid="wechat-test" disabled={!saved || test.busy} onClick={onTest}>
          {test.busy ? t('wechatConnection.testing') : t('wechatConnection.test')}
        </button>
        {!saved && <span className="muted">{t('wechatConnection.testNeedsSave')}</span>}
      </div>
      {answer && (
        <p className={answer.ok ? 'muted' : 'form-error'} role="status" data-testid="wechat-test-result">
          {answer.ok
            ? t('wechatConnection.testOk', { time: answer.token_valid_until === null ? '—' : time(answer.token_valid_until) })
            : answer.errcode !== null
              ? t('wechatConnection.testRefused', { errcode: answer.errcode, reason })
              : t('wechatConnection.testUnreached', { reason: answer.message })}
        </p>
      )}
      {test.failure && (
        <p className="form-error" role="alert" data-testid="wechat-test-result">
          {test.failure}
        </p>
      )}

      {state && (
        <>
          <h3>{t('wechatConnection.state')}</h3>
          <dl className="wechat-state" data-testid="wechat-state">
            <dt>{t('wechatConnection.lastCallback')}</dt>
            <dd data-testid="wechat-last-callback">{state.last_callback_at === null ? t('wechatConnection.never') : time(state.last_callback_at)}</dd>
            <dt>{t('wechatConnection.lastError')}</dt>
            <dd data-testid="wechat-last-error">
              {state.last_error === null
                ? t('wechatConnection.noError')
                : state.last_error_at === null
                  ? state.last_error
                  : t('wechatConnection.errorAt', { error: state.last_error, time: time(state.last_error_at) })}
            </dd>
            <dt>{t('wechatConnection.tokenValidUntil')}</dt>
            <dd data-testid="wechat-token-valid-until">
              {state.token_valid_until === null ? t('wechatConnection.noToken') : time(state.token_valid_until)}
            </dd>
          </dl>
        </>
      )}
    </fieldset>
  );
}
