import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  broadcastForecast,
  deleteBroadcastDraft,
  saveBroadcastDraft,
  sendBroadcast,
  type Account,
  type Broadcast,
  type BroadcastDraftEdit,
  type Forecast,
} from '../../platform';
import { asAppError, describeError } from '../../kit/errors';
import { useDebouncedSave } from '../../kit/useDebouncedSave';
import { AudiencePicker } from './AudiencePicker';
import { ForecastView } from './ForecastView';
import { PreviewBox } from './PreviewBox';
import { audienceOf, localTimeToMillis, type Segment } from './audience';
import { ContentFields, contentReady, type BroadcastContent } from './ContentFields';
import { DraftHint } from './DraftHint';
import { EMPTY_STATE, draftEdit, newDraftId, type ComposerState } from './drafts';

/** How long typing pauses before the draft is saved. */
export const DRAFT_SAVE_MS = 600;

type Props = {
  account: Account;
  /** The draft the composer opens with: a new one, or one being continued. */
  initial: { id: string; state: ComposerState };
  /** Whether the draft being written waits to sync (from the list); undefined: not in the list yet. */
  waiting: boolean | undefined;
  /** Whether the draft was deleted meanwhile (from the list): then it is not saved again. */
  isDeleted: (id: string) => boolean;
  /** Told each save of the draft, and the id of the draft written from now on. */
  onDraftSaved: (id: string) => void;
  /** Told each change of the message, for the phone's preview. */
  onDraft: (content: BroadcastContent) => void;
  /** Told each broadcast the server took. */
  onSent: (broadcast: Broadcast) => void;
};

/**
 * Writes a broadcast (a text or an article card), picks its audience, shows the server's forecast
 * and only then sends it, now or at a time the server keeps.
 */
export function Composer({ account, initial, waiting, isDeleted, onDraftSaved, onDraft, onSent }: Props) {
  const accountId = account.id;
  // WeChat accounts can send a preview to one user first.
  const wechat = account.platform === 'wechat';
  const { t } = useTranslation();
  const id = useId();
  const [draftId, setDraftId] = useState(initial.id);
  const [state, setState] = useState<ComposerState>(initial.state);
  const { content, segment, filter, later, when } = state;
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  // Whether this draft was handed to the outbox at least once (then sending it deletes it).
  const saved = useRef(false);
  const [forecast, setForecast] = useState<Forecast | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const autosave = useDebouncedSave((edit: BroadcastDraftEdit) => {
    if (isDeleted(edit.id)) return;
    saved.current = true;
    return saveBroadcastDraft(edit).then(
      () => {
        setSaving(false);
        setSaveError(null);
        onDraftSaved(edit.id);
      },
      (e: unknown) => {
        setSaving(false);
        setSaveError(describeError(t, asAppError(e)));
      },
    );
  }, DRAFT_SAVE_MS);

  /** Staff changed something: shown at once, saved as a draft once typing pauses. */
  const edit = (patch: Partial<ComposerState>) => {
    const next = { ...state, ...patch };
    setState(next);
    setSaving(true);
    autosave.schedule(draftEdit(draftId, accountId, next));
  };
  const write = (next: BroadcastContent) => {
    edit({ content: next });
    onDraft(next);
  };
  const audience = audienceOf(segment, filter);
  const sendAt = later ? localTimeToMillis(when) : null;
  const ready = contentReady(content) && (!later || sendAt !== null);

  const changeAudience = (nextSegment: boolean, nextFilter: Segment) => {
    edit({ segment: nextSegment, filter: nextFilter });
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
        // Sent: the draft goes, and what is typed next is a new one.
        autosave.cancel();
        setSaving(false);
        if (saved.current || waiting !== undefined) {
          deleteBroadcastDraft(draftId).catch((e: unknown) => setSaveError(describeError(t, asAppError(e))));
        }
        saved.current = false;
        const next = newDraftId();
        setDraftId(next);
        setState(EMPTY_STATE);
        onDraft(EMPTY_STATE.content);
        onDraftSaved(next);
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
      <DraftHint saving={saving} waiting={waiting} error={saveError} />
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
          <input type="radio" name={`${id}-when`} checked={!later} onChange={() => edit({ later: false })} />
          {t('broadcasts.composer.now')}
        </label>
        <label>
          <input
            type="radio"
            name={`${id}-when`}
            checked={later}
            onChange={() => edit({ later: true })}
            data-testid="broadcast-later"
          />
          {t('broadcasts.composer.later')}
        </label>
        {later ? (
          <input
            type="datetime-local"
            aria-label={t('broadcasts.composer.at')}
            value={when}
            onChange={(e) => edit({ when: e.target.value })}
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
