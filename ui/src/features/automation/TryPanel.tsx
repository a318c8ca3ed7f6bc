import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { tryAutoReply, type AutoReplyRuleDraft, type TryMessage, type TryOutcome } from '../../platform';
import { asAppError, describeError } from '../../kit/errors';
import { bodyText } from './rules';

type TryKind = TryMessage['kind'];

/** 'Try it': runs the server's matcher on a message, with the rule being edited counted as saved. */
export function TryPanel({ accountId, draft }: { accountId: string; draft: AutoReplyRuleDraft | null }) {
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
    <section className="card auto-panel auto-try" aria-labelledby={`${id}-title`} data-testid="automation-try">
      <h2 id={`${id}-title`}>{t('automation.try.title')}</h2>
      <p className="muted">{t('automation.try.hint')}</p>
      <form
        className="auto-try-form"
        onSubmit={(e) => {
          e.preventDefault();
          run();
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-kind`}>{t('automation.try.as')}</label>
          <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as TryKind)}>
            {(['text', 'menu_click', 'follow'] as const).map((k) => (
              <option key={k} value={k}>
                {t(`automation.try.kind.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field auto-grow">
          <label htmlFor={`${id}-input`}>{t('automation.try.input')}</label>
          <input
            id={`${id}-input`}
            value={input}
            onChange={(e) => setInput(e.target.value)}
            data-testid="automation-try-input"
          />
        </div>
        <button type="submit" className="btn" data-testid="automation-try-run">
          {t('automation.try.run')}
        </button>
      </form>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {outcome && !decision ? (
        <p className="muted auto-try-none" data-testid="automation-try-none">
          {t('automation.try.none')}
        </p>
      ) : null}
      {decision ? (
        <div className="auto-try-result" data-testid="automation-try-result">
          <p className="auto-try-by">{t('automation.try.answeredBy', { name: decision.rule_name })}</p>
          {decision.keyword ? (
            <p className="muted">{t('automation.try.matched', { keyword: decision.keyword })}</p>
          ) : null}
          <p className="muted">{outcome?.random ? t('automation.try.random') : t('automation.try.all')}</p>
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
