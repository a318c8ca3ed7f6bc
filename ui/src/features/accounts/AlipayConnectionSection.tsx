import { useCallback, useEffect, useId, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  alipayConnection,
  connectAlipay,
  disconnectAlipay,
  session,
  testAlipay,
  type AlipayCharset,
  type AlipayConnection,
  type AlipayPanel,
  type AlipayTest,
} from '../../platform';
import { asAppError, describeError, translateIssue } from '../../kit/errors';
import { formatTime } from '../../kit/time';
import { useFieldForm } from '../../kit/useFieldForm';

/** What an issue key looks like (`alipay.gateway.unverified`), as opposed to a sentence. */
const ISSUE_KEY = /^[a-z_]+(\.[a-z0-9_]+)+$/;

const CHARSETS: readonly AlipayCharset[] = ['utf-8', 'gbk'];
type Key = 'app_private_key' | 'alipay_public_key';
const KEYS: readonly Key[] = ['app_private_key', 'alipay_public_key'];
const FIELDS: readonly string[] = ['app_id', ...KEYS, 'charset'];

type Load =
  | { state: 'loading' }
  | { state: 'notAllowed' }
  | { state: 'offline' }
  | { state: 'failed'; message: string }
  | { state: 'ready'; panel: AlipayPanel };

type Draft = { app_id: string; charset: AlipayCharset } & Record<Key, string>;

function draftOf(connection: AlipayConnection | null): Draft {
  return { app_id: connection?.app_id ?? '', charset: connection?.charset ?? 'utf-8', app_private_key: '', alipay_public_key: '' };
}

/**
 * An account's Alipay 生活号 connection, for owners and administrators: the
 * app id, the application's private key and Alipay's public key (saved keys
 * shown masked; a key field left empty keeps the saved key), the charset;
 * the application gateway URL and the application public key to paste into
 * Alipay's console; a test that makes one signed call and says what Alipay
 * answered; how the connection is doing; and disconnecting. It lives on the
 * server only, so offline it says so. What was typed stays after a refusal.
 */
