import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  alipayConnection,
  connectAlipay,
  disconnectAlipay,
  testAlipay,
  type AlipayCharset,
  type AlipayConnection,
  type AlipayPanel,
} from '../../platform';
import { asAppError, describeError, translateIssue } from '../../kit/errors';
import { useFieldForm } from '../../kit/useFieldForm';
import {
  AppIdField,
  ChoiceField,
  ConnectionState,
  CopyButton,
  enterSaves,
  FieldErrors,
  PanelPending,
  PasteUrlField,
  SaveRow,
  TestRow,
  useConnectionPanel,
  useConnectionTest,
  useCopy,
} from './connection';

/** What an issue key looks like (`alipay.gateway.unverified`), as opposed to a sentence. */
const ISSUE_KEY = /^[a-z_]+(\.[a-z0-9_]+)+$/;

const CHARSETS: readonly AlipayCharset[] = ['utf-8', 'gbk'];
type Key = 'app_private_key' | 'alipay_public_key';
const KEYS: readonly Key[] = ['app_private_key', 'alipay_public_key'];
const FIELDS: readonly string[] = ['app_id', ...KEYS, 'charset'];

type Draft = { app_id: string; charset: AlipayCharset } & Record<Key, string>;

function draftOf(connection: AlipayConnection | null): Draft {
  return {
    app_id: connection?.app_id ?? '',
    charset: connection?.charset ?? 'utf-8',
    app_private_key: '',
    alipay_public_key: '',
  };
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
  const { t } = useTranslation();
  const id = useId();
  const [draft, setDraft] = useState<Draft>(draftOf(null));
  const [notice, setNotice] = useState<string | null>(null);
  const [disconnect, setDisconnect] = useState<{ confirming: boolean; busy: boolean; failure: string | null }>({
    confirming: false,
    busy: false,
    failure: null,
  });
  const copy = useCopy();
  const form = useFieldForm(FIELDS, (e) => describeError(t, asAppError(e)));
  const { load, show, refresh } = useConnectionPanel(accountId, alipayConnection, (panel: AlipayPanel) =>
    setDraft(draftOf(panel.connection)),
  );
  const { test, start: onTest, reset: resetTest } = useConnectionTest(() => testAlipay(accountId), refresh);

  if (load.state !== 'ready') return <PanelPending side="alipay" load={load} />;

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
        resetTest();
        setDisconnect({ confirming: false, busy: false, failure: null });
      },
    );
  };

  const onDisconnect = () => {
    setDisconnect({ confirming: true, busy: true, failure: null });
    disconnectAlipay(accountId).then(
      (panel) => {
        show(panel);
        setNotice(t('alipayConnection.disconnected'));
        resetTest();
        setDisconnect({ confirming: false, busy: false, failure: null });
      },
      (e: unknown) => setDisconnect({ confirming: true, busy: false, failure: describeError(t, asAppError(e)) }),
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
      <FieldErrors side="alipay" form={form} field={key} />
    </div>
  );

  const state = saved?.state;
  // Wicket's own words travel as issue keys; Alipay's are shown as Alipay wrote them.
  const wicketWords = (text: string) =>
    ISSUE_KEY.test(text) ? translateIssue(t, { path: '', key: text, params: [] }) : text;
  // A refused gateway request is kept as an issue key (Wicket's words, in the reader's language);
  // a failed call keeps what Alipay answered, as Alipay wrote it.
  const lastError = state?.last_error == null ? null : wicketWords(state.last_error);
  const answer = test.answer;

  return (
    <fieldset className="field-group wechat-connection alipay-connection" data-testid="alipay-connection">
      <legend>{t('alipayConnection.title')}</legend>
      <p className="muted">{saved ? t('alipayConnection.explain') : t('alipayConnection.notConnected')}</p>
      <AppIdField
        side="alipay"
        id={id}
        form={form}
        value={draft.app_id}
        numeric
        onChange={(v) => edit('app_id', v)}
        onKeyDown={enterSaves(onSave)}
      />
      {KEYS.map(keyField)}
      <ChoiceField
        side="alipay"
        id={id}
        form={form}
        field="charset"
        choices={CHARSETS}
        value={draft.charset}
        onChange={(charset) => edit('charset', charset)}
      />
      <SaveRow side="alipay" form={form} notice={notice} onSave={onSave} />

      <h3>{t('alipayConnection.paste')}</h3>
      <PasteUrlField
        side="alipay"
        id={id}
        label={t('alipayConnection.gatewayUrl')}
        testId="alipay-gateway-url"
        url={load.panel.gateway_url}
        copy={copy}
      />
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
            <CopyButton side="alipay" copy={copy} what="key" text={saved.app_public_key} />
          </div>
        ) : (
          <p className="muted" id={`${id}-app-public-key`} data-testid="alipay-app-public-key-later">
            {t('alipayConnection.appPublicKeyLater')}
          </p>
        )}
        <p className="field-hint muted">{t('alipayConnection.appPublicKeyHint')}</p>
      </div>

      <TestRow
        side="alipay"
        connected={saved !== null}
        test={test}
        onTest={onTest}
        result={
          answer && (
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
          )
        }
      />

      {state && (
        <ConnectionState
          side="alipay"
          lastCallbackAt={state.last_callback_at}
          lastError={lastError}
          lastErrorAt={state.last_error_at}
        />
      )}
      {saved && <Disconnect state={disconnect} onChange={setDisconnect} onDisconnect={onDisconnect} />}
    </fieldset>
  );
}

type DisconnectState = { confirming: boolean; busy: boolean; failure: string | null };

/** Disconnecting from Alipay, asked once more before it is done. */
function Disconnect({
  state,
  onChange,
  onDisconnect,
}: {
  state: DisconnectState;
  onChange: (next: DisconnectState) => void;
  onDisconnect: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="alipay-disconnect">
      {state.confirming ? (
        <div className="wechat-actions" role="group" aria-label={t('alipayConnection.disconnect')}>
          <span data-testid="alipay-disconnect-question">{t('alipayConnection.disconnectQuestion')}</span>
          <button
            type="button"
            className="btn btn-danger"
            data-testid="alipay-disconnect-confirm"
            disabled={state.busy}
            onClick={onDisconnect}
          >
            {state.busy ? t('alipayConnection.disconnecting') : t('alipayConnection.disconnectConfirm')}
          </button>
          <button
            type="button"
            className="btn"
            data-testid="alipay-disconnect-cancel"
            disabled={state.busy}
            onClick={() => onChange({ confirming: false, busy: false, failure: null })}
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
            onClick={() => onChange({ confirming: true, busy: false, failure: null })}
          >
            {t('alipayConnection.disconnect')}
          </button>
        </div>
      )}
      {state.failure && (
        <p className="form-error" role="alert" data-testid="alipay-disconnect-failure">
          {state.failure}
        </p>
      )}
    </div>
  );
}
