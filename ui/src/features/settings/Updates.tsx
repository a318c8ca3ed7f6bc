import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  checkForUpdate,
  installUpdate,
  updateSetup,
  UpdateFailure,
  type UpdateOffer,
  type UpdateSetup,
} from '../../platform';
import { useQuery } from '../../kit/useQuery';

type Shown =
  | { kind: 'idle' }
  | { kind: 'checking' }
  | { kind: 'up_to_date' }
  | { kind: 'offer'; offer: UpdateOffer }
  | { kind: 'installing'; offer: UpdateOffer };

/** Settings › Updates: an update is offered, never forced (src-tauri/src/updates.rs). */
export function UpdatesSettings() {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [setup, setSetup] = useState<UpdateSetup | null>(null);
  const [shown, setShown] = useState<Shown>({ kind: 'idle' });
  const [failure, setFailure] = useState<UpdateFailure | null>(null);

  useQuery(updateSetup, [], { onData: setSetup });

  if (!setup) return null;

  const check = () => {
    setFailure(null);
    setShown({ kind: 'checking' });
    checkForUpdate().then(
      (offer) => setShown(offer ? { kind: 'offer', offer } : { kind: 'up_to_date' }),
      (e: unknown) => {
        setFailure(UpdateFailure.from(e));
        setShown({ kind: 'idle' });
      },
    );
  };

  const install = (offer: UpdateOffer) => {
    setFailure(null);
    setShown({ kind: 'installing', offer });
    // On success the console restarts into the new version.
    installUpdate().catch((e: unknown) => {
      setFailure(UpdateFailure.from(e));
      setShown({ kind: 'offer', offer });
    });
  };

  const published = (date: string | null) => {
    if (!date) return null;
    const when = new Date(date);
    if (Number.isNaN(when.getTime())) return null;
    return t('updates.published', { date: when.toLocaleDateString(i18n.language, { dateStyle: 'long' }) });
  };

  const offer = shown.kind === 'offer' || shown.kind === 'installing' ? shown.offer : null;
  const busy = shown.kind === 'checking' || shown.kind === 'installing';

  return (
    <section className="card settings-card" aria-labelledby={`${id}-updates`} data-testid="settings-updates">
      <h2 id={`${id}-updates`}>{t('updates.title')}</h2>
      <p data-testid="updates-current">{t('updates.current', { version: setup.current_version })}</p>
      {!setup.configured ? (
        <p className="muted" data-testid="updates-not-set-up">
          {t('updates.notSetUp')}
        </p>
      ) : (
        <>
          {!offer && (
            <button type="button" className="btn btn-small" data-testid="updates-check" disabled={busy} onClick={check}>
              {shown.kind === 'checking' ? t('updates.checking') : t('updates.check')}
            </button>
          )}
          {shown.kind === 'up_to_date' && (
            <p className="muted" role="status" data-testid="updates-up-to-date">
              {t('updates.upToDate')}
            </p>
          )}
          {offer && (
            <div className="update-offer" role="status" data-testid="updates-offer">
              <p>
                <strong>{t('updates.offer', { version: offer.version })}</strong>
              </p>
              {published(offer.date) && (
                <p className="muted" data-testid="updates-date">
                  {published(offer.date)}
                </p>
              )}
              {offer.notes && (
                <p className="update-notes" data-testid="updates-notes" style={{ whiteSpace: 'pre-wrap' }}>
                  {offer.notes}
                </p>
              )}
              <div className="choice-group">
                <button
                  type="button"
                  className="btn btn-small btn-primary"
                  data-testid="updates-install"
                  disabled={busy}
                  onClick={() => install(offer)}
                >
                  {shown.kind === 'installing' ? t('updates.installing') : t('updates.install')}
                </button>
                <button
                  type="button"
                  className="btn btn-small btn-ghost"
                  data-testid="updates-later"
                  disabled={busy}
                  onClick={() => {
                    setFailure(null);
                    setShown({ kind: 'idle' });
                  }}
                >
                  {t('updates.later')}
                </button>
              </div>
            </div>
          )}
        </>
      )}
      {failure && (
        <p className="form-error" role="alert" data-testid="updates-error" title={failure.detail}>
          {t(`updates.error.${failure.problem}`)}
        </p>
      )}
    </section>
  );
}
