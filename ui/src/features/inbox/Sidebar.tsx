import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConversationStatus, NoteConflict, Presence, ThreadInfo } from '../../platform';
import { ThreadPresence } from './Presence';
import { NoteConflictNotice, SubscriberNote, SubscriberProfile, SubscriberTags } from '../../kit/SubscriberFacts';
import { dateTime } from '../../kit/time';

export const STATUSES: readonly ConversationStatus[] = ['open', 'pending', 'resolved'];

type HeaderProps = {
  info: ThreadInfo | null;
  subscriberName: string;
  accountName: string;
  me: string;
  busy: boolean;
  /** Colleagues viewing or typing here (never oneself); null until presence is known. */
  presence: { live: boolean; people: readonly Presence[] } | null;
  onStatus: (status: ConversationStatus) => void;
  onAssign: (assignee: string | null) => void;
  /** Adds and removes labels (set operations, so colleagues' labels stay). */
  onLabels: (add: string[], remove: string[]) => void;
  onClose: () => void;
};

/** The thread's header: who, status, assignee and labels, and which colleagues are here too. */
export function ThreadHeader({
  info,
  subscriberName,
  accountName,
  me,
  busy,
  presence,
  onStatus,
  onAssign,
  onLabels,
  onClose,
}: HeaderProps) {
  const { t } = useTranslation();
  const [label, setLabel] = useState('');
  const conversation = info?.conversation ?? null;
  const labels = conversation?.labels ?? [];
  const mine = conversation?.assignee === me;

  const addLabel = (event: FormEvent) => {
    event.preventDefault();
    const value = label.trim();
    if (!value || labels.includes(value)) return;
    onLabels([value], []);
    setLabel('');
  };

  return (
    <header className="ib-thread-head" data-testid="thread-header">
      <div className="ib-thread-title">
        <h2 data-testid="thread-title">{subscriberName}</h2>
        <span className="muted">{accountName}</span>
      </div>
      {conversation && (
        <div className="ib-thread-tools">
          <label className="ib-inline-field">
            <span className="visually-hidden">{t('inbox.header.status')}</span>
            <select
              data-testid="thread-status"
              value={conversation.status}
              disabled={busy}
              onChange={(e) => onStatus(e.target.value as ConversationStatus)}
            >
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`inbox.status.${s}`)}
                </option>
              ))}
            </select>
          </label>
          {mine ? (
            <button
              type="button"
              className="btn btn-small"
              data-testid="thread-unassign"
              disabled={busy}
              onClick={() => onAssign(null)}
            >
              {t('inbox.header.unassign')}
            </button>
          ) : (
            <button
              type="button"
              className="btn btn-small btn-primary"
              data-testid="thread-assign-me"
              disabled={busy}
              onClick={() => onAssign(me)}
            >
              {t('inbox.header.assignMe')}
            </button>
          )}
          <span className="muted ib-assignee" data-testid="thread-assignee">
            {conversation.assignee === null
              ? t('inbox.header.unassigned')
              : mine
                ? t('inbox.header.assignedYou')
                : t('inbox.header.assignedOther')}
          </span>
        </div>
      )}
      <button
        type="button"
        className="ib-thread-close"
        data-testid="thread-close"
        aria-label={t('inbox.header.close')}
        title={t('inbox.header.close')}
        onClick={onClose}
      >
        ×
      </button>
      {presence && <ThreadPresence live={presence.live} people={presence.people} />}
      {conversation && (
        <div className="ib-labels-edit">
          {labels.map((l) => (
            <span key={l} className="ib-label" data-testid="thread-label">
              {l}
              <button
                type="button"
                className="ib-label-remove"
                aria-label={t('inbox.header.removeLabel', { label: l })}
                onClick={() => onLabels([], [l])}
              >
                ×
              </button>
            </span>
          ))}
          <form onSubmit={addLabel} className="ib-label-form">
            <input
              className="ib-label-input"
              data-testid="thread-label-input"
              value={label}
              maxLength={20}
              placeholder={t('inbox.header.addLabel')}
              aria-label={t('inbox.header.addLabel')}
              onChange={(e) => setLabel(e.target.value)}
            />
          </form>
        </div>
      )}
    </header>
  );
}

type SidebarProps = {
  info: ThreadInfo | null;
  onOpenConversation: (id: string) => void;
  /** Adds and removes the subscriber's tags; rejects with the reason. */
  onTags: (add: string[], remove: string[]) => Promise<void>;
  /** Saves the note over `base`, the note as the edit began; rejects with the reason. */
  onNote: (note: string, base: string) => Promise<void>;
  /** Resolves a note conflict: the note typed here, or the colleague's. */
  onKeepMine: (conflict: NoteConflict) => Promise<void>;
  onKeepTheirs: (conflict: NoteConflict) => Promise<void>;
};

/** Who the subscriber is, and what they talked about before. */
export function SubscriberSidebar({
  info,
  onOpenConversation,
  onTags,
  onNote,
  onKeepMine,
  onKeepTheirs,
}: SidebarProps) {
  const { t, i18n } = useTranslation();
  if (!info) {
    return (
      <aside className="ib-sidebar" aria-label={t('inbox.sidebar.label')}>
        <p className="muted">{t('inbox.thread.loading')}</p>
      </aside>
    );
  }
  const { subscriber, account, earlier } = info;
  return (
    <aside className="ib-sidebar" aria-label={t('inbox.sidebar.label')} data-testid="subscriber-sidebar">
      <SubscriberProfile
        subscriber={subscriber}
        accountName={account.name}
        platform={account.platform}
        nameTestId="sidebar-name"
      />
      <SubscriberTags tags={subscriber.tags} onEdit={onTags} />
      <SubscriberNote note={subscriber.note} onSave={onNote} />
      {info.note_conflicts.map((conflict) => (
        <NoteConflictNotice
          key={conflict.id}
          theirs={subscriber.note}
          conflict={conflict}
          onKeepMine={onKeepMine}
          onKeepTheirs={onKeepTheirs}
        />
      ))}
      <section className="ib-sidebar-section">
        <h4>{t('inbox.sidebar.earlier')}</h4>
        {earlier.length === 0 ? (
          <p className="muted">{t('inbox.sidebar.noEarlier')}</p>
        ) : (
          <ul className="ib-earlier">
            {earlier.map((c) => (
              <li key={c.id}>
                <button type="button" className="ib-earlier-item" onClick={() => onOpenConversation(c.id)}>
                  <span className={`ib-status ib-status-${c.status}`}>{t(`inbox.status.${c.status}`)}</span>
                  <span className="ib-earlier-preview">
                    <bdi>{c.preview}</bdi>
                  </span>
                  <span className="muted ib-earlier-date">{dateTime(c.last_activity_at, i18n.language)}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
    </aside>
  );
}
