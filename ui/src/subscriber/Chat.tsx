import { useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { httpsUrl } from '../renderer';
import type { Message, SubscriberEvent } from '../shared/model';
import type { SandboxSendBody } from '../shared/model';
import { newClientMsgId, type SubscriberApi } from './api';
import { AccountAvatar } from './AccountAvatar';
import { describeError } from './errors';

/** The platforms' limit on a text message, in bytes of UTF-8 (the server checks it too). */
export const MAX_TEXT_BYTES = 2048;

/** At most 2 MB of image, before the data-URL encoding. */
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

/**
 * Where a chat image may come from: https, the server itself (a path on this
 * origin), or a data URL of an image. Anything else is not shown.
 */
export function chatImageSrc(url: string): string | null {
  if (/^data:image\/(png|jpeg|gif|webp);base64,[a-z0-9+/=\s]+$/i.test(url)) return url;
  if (url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\')) return url;
  return httpsUrl(url);
}

function readAsDataUrl(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () =>
      typeof reader.result === 'string' ? resolve(reader.result) : reject(new Error('unreadable'));
    reader.onerror = () => reject(reader.error ?? new Error('unreadable'));
    reader.readAsDataURL(file);
  });
}

function timeLabel(ms: number, lng: string): string {
  const date = new Date(ms);
  const now = new Date();
  const sameDay = date.toDateString() === now.toDateString();
  return new Intl.DateTimeFormat(
    lng,
    sameDay
      ? { hour: '2-digit', minute: '2-digit' }
      : { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' },
  ).format(date);
}

/** The messages that get a time line above them: the first, and any after a 5-minute gap. */
function timeMarks(messages: readonly Message[]): Set<string> {
  const marks = new Set<string>();
  let last = -Infinity;
  for (const message of messages) {
    if (message.created_at - last > 5 * 60 * 1000) marks.add(message.id);
    last = message.created_at;
  }
  return marks;
}

function EventLine({ event, accountName }: { event: SubscriberEvent; accountName: string }) {
  const { t } = useTranslation();
  switch (event.event) {
    case 'follow':
      return <>{t('subscriber.event.follow', { name: accountName })}</>;
    case 'unfollow':
      return <>{t('subscriber.event.unfollow', { name: accountName })}</>;
    case 'enter':
      return <>{t('subscriber.event.enter', { name: accountName })}</>;
    case 'scan':
      return <>{t('subscriber.event.scan')}</>;
    case 'menu_tap':
      return <>{t('subscriber.event.menu_tap', { label: event.label })}</>;
    case 'keyword':
      return <>{t('subscriber.event.keyword', { keyword: event.keyword })}</>;
    default:
      return null;
  }
}

function Bubble({ message, onOpenUrl }: { message: Message; onOpenUrl: (url: string) => void }) {
  const { t } = useTranslation();
  const body = message.body;
  const marks = { 'data-testid': 'chat-message', 'data-direction': message.direction, 'data-type': body.type };
  switch (body.type) {
    case 'text':
      return (
        <div className="sub-bubble sub-text" {...marks}>
          {body.text}
        </div>
      );
    case 'image': {
      const src = chatImageSrc(body.url);
      return (
        <div className="sub-bubble sub-image" {...marks}>
          {src ? (
            <img src={src} alt={t('subscriber.chat.image')} className="sub-image-img" />
          ) : (
            <span className="sub-muted">{t('subscriber.chat.imageUnavailable')}</span>
          )}
        </div>
      );
    }
    case 'location':
      return (
        <div className="sub-bubble sub-location" {...marks}>
          <span className="sub-location-label">{body.label || t('subscriber.chat.location')}</span>
          {body.latitude !== null && body.longitude !== null && (
            <span className="sub-muted">
              {body.latitude.toFixed(4)}, {body.longitude.toFixed(4)}
            </span>
          )}
        </div>
      );
    case 'article': {
      const url = httpsUrl(body.url);
      const image = httpsUrl(body.image_url);
      const content = (
        <>
          <span className="sub-article-title">{body.title}</span>
          <span className="sub-article-row">
            <span className="sub-article-description">{body.description}</span>
            {image && <img className="sub-article-img" src={image} alt="" />}
          </span>
        </>
      );
      return url ? (
        <button type="button" className="sub-bubble sub-article" onClick={() => onOpenUrl(url)} {...marks}>
          {content}
        </button>
      ) : (
        <div className="sub-bubble sub-article" {...marks}>
          {content}
        </div>
      );
    }
    default:
      return null;
  }
}

export interface ChatProps {
  api: SubscriberApi;
  accountName: string;
  accountColor: string;
  messages: Message[];
  loaded: boolean;
  loadError: unknown;
  /** The server accepted a message: show it at once. */
  onSent: (message: Message) => void;
  onOpenUrl: (url: string) => void;
}

export function Chat({ api, accountName, accountColor, messages, loaded, loadError, onSent, onOpenUrl }: ChatProps) {
  const { t, i18n } = useTranslation();
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inFlight = useRef(false);
  // The id of the text being sent: a retry of the same text reuses it, so the server keeps one message.
  const draft = useRef<{ text: string; id: string } | null>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);

  useLayoutEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [messages.length]);

  async function send(body: SandboxSendBody, id: string): Promise<boolean> {
    inFlight.current = true;
    setSending(true);
    setError(null);
    try {
      const message = await api.sendMessage(id, body);
      onSent(message);
      return true;
    } catch (e) {
      setError(describeError(t, e));
      return false;
    } finally {
      inFlight.current = false;
      setSending(false);
    }
  }

  async function sendText() {
    const value = text.trim();
    if (value === '' || inFlight.current) return;
    const bytes = new TextEncoder().encode(value).length;
    if (bytes > MAX_TEXT_BYTES) {
      setError(t('issue.message.text.too_long', { max: MAX_TEXT_BYTES, actual: bytes }));
      return;
    }
    if (draft.current === null || draft.current.text !== value) draft.current = { text: value, id: newClientMsgId() };
    const ok = await send({ type: 'text', text: value }, draft.current.id);
    if (ok) {
      draft.current = null;
      setText('');
    }
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    void sendText();
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    // Enter sends; Enter that confirms an IME composition (pinyin) does not.
    if (e.key === 'Enter' && !e.nativeEvent.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      void sendText();
    }
  }

  async function onFile(file: File | undefined) {
    if (!file || inFlight.current) return;
    if (!file.type.startsWith('image/')) {
      setError(t('subscriber.chat.notImage'));
      return;
    }
    if (file.size > MAX_IMAGE_BYTES) {
      setError(t('subscriber.chat.imageTooLarge', { max: 2 }));
      return;
    }
    let dataUrl: string;
    try {
      dataUrl = await readAsDataUrl(file);
    } catch {
      setError(t('subscriber.chat.imageUnreadable'));
      return;
    }
    await send({ type: 'image', data_url: dataUrl }, newClientMsgId());
  }

  const timed = timeMarks(messages);
  return (
    <div className="sub-chat" data-testid="chat-view">
      <div className="sub-chat-list" ref={listRef} aria-live="polite">
        {!loaded && <p className="sub-chat-hint">{t('subscriber.chat.loading')}</p>}
        {loaded && messages.length === 0 && (
          <p className="sub-chat-hint">{t('subscriber.chat.empty', { name: accountName })}</p>
        )}
        {loadError !== null && loadError !== undefined && (
          <p className="sub-chat-hint sub-error-text" role="alert">
            {t('subscriber.chat.loadFailed', { reason: describeError(t, loadError) })}
          </p>
        )}
        {messages.map((message) => {
          const time = timed.has(message.id) ? (
            <p className="sub-time">{timeLabel(message.created_at, i18n.language)}</p>
          ) : null;
          if (message.body.type === 'event') {
            return (
              <div key={message.id}>
                {time}
                <p
                  className="sub-event"
                  data-testid="chat-event"
                  data-direction={message.direction}
                  data-event={message.body.event}
                >
                  <EventLine event={message.body} accountName={accountName} />
                </p>
              </div>
            );
          }
          const outbound = message.direction === 'outbound';
          return (
            <div key={message.id}>
              {time}
              <div className={`sub-msg ${outbound ? 'sub-msg-out' : 'sub-msg-in'}`}>
                {outbound && <AccountAvatar name={accountName} color={accountColor} size="sm" />}
                <Bubble message={message} onOpenUrl={onOpenUrl} />
              </div>
            </div>
          );
        })}
      </div>
      {error !== null && (
        <p className="sub-chat-error" role="alert" data-testid="chat-error">
          {error}
        </p>
      )}
      <form className="sub-composer" onSubmit={onSubmit}>
        <button
          type="button"
          className="sub-icon-button"
          data-testid="chat-image"
          aria-label={t('subscriber.chat.sendImage')}
          title={t('subscriber.chat.sendImage')}
          disabled={sending}
          onClick={() => fileRef.current?.click()}
        >
          <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.6" aria-hidden="true">
            <rect x="3" y="5" width="18" height="14" rx="2" />
            <circle cx="9" cy="10" r="1.5" />
            <path d="M4 18l5-5 4 4 3-3 4 4" />
          </svg>
        </button>
        <input
          ref={fileRef}
          type="file"
          accept="image/png,image/jpeg,image/gif,image/webp"
          className="sub-file"
          data-testid="chat-image-input"
          tabIndex={-1}
          aria-hidden="true"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            void onFile(file);
          }}
        />
        <input
          className="sub-input"
          data-testid="chat-input"
          type="text"
          value={text}
          maxLength={MAX_TEXT_BYTES}
          placeholder={t('subscriber.chat.placeholder')}
          aria-label={t('subscriber.chat.placeholder')}
          enterKeyHint="send"
          onChange={(e) => {
            setText(e.target.value);
            setError(null);
          }}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="sub-send" data-testid="chat-send" disabled={sending || text.trim() === ''}>
          {sending ? t('subscriber.chat.sending') : t('subscriber.chat.send')}
        </button>
      </form>
    </div>
  );
}