export function AlipayConnectionSection({ accountId }: { accountId: string }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [draft, setDraft] = useState<Draft>(draftOf(null));
  const [notice, setNotice] = useState<string | null>(null);
  const [test, setTest] = useState<{ busy: boolean; answer: AlipayTest | null; failure: string | null }>({ busy: false, answer: null, failure: null });
  const [copied, setCopied] = useState<{ what: string; ok: boolean } | null>(null);
  const [disconnect, setDisconnect] = useState<{ confirming: boolean; busy: boolean; failure: string | null }>({ confirming: false, busy: false, failure: null });
  const form = useFieldForm(FIELDS, (e) => describeError(t, asAppError(e)));

  const show = useCallback((panel: AlipayPanel) => {
    setLoad({ state: 'ready', panel });
    setDraft(draftOf(panel.connection));
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
        return alipayConnection(accountId).then((panel) => {
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
        ? t('alipayConnection.loading')
        : load.state === 'failed'
          ? load.message
          : t(`alipayConnection.${load.state}`);
    return (
      <fieldset className="field-group" data-testid="alipay-connection">
        <legend>{t('alipayConnection.title')}</legend>
        <p className={load.state === 'failed' ? 'form-error' : 'muted'} data-testid={`alipay-${load.state}`}>
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

  const onSave = () => {
    if (form.saving) return;
    // A key left empty keeps the saved one (the server needs both the first time).
    const key = (name: Key) => (draft[name].trim() === '' ? null : draft[name].trim());
    const connect = {
      app_id: draft.app_id.trim(),
      app_private_key: key('app_private_key'),
      alipay_public_key: key('alipay_public_key'),
      charset: draft.charset,
    };
    form.submit(
      () => connectAlipay(accountId, connect),
      (panel) => {
        show(panel);
        setNotice(t('alipayConnection.saved'));
        setTest({ busy: false, answer: null, failure: null });
        setDisconnect({ confirming: false, busy: false, failure: null });
      },
    );
  };

  // Enter in the app id saves the connection, not the dialog's other form.
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      onSave();
    }
  };

  const onTest = () => {
    setTest({ busy: true, answer: null, failure: null });
    testAlipay(accountId)
      .then(
        (answer) => {
          setTest({ busy: false, answer, failure: null });
          // The test changed the state (its last error).
          return alipayConnection(accountId).then((panel) =>
            setLoad((current) => (current.state === 'ready' ? { state: 'ready', panel } : current)),
          );
        },
        (e: unknown) => setTest({ busy: false, answer: null, failure: describeError(t, asAppError(e)) }),
      )
      .catch(() => undefined);
  };

  const onDisconnect = () => {
    setDisconnect({ confirming: true, busy: true, failure: null });
    disconnectAlipay(accountId).then(
      (panel) => {
        show(panel);
        setNotice(t('alipayConnection.disconnected'));
        setTest({ busy: false, answer: null, failure: null });
        setDisconnect({ confirming: false, busy: false, failure: null });
      },
      (e: unknown) => setDisconnect({ confirming: true, busy: false, failure: describeError(t, asAppError(e)) }),
    );
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
      <button type="button" className="btn" data-testid={`alipay-copy-${what}`} onClick={() => onCopy(what, text)}>
        {t('alipayConnection.copy')}
      </button>
      {copied?.what === what && (
        <span className={copied.ok ? 'muted' : 'field-error'} role="status" data-testid={`alipay-copied-${what}`}>
          {copied.ok ? t('alipayConnection.copied') : t('alipayConnection.copyFailed')}
        </span>
      )}
    </>
  );

  const errors = (field: string) => {
    const found = form.issuesFor(field);
    if (found.length === 0) return null;
    return (
      <p className="field-error" data-testid={`alipay-error-${field}`}>
        {found.map((issue) => translateIssue(t, issue)).join(' ')}
      </p>
    );
  };

  const labels: Record<Key, string> = {
    app_private_key: t('alipayConnection.appPrivateKey'),
    alipay_public_key: t('alipayConnection.alipayPublicKey'),
  };
  const hints: Record<Key, string> = {
    app_private_key: t('alipayConnection.appPrivateKeyHint'),
    alipay_public_key: t('alipayConnection.alipayPublicKeyHint'),
  };

  const keyField = (key: Key) => (
    <div className="field" key={key}>
      <label htmlFor={`${id}-${key}`}>{labels[key]}</label>
      {saved && (
        <p className="alipay-masked" data-testid={`alipay-masked-${key}`}>
          <span className="muted">{t('alipayConnection.savedKey')}</span> <code>{saved[key]}</code>
        </p>
      )}
      <textarea
        id={`${id}-${key}`}
        className="alipay-key"
        data-testid={`alipay-${key}`}
        value={draft[key]}
        rows={3}
        autoComplete="off"
        spellCheck={false}
        placeholder={saved ? t('alipayConnection.keepPlaceholder') : t('alipayConnection.keyPlaceholder')}
        aria-invalid={form.issuesFor(key).length > 0}
        onChange={(e) => edit(key, e.target.value)}
      />
      <p className="field-hint muted">{saved ? t('alipayConnection.keepHint') : hints[key]}</p>
      {errors(key)}
    </div>
  );

  const time = (at: number) => formatTime(at, i18n.language);
  const state = saved?.state;
  // Wicket's own words travel as issue keys; Alipay's are shown as Alipay wrote them.
  const wicketWords = (text: string) => (ISSUE_KEY.test(text) ? translateIssue(t, { path: '', key: text, params: [] }) : text);
  // A refused gateway request is kept as an issue key (Wicket's words, in the reader's language);
  // a failed call keeps what Alipay answered, as Alipay wrote it.
  const lastError =
    state?.last_error == null
      ? null
      : wicketWords(state.last_error);
  const answer = test.answer;

  return (
    <fieldset className="field-group wechat-connection alipay-connection" data-testid="alipay-connection">
      <legend>{t('alipayConnection.title')}</legend>
      <p className="muted">{saved ? t('alipayConnection.explain') : t('alipayConnection.notConnected')}</p>
      <div className="field">
        <label htmlFor={`${id}-app_id`}>{t('alipayConnection.appId')}</label>
        <input
          id={`${id}-app_id`}
          data-testid="alipay-app_id"
          value={draft.app_id}
          inputMode="numeric"
          autoComplete="off"
          spellCheck={false}
          aria-invalid={form.issuesFor('app_id').length > 0}
          onKeyDown={onKeyDown}
          onChange={(e) => edit('app_id', e.target.value)}
        />
        <p className="field-hint muted">{t('alipayConnection.appIdHint')}</p>
        {errors('app_id')}
      </div>
      {KEYS.map(keyField)}
      <div className="field wechat-modes" role="radiogroup" aria-labelledby={`${id}-charset`}>
        <span id={`${id}-charset`} className="field-label">
          {t('alipayConnection.charset')}
        </span>
        {CHARSETS.map((charset) => (
          <label className="checkbox" key={charset}>
            <input
              type="radio"
              name={`${id}-charset`}
              data-testid={`alipay-charset-${charset}`}
              checked={draft.charset === charset}
              onChange={() => edit('charset', charset)}
            />
            {t(`alipayConnection.charsets.${charset}`)}
          </label>
        ))}
        {errors('charset')}
      </div>
      <div className="wechat-actions">
        <button type="button" className="btn btn-primary" data-testid="alipay-save" disabled={form.saving} onClick={onSave}>
          {form.saving ? t('alipayConnection.saving') : t('alipayConnection.save')}
        </button>
        {notice && (
          <span className="muted" role="status" data-testid="alipay-saved">
            {notice}
          </span>
        )}
      </div>
      {form.failure && (
        <p className="form-error" role="alert" data-testid="alipay-failure">
          {form.failure}
        </p>
      )}

      <h3>{t('alipayConnection.paste')}</h3>
      <div className="field">
        <label htmlFor={`${id}-url`}>{t('alipayConnection.gatewayUrl')}</label>
        <div className="wechat-line">
          <input id={`${id}-url`} data-testid="alipay-gateway-url" value={load.panel.gateway_url} readOnly onFocus={(e) => e.target.select()} />
          {copyButton('url', load.panel.gateway_url)}
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-app-public-key`}>{t('alipayConnection.appPublicKey')}</label>
        {saved ? (
          <div className="wechat-line alipay-key-line">
            <textarea
              id={`${id}-app-public-key`}
              className="alipay-key"
              data-testid="alipay-app-public-key"
              value={saved.app_public_key}
              rows={3}
              readOnly
              onFocus={(e) => e.target.select()}
            />
            {copyButton('key', saved.app_public_key)}
          </div>
        ) : (
          <p className="muted" id={`${id}-app-public-key`} data-testid="alipay-app-public-key-later">
            {t('alipayConnection.appPublicKeyLater')}
          </p>
        )}
        <p className="field-hint muted">{t('alipayConnection.appPublicKeyHint')}</p>
      </div>

      <div className="wechat-actions">
        <button type="button" className="btn" data-testid="alipay-test" disabled={!saved || test.busy} onClick={onTest}>
          {test.busy ? t('alipayConnection.testing') : t('alipayConnection.test')}
        </button>
        {!saved && <span className="muted">{t('alipayConnection.testNeedsSave')}</span>}
      </div>
      {answer && (
        <p className={answer.ok ? 'muted' : 'form-error'} role="status" data-testid="alipay-test-result">
          {answer.ok
            ? t('alipayConnection.testOk', { method: answer.method, code: answer.code ?? '' })
            : answer.code !== null
              ? t('alipayConnection.testRefused', {
                  code: answer.sub_code ? `${answer.code} ${answer.sub_code}` : answer.code,
                  reason: answer.message,
                })
              : t('alipayConnection.testUnreached', { reason: wicketWords(answer.message) })}
        </p>
      )}
      {test.failure && (
        <p className="form-error" role="alert" data-testid="alipay-test-result">
          {test.failure}
        </p>
      )}

      {state && (
        <>
          <h3>{t('alipayConnection.state')}</h3>
          <dl className="wechat-state" data-testid="alipay-state">
            <dt>{t('alipayConnection.lastCallback')}</dt>
            <dd data-testid="alipay-last-callback">{state.last_callback_at === null ? t('alipayConnection.never') : time(state.last_callback_at)}</dd>
            <dt>{t('alipayConnection.lastError')}</dt>
            <dd data-testid="alipay-last-error">
              {lastError === null
                ? t('alipayConnection.noError')
                : state.last_error_at === null
                  ? lastError
                  : t('alipayConnection.errorAt', { error: lastError, time: time(state.last_error_at) })}
            </dd>
          </dl>
        </>
      )}

      {saved && (
        <div className="alipay-disconnect">
          {disconnect.confirming ? (
            <div className="wechat-actions" role="group" aria-label={t('alipayConnection.disconnect')}>
              <span data-testid="alipay-disconnect-question">{t('alipayConnection.disconnectQuestion')}</span>
              <button type="button" className="btn btn-danger" data-testid="alipay-disconnect-confirm" disabled={disconnect.busy} onClick={onDisconnect}>
                {disconnect.busy ? t('alipayConnection.disconnecting') : t('alipayConnection.disconnectConfirm')}
              </button>
              <button
                type="button"
                className="btn"
                data-testid="alipay-disconnect-cancel"
                disabled={disconnect.busy}
                onClick={() => setDisconnect({ confirming: false, busy: false, failure: null })}
              >
                {t('alipayConnection.disconnectCancel')}
              </button>
            </div>
          ) : (
            <div className="wechat-actions">
              <button
                type="button"
                className="btn btn-ghost"
                data-testid="alipay-disconnect"
                onClick={() => setDisconnect({ confirming: true, busy: false, failure: null })}
              >
                {t('alipayConnection.disconnect')}
              </button>
            </div>
          )}
          {disconnect.failure && (
            <p className="form-error" role="alert" data-testid="alipay-disconnect-failure">
              {disconnect.failure}
            </p>
          )}
        </div>
      )}
    </fieldset>
  );
}
