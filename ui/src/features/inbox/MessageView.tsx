import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import {
  mediaSrc,
  type MessageBody,
  type MessageState,
  type SubscriberEvent,
  type ThreadMessage,
} from '../../platform';
import { httpsUrl } from '../../renderer';
import { ClockIcon } from './ClockIcon';
import { clockTime } from '../../kit/time';

/** Where a message image may come from: https, or a data URL of an image. Anything else is not shown. */
export function safeImageSrc(url: string): string | null {
  if (/^data:image\/(png|jpeg|gif|webp);base64,[a-z0-9+/=\s]+$/i.test(url)) return url;
  return httpsUrl(url);
}

/** The server's own path for an uploaded image: `/s/media/` and a SHA-256. */
const MEDIA_PATH = /^\/s\/media\/([0-9a-f]{64})$/;

/**
 * Where a message image is loaded from: the server's own `/s/media/…` images
 * through the core (which keeps them for offline use and shows staff's
 * queued ones from the outbox), anything else only as `safeImageSrc` allows.
 * Null: not shown.
 */
export function messageImageSrc(url: string): string | null {
  const media = MEDIA_PATH.exec(url);
  if (media) return mediaSrc(media[1]!);
  return safeImageSrc(url);
}

function hostOf(url: string): string | null {
  const safe = httpsUrl(url);
  return safe ? new URL(safe).host : null;
}

/** A subscriber event as a centred line of text. */
export function EventText({ event, name }: { event: SubscriberEvent; name: string }) {
  const { t } = useTranslation();
  switch (event.event) {
    case 'follow':
      return <>{t('inbox.event.follow', { name })}</>;
    case 'unfollow':
      return <>{t('inbox.event.unfollow', { name })}</>;
    case 'enter':
      return <>{t('inbox.event.enter', { name })}</>;
    case 'scan':
      return <>{t('inbox.event.scan', { name, scene: event.scene })}</>;
    case 'menu_tap':
      return <>{t('inbox.event.menu_tap', { name, label: event.label })}</>;
    case 'keyword':
      return <>{t('inbox.event.keyword', { name, keyword: event.keyword })}</>;
    default:
      return null;
  }
}

/** An image in the thread; one that cannot be shown (offline and never seen, say) says so. */
function ThreadImage({ url }: { url: string }) {
  const { t } = useTranslation();
  const [failed, setFailed] = useState(false);
  const src = messageImageSrc(url);
  if (!src || failed) return <span className="muted">{t('inbox.body.imageUnavailable')}</span>;
  return (
    <img
      className="ib-image"
      src={src}
      alt={t('inbox.body.image')}
      loading="lazy"
      onError={() => setFailed(true)}
      data-testid="thread-image"
    />
  );
}

function Body({ body }: { body: Exclude<MessageBody, { type: 'event' }> }) {
  const { t } = useTranslation();
  switch (body.type) {
    case 'text':
      return <div className="ib-text">{body.text}</div>;
    case 'image':
      return <ThreadImage url={body.url} />;
    case 'location':
      return (
        <div className="ib-location">
          <span className="ib-location-pin" aria-hidden="true" />
          <span className="ib-location-text">
            <span className="ib-location-label">{body.label || t('inbox.body.location')}</span>
            {body.latitude !== null && body.longitude !== null && (
              <span className="muted">
                {body.latitude.toFixed(5)}, {body.longitude.toFixed(5)}
              </span>
            )}
          </span>
        </div>
      );
    case 'article': {
      const image = safeImageSrc(body.image_url);
      const host = hostOf(body.url);
      return (
        <div className="ib-article">
          {image && <img className="ib-article-img" src={image} alt="" loading="lazy" />}
          <span className="ib-article-title">{body.title}</span>
          {body.description && <span className="ib-article-desc">{body.description}</span>}
          <span className="ib-article-link muted">{host ?? t('inbox.body.linkBlocked')}</span>
        </div>
      );
    }
    default:
      return null;
  }
}

