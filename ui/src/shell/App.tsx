import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '../kit/useQuery';
import i18n, { DEFAULT_LANGUAGE, isUiLanguage } from '../i18n';
import { language, session as loadSession, type Session } from '../platform';
import { asAppError, describeError } from '../kit/errors';
import { Shell } from './Shell';
import { SignIn } from './SignIn';

type Boot = { state: 'loading' } | { state: 'failed'; message: string } | { state: 'ready'; session: Session };

/** Reads the saved language (default Chinese) and the current session. */
async function boot(): Promise<Session> {
  const [lng, session] = await Promise.all([language().catch(() => DEFAULT_LANGUAGE), loadSession()]);
  const wanted = isUiLanguage(lng) ? lng : DEFAULT_LANGUAGE;
  if (i18n.language !== wanted) await i18n.changeLanguage(wanted);
  return session;
}

export function App() {
  const { t } = useTranslation();
  const [phase, setPhase] = useState<Boot>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useQuery(boot, [attempt], {
    onData: (session) => setPhase({ state: 'ready', session }),
    onError: (e) => setPhase({ state: 'failed', message: describeError(i18n.t.bind(i18n), asAppError(e)) }),
  });

  const retry = () => {
    setPhase({ state: 'loading' });
    setAttempt((n) => n + 1);
  };

  const refreshSession = () => {
    loadSession().then(
      (session) => setPhase({ state: 'ready', session }),
      (e: unknown) => setPhase({ state: 'failed', message: describeError(t, asAppError(e)) }),
    );
  };

  if (phase.state === 'loading') {
    return (
      <div className="splash" aria-busy="true">
        <span className="brand-mark" aria-hidden="true" />
        <p className="muted">{t('app.loading')}</p>
      </div>
    );
  }
  if (phase.state === 'failed') {
    return (
      <div className="splash" role="alert">
        <h1>{t('app.startFailed')}</h1>
        <p className="muted" data-testid="boot-error">
          {phase.message}
        </p>
        <button type="button" className="btn btn-primary" onClick={retry}>
          {t('app.retry')}
        </button>
      </div>
    );
  }

  const { session } = phase;
  if (session.user === null) {
    return <SignIn onSignedIn={(next) => setPhase({ state: 'ready', session: next })} />;
  }
  return <Shell session={session} user={session.user} onSignedOut={refreshSession} />;
}
