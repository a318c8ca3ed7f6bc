import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { broadcastForecast, sendBroadcast, type Account, type Broadcast, type Forecast } from '../../platform';
import { asAppError, describeError } from '../../kit/errors';
import { AudiencePicker } from './AudiencePicker';
import { ForecastView } from './ForecastView';
import { PreviewBox } from './PreviewBox';
import { EMPTY_FILTER, audienceOf, localTimeToMillis, type Segment } from './audience';
import { ContentFields, EMPTY_TEXT, contentReady, type BroadcastContent } from './ContentFields';

type Props = {
  account: Account;
  /** Told each change of the message, for the phone's preview. */
  onDraft: (content: BroadcastContent) => void;
  /** Told each broadcast the server took. */
  onSent: (broadcast: Broadcast) => void;
};

/**
 * Writes a broadcast (a text or an article card), picks its audience, shows the server's forecast
 * and only then sends it, now or at a time the server keeps.
 */
export function Composer({ account, onDraft, onSent }: Props) {
  const accountId = account.id;
  // WeChat accounts can send a preview to one user first.
  const wechat = account.platform === 'wechat';
  const { t } = useTranslation();
  const id = useId();
  const [content, setContent] = useState<BroadcastContent>(EMPTY_TEXT);
  const [segment, setSegment] = useState(false);
  const [filter, setFilter] = useState<Segment>(EMPTY_FILTER);
  const [later, setLater] = useState(false);
  const [when, setWhen] = useState('');
  const [forecast, setForecast] = useState<Forecast | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const write = (next: BroadcastContent) => {
    setContent(next);
    onDraft(next);
  };
  const audience = audienceOf(segment, filter);
  const sendAt = later ? localTimeToMillis(when) : null;
  const ready = contentReady(content) && (!later || sendAt !== null);

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
    sendBroadcast(accountId, content, audience, sendAt).then(
      (sent) => {
        setBusy(false);
        write(EMPTY_TEXT);
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
      <ContentFields
        content={content}
        onChange={(next) => {
          write(next);
          setNotice(null);
        }}
      />
      {wechat ? <PreviewBox accountId={accountId} content={content} ready={contentReady(content)} /> : null}
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
