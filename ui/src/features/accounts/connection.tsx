// What the WeChat and Alipay connection sections share: reading the panel
// (owners and administrators only, on the server only), the states before it
// is there, the app id field, field errors, saving, copying, testing, and the
// connection's state list. Each section keeps only what its platform adds.

import { useCallback, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { session } from '../../platform';
import { asAppError, describeError, translateIssue } from '../../kit/errors';
import { formatTime } from '../../kit/time';
import type { useFieldForm } from '../../kit/useFieldForm';
import { useQuery } from '../../kit/useQuery';

export type Side = 'wechat' | 'alipay';
/** The i18n namespace of each side's words. */
const NS: Record<Side, string> = { wechat: 'wechatConnection', alipay: 'alipayConnection' };
type Form = ReturnType<typeof useFieldForm>;

export type PanelLoad<P> =
  | { state: 'loading' }
  | { state: 'notAllowed' }
  | { state: 'offline' }
  | { state: 'failed'; message: string }
  | { state: 'ready'; panel: P };

/**
 * The connection panel of an account, read for those who may manage accounts;
 * `onShow` hears each panel shown (to reset what is typed). `refresh` reads it
 * again and keeps what is typed (after a test changed the state).
 */
export function useConnectionPanel<P>(
  accountId: string,
  read: (accountId: string) => Promise<P>,
  onShow: (panel: P) => void,
) {
  const { t } = useTranslation();
  const [load, setLoad] = useState<PanelLoad<P>>({ state: 'loading' });
  const show = (panel: P) => {
    setLoad({ state: 'ready', panel });
    onShow(panel);
  };
  useQuery(
    () =>
      session().then((current) =>
        current.permissions.includes('manage_accounts') ? read(accountId).then((panel) => ({ panel })) : null,
      ),
    [accountId],
    {
      onData: (found) => (found === null ? setLoad({ state: 'notAllowed' }) : show(found.panel)),
      onError: (e) => {
        const error = asAppError(e);
        if (error.code === 'offline') setLoad({ state: 'offline' });
        else if (error.code === 'forbidden') setLoad({ state: 'notAllowed' });
        else setLoad({ state: 'failed', message: describeError(t, error) });
      },
    },
  );
  const refresh = () =>
    read(accountId).then((panel) =>
      setLoad((current) => (current.state === 'ready' ? { state: 'ready', panel } : current)),
    );
  return { load, show, refresh };
}

/** The section while the panel is not there: reading, not allowed, offline, or why it failed. */
export function PanelPending({ side, load }: { side: Side; load: Exclude<PanelLoad<unknown>, { state: 'ready' }> }) {
  const { t } = useTranslation();
  const ns = NS[side];
  const line =
    load.state === 'loading' ? t(`${ns}.loading`) : load.state === 'failed' ? load.message : t(`${ns}.${load.state}`);
  return (
    <fieldset className="field-group" data-testid={`${side}-connection`}>
      <legend>{t(`${ns}.title`)}</legend>
      <p className={load.state === 'failed' ? 'form-error' : 'muted'} data-testid={`${side}-${load.state}`}>
        {line}
      </p>
    </fieldset>
  );
}

/** Enter in a field saves the connection, not the dialog's other form. */
export function enterSaves(onSave: () => void) {
  return (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      onSave();
    }
  };
}

/** A field's refusals, in the reader's language. */
export function FieldErrors({ side, form, field }: { side: Side; form: Form; field: string }) {
  const { t } = useTranslation();
  const found = form.issuesFor(field);
  if (found.length === 0) return null;
  return (
    <p className="field-error" data-testid={`${side}-error-${field}`}>
      {found.map((issue) => translateIssue(t, issue)).join(' ')}
    </p>
  );
}

type AppIdProps = {
  side: Side;
  id: string;
  form: Form;
  value: string;
  numeric?: boolean;
  onChange: (value: string) => void;
  onKeyDown: (event: KeyboardEvent<HTMLInputElement>) => void;
};