const STATE_MARK: Record<MessageState, ReactNode> = {
  queued: <ClockIcon />,
  sending: '…',
  sent: '✓',
  delivered: '✓✓',
  read: '✓✓',
  failed: '✗',
};

/** The state an outbound message shows: the console's own, else what the server said. */
export function stateOf(item: ThreadMessage): MessageState | null {
  if (item.state) return item.state;
  const delivery = item.message.delivery;
  if (item.message.direction !== 'outbound' || !delivery) return null;
  return delivery.state;
}

function failureOf(item: ThreadMessage): string | null {
  if (item.failure) return item.failure;
  const delivery = item.message.delivery;
  return delivery && delivery.state === 'failed' ? delivery.reason : null;
}

type Props = {
  item: ThreadMessage;
  subscriberName: string;
  highlighted: boolean;
  me: string;
  onRetry: (messageId: string) => Promise<void>;
  /** The server that serves `/s/media/…` images; null when unknown. */
};

/** One message of a thread: an event line, a bubble, or a private note. */
export function MessageView({ item, subscriberName, highlighted, me, onRetry }: Props) {
  const { t, i18n } = useTranslation();
  const [retrying, setRetrying] = useState(false);
  const { message } = item;
  const body = message.body;
  const marks = {
    'data-testid': 'thread-message',
    'data-message-id': message.id,
    'data-direction': message.direction,
    'data-type': body.type,
  };

  if (body.type === 'event') {
    return (
      <div className={`ib-event${highlighted ? ' is-highlighted' : ''}`} {...marks}>
        <span className="ib-event-text">
          <EventText event={body} name={subscriberName} />
        </span>
        <span className="ib-event-time">{clockTime(message.created_at, i18n.language)}</span>
      </div>
    );
  }

  const state = stateOf(item);
  const failure = state === 'failed' ? failureOf(item) : null;
  const author = message.author === me ? t('inbox.you') : message.author;
  const retry = () => {
    setRetrying(true);
    onRetry(message.id).finally(() => setRetrying(false));
  };

  if (message.direction === 'note') {
    return (
      <div className={`ib-row ib-row-out${highlighted ? ' is-highlighted' : ''}`} {...marks}>
        <div className="ib-note">
          <div className="ib-note-head">
            <span className="ib-note-label">{t('inbox.note.label')}</span>
            {author && <span className="muted">{author}</span>}
          </div>
          <Body body={body} />
          <div className="ib-meta">{clockTime(message.created_at, i18n.language)}</div>
        </div>
      </div>
    );
  }

  const out = message.direction === 'outbound';
  return (
    <div className={`ib-row ${out ? 'ib-row-out' : 'ib-row-in'}${highlighted ? ' is-highlighted' : ''}`} {...marks}>
      <div className={`ib-bubble ${out ? 'ib-bubble-out' : 'ib-bubble-in'}${state === 'failed' ? ' is-failed' : ''}`}>
        <Body body={body} />
        <div className="ib-meta">
          {out && author && <span>{author}</span>}
          {out && message.auto_reply && (
            <span className="ib-auto" data-testid="message-automatic">
              {t('automation.automatic')}
            </span>
          )}
          <span>{clockTime(message.created_at, i18n.language)}</span>
          {state && (
            <span
              className={`ib-state ib-state-${state}`}
              data-testid="message-state"
              data-state={state}
              title={t(`inbox.state.${state}`)}
            >
              <span aria-hidden="true">{STATE_MARK[state]}</span> {t(`inbox.state.${state}`)}
            </span>
          )}
        </div>
      </div>
      {state === 'failed' && (
        <div className="ib-failure" role="alert">
          <span data-testid="message-failure">
            {failure ? t(failure, { defaultValue: failure }) : t('inbox.state.failedUnknown')}
          </span>
          <button
            type="button"
            className="btn btn-small"
            data-testid="message-retry"
            disabled={retrying}
            onClick={retry}
          >
            {t('inbox.retry')}
          </button>
        </div>
      )}
    </div>
  );
}
