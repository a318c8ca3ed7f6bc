import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  connectWechat,
  testWechat,
  wechatConnection,
  type WechatConnection,
  type WechatMode,
  type WechatPanel,
} from '../../platform';
import { asAppError, describeError } from '../../kit/errors';
import { formatTime } from '../../kit/time';
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

const MODES: readonly WechatMode[] = ['plain', 'compatible', 'safe'];
type Secret = 'app_secret' | 'token' | 'encoding_aes_key';
const SECRETS: readonly Secret[] = ['app_secret', 'token', 'encoding_aes_key'];
const FIELDS: readonly string[] = ['app_id', ...SECRETS, 'mode'];
/** WeChat's codes the panel explains in plain words; any other shows WeChat's own reason. */
const EXPLAINED = new Set([-1, 40001, 40013, 40125, 40164, 41004, 89503]);

type Draft = { app_id: string; mode: WechatMode } & Record<Secret, string>;

function draftOf(connection: WechatConnection | null): Draft {
  return {
    app_id: connection?.app_id ?? '',
    mode: connection?.mode ?? 'safe',
    app_secret: '',
    token: '',
    encoding_aes_key: '',
  };
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
  const [draft, setDraft] = useState<Draft>(draftOf(null));
  // The saved secrets being replaced (a saved secret is kept unless replaced).
  const [replacing, setReplacing] = useState<Set<Secret>>(new Set());
  const [notice, setNotice] = useState<string | null>(null);
  const copy = useCopy();
  const form = useFieldForm(FIELDS, (e) => describeError(t, asAppError(e)));
  const { load, show, refresh } = useConnectionPanel(accountId, wechatConnection, (panel: WechatPanel) => {
    setDraft(draftOf(panel.connection));
    setReplacing(new Set());
  });
  const { test, start: onTest, reset: resetTest } = useConnectionTest(() => testWechat(accountId), refresh);

  if (load.state !== 'ready') return <PanelPending side="wechat" load={load} />;

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
        resetTest();
      },
    );
  };
  const onKeyDown = enterSaves(onSave);

  const labels: Record<Secret, string> = {
    app_secret: t('wechatConnection.appSecret'),
    token: t('wechatConnection.token'),
    encoding_aes_key: t('wechatConnection.encodingAesKey'),
  };
  const hints: Partial<Record<Secret, string>> = {
    token: t('wechatConnection.tokenHint'),
    encoding_aes_key: t('wechatConnection.keyHint'),
  };

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
          <input
            id={`${id}-${secret}`}
            data-testid={`wechat-masked-${secret}`}
            value={saved?.[secret] ?? ''}
            readOnly
          />
          <button
            type="button"
            className="btn"
            data-testid={`wechat-replace-${secret}`}
            onClick={() => setReplacing((set) => new Set(set).add(secret))}
          >
            {t('wechatConnection.replace')}
          </button>
        </div>
      )}
      <p className="field-hint muted">{editing(secret) ? hints[secret] : t('wechatConnection.secretSaved')}</p>
      <FieldErrors side="wechat" form={form} field={secret} />
    </div>
  );

  const time = (at: number) => formatTime(at, i18n.language);
  const state = saved?.state;
  const answer = test.answer;
  const explained = answer && answer.errcode !== null && EXPLAINED.has(answer.errcode);
  const reason =
    answer && !answer.ok
      ? explained
        ? t(`wechatConnection.errcode.${answer.errcode}`)
        : t('wechatConnection.errcode.other', { errmsg: answer.message })
      : '';

  return (
    <fieldset className="field-group wechat-connection" data-testid="wechat-connection">
      <legend>{t('wechatConnection.title')}</legend>
      <p className="muted">{saved ? t('wechatConnection.explain') : t('wechatConnection.notConnected')}</p>
      <AppIdField
        side="wechat"
        id={id}
        form={form}
        value={draft.app_id}
        onChange={(v) => edit('app_id', v)}
        onKeyDown={onKeyDown}
      />
      {SECRETS.map(secretField)}
      {saved?.has_previous_key && <p className="muted">{t('wechatConnection.previousKey')}</p>}
      <ChoiceField
        side="wechat"
        id={id}
        form={form}
        field="mode"
        choices={MODES}
        value={draft.mode}
        onChange={(mode) => edit('mode', mode)}
      />
      <SaveRow side="wechat" form={form} notice={notice} onSave={onSave} />

      <h3>{t('wechatConnection.paste')}</h3>
      <PasteUrlField
        side="wechat"
        id={id}
        label={t('wechatConnection.callbackUrl')}
        testId="wechat-callback-url"
        url={load.panel.callback_url}
        copy={copy}
      />
      <div className="field">
        <label htmlFor={`${id}-token-paste`}>{t('wechatConnection.token')}</label>
        <div className="wechat-line">
          <input
            id={`${id}-token-paste`}
            data-testid="wechat-token-to-paste"
            value={editing('token') ? draft.token : (saved?.token ?? '')}
            readOnly
          />
          {editing('token') && draft.token.trim() !== '' && (
            <CopyButton side="wechat" copy={copy} what="token" text={draft.token.trim()} />
          )}
        </div>
        <p className="field-hint muted">{t('wechatConnection.tokenToPaste')}</p>
      </div>

      <TestRow
        side="wechat"
        connected={saved !== null}
        test={test}
        onTest={onTest}
        result={
          answer && (
            <p className={answer.ok ? 'muted' : 'form-error'} role="status" data-testid="wechat-test-result">
              {answer.ok
                ? t('wechatConnection.testOk', {
                    time: answer.token_valid_until === null ? '—' : time(answer.token_valid_until),
                  })
                : answer.errcode !== null
                  ? t('wechatConnection.testRefused', { errcode: answer.errcode, reason })
                  : t('wechatConnection.testUnreached', { reason: answer.message })}
            </p>
          )
        }
      />

      {state && (
        <ConnectionState
          side="wechat"
          lastCallbackAt={state.last_callback_at}
          lastError={state.last_error}
          lastErrorAt={state.last_error_at}
        >
          <dt>{t('wechatConnection.tokenValidUntil')}</dt>
          <dd data-testid="wechat-token-valid-until">
            {state.token_valid_until === null ? t('wechatConnection.noToken') : time(state.token_valid_until)}
          </dd>
        </ConnectionState>
      )}
    </fieldset>
  );
}