/** The app id from the platform's console. */
export function AppIdField({ side, id, form, value, numeric, onChange, onKeyDown }: AppIdProps) {
  const { t } = useTranslation();
  return (
    <div className="field">
      <label htmlFor={`${id}-app_id`}>{t(`${NS[side]}.appId`)}</label>
      <input
        id={`${id}-app_id`}
        data-testid={`${side}-app_id`}
        value={value}
        inputMode={numeric ? 'numeric' : undefined}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={form.issuesFor('app_id').length > 0}
        onKeyDown={onKeyDown}
        onChange={(e) => onChange(e.target.value)}
      />
      <p className="field-hint muted">{t(`${NS[side]}.appIdHint`)}</p>
      <FieldErrors side={side} form={form} field="app_id" />
    </div>
  );
}

type ChoiceProps<C extends string> = {
  side: Side;
  id: string;
  form: Form;
  /** The draft's field, also the i18n key of its label (`field`) and its options (`field`s). */
  field: string;
  choices: readonly C[];
  value: C;
  onChange: (choice: C) => void;
};

/** One of a few fixed choices (WeChat's message mode, Alipay's charset), as radio buttons. */
export function ChoiceField<C extends string>({ side, id, form, field, choices, value, onChange }: ChoiceProps<C>) {
  const { t } = useTranslation();
  return (
    <div className="field wechat-modes" role="radiogroup" aria-labelledby={`${id}-${field}`}>
      <span id={`${id}-${field}`} className="field-label">
        {t(`${NS[side]}.${field}`)}
      </span>
      {choices.map((choice) => (
        <label className="checkbox" key={choice}>
          <input
            type="radio"
            name={`${id}-${field}`}
            data-testid={`${side}-${field}-${choice}`}
            checked={value === choice}
            onChange={() => onChange(choice)}
          />
          {t(`${NS[side]}.${field}s.${choice}`)}
        </label>
      ))}
      <FieldErrors side={side} form={form} field={field} />
    </div>
  );
}

/** The address to paste into the platform's console, selected on focus, with a copy button. */
export function PasteUrlField({
  side,
  id,
  label,
  testId,
  url,
  copy,
}: {
  side: Side;
  id: string;
  label: string;
  testId: string;
  url: string;
  copy: ReturnType<typeof useCopy>;
}) {
  return (
    <div className="field">
      <label htmlFor={`${id}-url`}>{label}</label>
      <div className="wechat-line">
        <input id={`${id}-url`} data-testid={testId} value={url} readOnly onFocus={(e) => e.target.select()} />
        <CopyButton side={side} copy={copy} what="url" text={url} />
      </div>
    </div>
  );
}

/** Save, what saving said, and why it failed. */
export function SaveRow({
  side,
  form,
  notice,
  onSave,
}: {
  side: Side;
  form: Form;
  notice: string | null;
  onSave: () => void;
}) {
  const { t } = useTranslation();
  const ns = NS[side];
  return (
    <>
      <div className="wechat-actions">
        <button
          type="button"
          className="btn btn-primary"
          data-testid={`${side}-save`}
          disabled={form.saving}
          onClick={onSave}
        >
          {form.saving ? t(`${ns}.saving`) : t(`${ns}.save`)}
        </button>
        {notice && (
          <span className="muted" role="status" data-testid={`${side}-saved`}>
            {notice}
          </span>
        )}
      </div>
      {form.failure && (
        <p className="form-error" role="alert" data-testid={`${side}-failure`}>
          {form.failure}
        </p>
      )}
    </>
  );
}

/** Copying what to paste into the platform's console; says whether it worked, beside the last one copied. */
export function useCopy() {
  const [copied, setCopied] = useState<{ what: string; ok: boolean } | null>(null);
  const copy = useCallback((what: string, text: string) => {
    const clipboard = navigator.clipboard as Clipboard | undefined;
    if (!clipboard) {
      setCopied({ what, ok: false });
      return;
    }
    clipboard.writeText(text).then(
      () => setCopied({ what, ok: true }),
      () => setCopied({ what, ok: false }),
    );
  }, []);
  return { copied, copy };
}

