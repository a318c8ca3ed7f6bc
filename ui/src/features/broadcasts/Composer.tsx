import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { broadcastForecast, sendBroadcast, type Account, type Broadcast, type Forecast } from '../../platform';
import { asAppError, describeError } from '../../kit/errors';
import { AudiencePicker } from './AudiencePicker';
import { ForecastView } from './ForecastView';
import { PreviewBox } from './PreviewBox';
import { EMPTY_FILTER, TEXT_MAX_CHARS, audienceOf, localTimeToMillis, type Segment } from './audience';

type Props = {
  account: Account;
  /** Told each change of the message, for the phone's preview. */
  onDraft: (text: string) => void;
  /** Told each broadcast the server took. */
  onSent: (broadcast: Broadcast) => void;
};

/**
 * Writes a text broadcast, picks its audience, shows the server's forecast
 * and only then sends it, now or at a time the server keeps.
 */
export function Composer({ account, onDraft, onSent }: Props) {
  const accountId = account.id;
  // WeChat accounts can send a preview to one user first.
  const wechat = account.platform === 'wechat';
  const { t } = useTranslation();
  const id = useId();
  const [text, setText] = useState('');
  const [segment, setSegment] = useState(false);
  const [filter, setFilter] = useState<Segment>(EMPTY_FILTER);
  const [later, setLater] = useState(false);
  const [when, setWhen] = useState('');
  const [forecast, setForecast] = useState<Forecast | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const write = (next: string) => {
    setText(next);
    onDraft(next);
  };
  const audience = audienceOf(segment, filter);
  const sendAt = later ? localTimeToMillis(when) : null;
  const ready = text.trim().length > 0 && (!later || sendAt !== null);

  const changeAudience = (nextSegment: boolean, nextFilter: Segment) => {
    setSegment(nextSegment);
    setFilter(nextFilter);
    // A forecast holds for the audience it was made for.
    setForecast(null);
  };

  const check = () => {
    setBusy(true);
    setError(null);
    setNotice(null);
    broadcastForecast(accountId, audience).then(
      (f) => {
        setForecast(f);
        setBusy(false);
      },
      (e: unknown) => {
        setError(describeError(t, asAppError(e)));
        setBusy(false);
      },
    );
  };

  const send = () => {
    setBusy(true);
    setError(null);
    sendBroadcast(accountId, { type: 'text', text }, audience, sendAt).then(
      (sent) => {
        setBusy(false);
        write('');
        setForecast(null);
        setNotice(t(sent.status === 'scheduled' ? 'broadcasts.composer.scheduled' : 'broadcasts.composer.sent'));
        onSent(sent);
      },
      (e: unknown) => {
        setError(describeError(t, asAppError(e)));
        setBusy(false);
      },
    );
  };

  return (
    <section className="bc-composer" aria-label={t('broadcasts.composer.title')} data-testid="broadcast-composer">
      <h2>{t('broadcasts.composer.title')}</h2>
      <fieldset className="bc-kinds">
        <legend>{t('broadcasts.composer.kind')}</legend>
        <label>
          <input type="radio" name={`${id}-kind`} checked readOnly />
          {t('broadcasts.composer.text')}
        </label>
        <label className="bc-disabled">
          <input type="radio" name={`${id}-kind`} disabled data-testid="broadcast-kind-image" />
          {t('broadcasts.composer.image')}
        </label>
        <label className="bc-disabled">
          <input type="radio" name={`${id}-kind`} disabled data-testid="broadcast-kind-article" />
          {t('broadcasts.composer.article')}
        </label>
        <p className="bc-hint">{t('broadcasts.composer.onlyText')}</p>
      </fieldset>
      <label htmlFor={`${id}-text`}>{t('broadcasts.composer.message')}</label>
      <textarea
        id={`${id}-text`}
        rows={5}
        value={text}
        maxLength={TEXT_MAX_CHARS}
        onChange={(e) => {
          write(e.target.value);
          setNotice(null);
        }}
        data-testid="broadcast-text"
      />
      <p className="bc-hint">{t('broadcasts.composer.length', { n: [...text].length, max: TEXT_MAX_CHARS })}</p>
      {wechat ? <PreviewBox accountId={accountId} text={text} /> : null}
      <AudiencePicker accountId={accountId} segment={segment} filter={filter} onChange={changeAudience} />
      <fieldset className="bc-when">
        <legend>{t('broadcasts.composer.when')}</legend>
        <label>
          <input type="radio" name={`${id}-when`} checked={!later} onChange={() => setLater(false)} />
          {t('broadcasts.composer.now')}
        </label>
        <label>
          <input
            type="radio"
            name={`${id}-when`}
            checked={later}
            onChange={() => setLater(true)}
            data-testid="broadcast-later"
          />
          {t('broadcasts.composer.later')}
        </label>
        {later ? (
          <input
            type="datetime-local"
            aria-label={t('broadcasts.composer.at')}
            value={when}
            onChange={(e) => setWhen(e.target.value)}
            data-testid="broadcast-at"
          />
        ) : null}
      </fieldset>
      {forecast ? <ForecastView forecast={forecast} /> : null}
      <div className="bc-row">
        <button type="button" className="btn" onClick={check} disabled={busy} data-testid="broadcast-check">
          {forecast ? t('broadcasts.composer.recheck') : t('broadcasts.composer.check')}
        </button>
        <button
          type="button"
          className="btn btn-primary"
          onClick={send}
          disabled={busy || !ready || forecast === null}
          data-testid="broadcast-send"
        >
          {later ? t('broadcasts.composer.schedule') : t('broadcasts.composer.send')}
        </button>
      </div>
      {forecast === null ? <p className="bc-hint">{t('broadcasts.composer.checkFirst')}</p> : null}
      {error ? (
        <p className="form-error" role="alert" data-testid="broadcast-error">
          {error}
        </p>
      ) : null}
      {notice ? (
        <p className="bc-notice" role="status" data-testid="broadcast-notice">
          {notice}
        </p>
      ) : null}
    </section>
  );
}
