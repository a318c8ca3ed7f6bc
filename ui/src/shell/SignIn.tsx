import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { AppError, signIn, startLocal, type Session } from '../platform';
import { asAppError, describeError } from '../kit/errors';
import { LanguageSwitch } from './LanguageSwitch';

const SIGN_IN_CODES = new Set(['unauthorized', 'offline', 'rate_limited']);

export function signInErrorText(t: TFunction, error: AppError): string {
  if (SIGN_IN_CODES.has(error.code)) return t(`signIn.error.${error.code}`);
  if (error.issues.length > 0) return describeError(t, error);
  return error.message || describeError(t, error);
}

type Pending = 'local' | 'team' | null;

/** The core's refusal of a plain-http team server that is not this computer, until staff choose to go on. */
const PLAIN_HTTP = 'sign_in.server_url.plain_http';
type Failure = { where: 'local' | 'team'; text: string } | null;

/** First screen: work locally, or sign in to a team server. */
export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [localName, setLocalName] = useState('');
  const [url, setUrl] = useState('');
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState<Pending>(null);
  const [failure, setFailure] = useState<Failure>(null);
  // The host of a plain-http team server that is not this computer: staff are warned before the password goes.
  const [plainHttp, setPlainHttp] = useState<string | null>(null);

  const run = (where: 'local' | 'team', action: () => Promise<Session>) => {
    setPending(where);
    setFailure(null);
    setPlainHttp(null);
    action().then(
      (session) => {
        setPending(null);
        onSignedIn(session);
      },
      (e: unknown) => {
        setPending(null);
        const error = asAppError(e);
        const warning = error.issues.find((issue) => issue.key === PLAIN_HTTP);
        if (warning) setPlainHttp(warning.params.find(([name]) => name === 'host')?.[1] ?? '');
        else setFailure({ where, text: signInErrorText(t, error) });
      },
    );
  };

  const onLocal = (event: FormEvent) => {
    event.preventDefault();
    run('local', () => startLocal(localName.trim()));
  };
  const onTeam = (event: FormEvent) => {
    event.preventDefault();
    run('team', () => signIn(url.trim(), login.trim(), password));
  };
  const onTeamOverPlainHttp = () => run('team', () => signIn(url.trim(), login.trim(), password, true));

  const errorFor = (where: 'local' | 'team') =>
    failure?.where === where ? (
      <p className="form-error" role="alert" data-testid="sign-in-error">
        {failure.text}
      </p>
    ) : null;

  return (
    <div className="sign-in">
      <header className="sign-in-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">{t('app.name')}</span>
        </div>
        <LanguageSwitch onError={(text) => setFailure({ where: 'local', text })} />
      </header>
      <main className="sign-in-main">
        <h1>{t('signIn.title')}</h1>
        <p className="muted">{t('signIn.subtitle')}</p>
        <div className="sign-in-cards">
          <form className="card sign-in-card" onSubmit={onLocal} aria-labelledby={`${id}-local`}>
            <h2 id={`${id}-local`}>{t('signIn.local.title')}</h2>
            <p className="muted">{t('signIn.local.explain')}</p>
            <div className="field">
              <label htmlFor={`${id}-local-name`}>{t('signIn.local.name')}</label>
              <input
                id={`${id}-local-name`}
                data-testid="local-name"
                value={localName}
                autoComplete="name"
                placeholder={t('signIn.local.namePlaceholder')}
                onChange={(e) => setLocalName(e.target.value)}
              />
            </div>
            {errorFor('local')}
            <div className="card-actions">
              <button
                type="submit"
                className="btn btn-primary"
                data-testid="start-local"
                disabled={pending !== null || localName.trim() === ''}
              >
                {pending === 'local' ? t('signIn.working') : t('signIn.local.submit')}
              </button>
            </div>
          </form>

          <form className="card sign-in-card" onSubmit={onTeam} aria-labelledby={`${id}-team`} noValidate>
            <h2 id={`${id}-team`}>{t('signIn.team.title')}</h2>
            <p className="muted">{t('signIn.team.explain')}</p>
            <div className="field">
              <label htmlFor={`${id}-url`}>{t('signIn.team.url')}</label>
              <input
                id={`${id}-url`}
                data-testid="team-url"
                type="url"
                inputMode="url"
                value={url}
                placeholder={t('signIn.team.urlPlaceholder')}
                onChange={(e) => setUrl(e.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor={`${id}-login`}>{t('signIn.team.login')}</label>
              <input
                id={`${id}-login`}
                data-testid="team-login"
                value={login}
                autoComplete="username"
                onChange={(e) => setLogin(e.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor={`${id}-password`}>{t('signIn.team.password')}</label>
              <input
                id={`${id}-password`}
                data-testid="team-password"
                type="password"
                value={password}
                autoComplete="current-password"
                onChange={(e) => setPassword(e.target.value)}
              />
            </div>
            {errorFor('team')}
            {plainHttp !== null && (
              <div className="form-warning" role="alert" data-testid="sign-in-plain-http">
                <p>{t('signIn.team.plainHttp', { host: plainHttp })}</p>
                <button
                  type="button"
                  className="btn btn-small"
                  data-testid="sign-in-plain-http-anyway"
                  disabled={pending !== null}
                  onClick={onTeamOverPlainHttp}
                >
                  {t('signIn.team.plainHttpAnyway')}
                </button>
              </div>
            )}
            <div className="card-actions">
              <button
                type="submit"
                className="btn btn-primary"
                data-testid="team-sign-in"
                disabled={pending !== null || url.trim() === '' || login.trim() === '' || password === ''}
              >
                {pending === 'team' ? t('signIn.working') : t('signIn.team.submit')}
              </button>
            </div>
          </form>
        </div>
      </main>
    </div>
  );
}