export function CopyButton({
  side,
  copy,
  what,
  text,
}: {
  side: Side;
  copy: ReturnType<typeof useCopy>;
  what: string;
  text: string;
}) {
  const { t } = useTranslation();
  const ns = NS[side];
  const { copied } = copy;
  return (
    <>
      <button type="button" className="btn" data-testid={`${side}-copy-${what}`} onClick={() => copy.copy(what, text)}>
        {t(`${ns}.copy`)}
      </button>
      {copied?.what === what && (
        <span className={copied.ok ? 'muted' : 'field-error'} role="status" data-testid={`${side}-copied-${what}`}>
          {copied.ok ? t(`${ns}.copied`) : t(`${ns}.copyFailed`)}
        </span>
      )}
    </>
  );
}

export type TestState<A> = { busy: boolean; answer: A | null; failure: string | null };
const NO_TEST = { busy: false, answer: null, failure: null };

/** The connection test: one call to the platform; the panel is read again after it (the test changes the state). */
export function useConnectionTest<A>(run: () => Promise<A>, refresh: () => Promise<void>) {
  const { t } = useTranslation();
  const [test, setTest] = useState<TestState<A>>(NO_TEST);
  const start = () => {
    setTest({ busy: true, answer: null, failure: null });
    run()
      .then(
        (answer) => {
          setTest({ busy: false, answer, failure: null });
          return refresh();
        },
        (e: unknown) => setTest({ busy: false, answer: null, failure: describeError(t, asAppError(e)) }),
      )
      .catch(() => undefined);
  };
  return { test, start, reset: () => setTest(NO_TEST) };
}

/** Test, or why it waits, then what the platform answered (`result`) or why the test failed. */
export function TestRow({
  side,
  connected,
  test,
  onTest,
  result,
}: {
  side: Side;
  connected: boolean;
  test: TestState<unknown>;
  onTest: () => void;
  result: ReactNode;
}) {
  const { t } = useTranslation();
  const ns = NS[side];
  return (
    <>
      <div className="wechat-actions">
        <button
          type="button"
          className="btn"
          data-testid={`${side}-test`}
          disabled={!connected || test.busy}
          onClick={onTest}
        >
          {test.busy ? t(`${ns}.testing`) : t(`${ns}.test`)}
        </button>
        {!connected && <span className="muted">{t(`${ns}.testNeedsSave`)}</span>}
      </div>
      {result}
      {test.failure && (
        <p className="form-error" role="alert" data-testid={`${side}-test-result`}>
          {test.failure}
        </p>
      )}
    </>
  );
}

type StateProps = {
  side: Side;
  lastCallbackAt: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
  children?: ReactNode;
};

/** How the connection is doing: the platform's last call, the last error; `children` adds the side's own lines. */
export function ConnectionState({ side, lastCallbackAt, lastError, lastErrorAt, children }: StateProps) {
  const { t, i18n } = useTranslation();
  const ns = NS[side];
  const time = (at: number) => formatTime(at, i18n.language);
  return (
    <>
      <h3>{t(`${ns}.state`)}</h3>
      <dl className="wechat-state" data-testid={`${side}-state`}>
        <dt>{t(`${ns}.lastCallback`)}</dt>
        <dd data-testid={`${side}-last-callback`}>
          {lastCallbackAt === null ? t(`${ns}.never`) : time(lastCallbackAt)}
        </dd>
        <dt>{t(`${ns}.lastError`)}</dt>
        <dd data-testid={`${side}-last-error`}>
          {lastError === null
            ? t(`${ns}.noError`)
            : lastErrorAt === null
              ? lastError
              : t(`${ns}.errorAt`, { error: lastError, time: time(lastErrorAt) })}
        </dd>
        {children}
      </dl>
    </>
  );
}
