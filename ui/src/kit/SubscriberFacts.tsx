import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Avatar } from './Avatar';
import { asAppError, describeError } from './errors';
import type { NoteConflict, PlatformProfile, Subscriber } from '../platform';
import { dateTime } from './time';

type ProfileProps = {
  subscriber: Subscriber;
  accountName: string;
  platform: PlatformProfile;
  nameTestId: string;
  /** More facts, as `<dt>`/`<dd>` pairs after the usual ones. */
  children?: ReactNode;
};

/** Who the subscriber is: name and platform, the account, and whether they follow it (the inbox sidebar and the Subscribers screen). */
export function SubscriberProfile({ subscriber, accountName, platform, nameTestId, children }: ProfileProps) {
  const { t, i18n } = useTranslation();
  return (
    <>
      <div className="ib-sidebar-who">
        <Avatar name={subscriber.display_name} color="#8a919f" size="lg" />
        <div>
          <h3 className="ib-sidebar-name" data-testid={nameTestId}>
            <bdi>{subscriber.display_name}</bdi>
          </h3>
          <span className={`badge badge-${platform}`}>{t(`platform.${platform}`)}</span>
        </div>
      </div>
      <dl className="ib-facts">
        <dt>{t('inbox.sidebar.account')}</dt>
        <dd>{accountName}</dd>
        <dt>{t('inbox.sidebar.platform')}</dt>
        <dd>{t(`inbox.subscriberPlatform.${subscriber.platform}`, { defaultValue: subscriber.platform })}</dd>
        <dt>{t('inbox.sidebar.following')}</dt>
        <dd data-testid="sidebar-following">
          {subscriber.following
            ? subscriber.followed_at !== null
              ? t('inbox.sidebar.followingSince', { date: dateTime(subscriber.followed_at, i18n.language) })
              : t('inbox.sidebar.yes')
            : t('inbox.sidebar.notFollowing')}
        </dd>
        {children}
      </dl>
    </>
  );
}

/** Tags are at most this long (the core's LABEL_MAX_CHARS); the core says so too. */
const TAG_MAX_CHARS = 20;

type TagsProps = {
  tags: string[];
  /** Adds and removes tags (set operations on the subscriber's tags as they are then); rejects with the reason. */
  onEdit: (add: string[], remove: string[]) => Promise<void>;
};

/** The subscriber's tags, added and removed in place. */
export function SubscriberTags({ tags, onEdit }: TagsProps) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = (add: string[], remove: string[]) => {
    setBusy(true);
    setError(null);
    return onEdit(add, remove)
      .then(
        () => true,
        (e: unknown) => {
          setError(describeError(t, asAppError(e)));
          return false;
        },
      )
      .finally(() => setBusy(false));
  };

  const add = (event: FormEvent) => {
    event.preventDefault();
    const tag = draft.trim();
    if (!tag) return;
    if (tags.includes(tag)) {
      setDraft('');
      return;
    }
    void save([tag], []).then((saved) => {
      if (saved) setDraft('');
    });
  };

  return (
    <section className="ib-sidebar-section">
      <h4>{t('inbox.sidebar.tags')}</h4>
      {tags.length === 0 && <p className="muted">{t('inbox.sidebar.noTags')}</p>}
      <div className="ib-labels-edit">
        {tags.map((tag) => (
          <span key={tag} className="ib-label" data-testid="sidebar-tag">
            {tag}
            <button
              type="button"
              className="ib-label-remove"
              disabled={busy}
              aria-label={t('inbox.sidebar.removeTag', { tag })}
              onClick={() => void save([], [tag])}
            >
              ×
            </button>
          </span>
        ))}
        <form onSubmit={add} className="ib-label-form">
          <input
            className="ib-label-input"
            data-testid="sidebar-tag-input"
            value={draft}
            maxLength={TAG_MAX_CHARS}
            disabled={busy}
            placeholder={t('inbox.sidebar.addTag')}
            aria-label={t('inbox.sidebar.addTag')}
            aria-invalid={error !== null}
            onChange={(e) => setDraft(e.target.value)}
          />
        </form>
      </div>
      {error && (
        <p className="field-error" role="alert" data-testid="sidebar-tags-error">
          {error}
        </p>
      )}
    </section>
  );
}

type NoteProps = {
  note: string;
  /** Saves `note` over `base`, the note as it read when the edit began; rejects with the reason. */
  onSave: (note: string, base: string) => Promise<void>;
};

/** Staff's private note on the subscriber; never shown to them. */
export function SubscriberNote({ note, onSave }: NoteProps) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState<string | null>(null);
  // The note as it read when the edit began: a colleague's change since then is a conflict, not overwritten.
  const [base, setBase] = useState('');
  const [error, setError] = useState<string | null>(null);
  // A colleague's note that arrived while this edit was open: shown beside it, and saving again replaces it knowingly.
  const [theirs, setTheirs] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = (event: FormEvent) => {
    event.preventDefault();
    if (editing === null) return;
    setBusy(true);
    setError(null);
    onSave(editing.trim(), base)
      .then(
        () => (setEditing(null), setTheirs(null)),
        (e: unknown) => {
          const failure = asAppError(e);
          setError(describeError(t, failure));
          if (failure.issues.some((issue) => issue.key === 'subscriber.note.conflict')) {
            setTheirs(note);
            setBase(note);
          }
        },
      )
      .finally(() => setBusy(false));
  };

  return (
    <section className="ib-sidebar-section">
      <div className="ib-sidebar-section-head">
        <h4>{t('inbox.sidebar.note')}</h4>
        {editing === null && (
          <button
            type="button"
            className="btn btn-link"
            data-testid="sidebar-note-edit"
            onClick={() => (setEditing(note), setBase(note))}
          >
            {t('inbox.sidebar.editNote')}
          </button>
        )}
      </div>
      {editing === null ? (
        <p className={note ? 'ib-sidebar-note' : 'muted'} data-testid="sidebar-note">
          {note || t('inbox.sidebar.noNote')}
        </p>
      ) : (
        <form className="ib-note-form" onSubmit={save}>
          <textarea
            autoFocus
            rows={4}
            data-testid="sidebar-note-input"
            aria-label={t('inbox.sidebar.note')}
            aria-invalid={error !== null}
            value={editing}
            onChange={(e) => setEditing(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.preventDefault();
                e.stopPropagation();
                setEditing(null);
                setError(null);
              }
            }}
          />
          {error && (
            <p className="field-error" role="alert" data-testid="sidebar-note-error">
              {error}
            </p>
          )}
          {theirs !== null && (
            <>
              <p className="muted">{t('inbox.sidebar.noteConflict.theirs')}</p>
              <p className="ib-sidebar-note" data-testid="sidebar-note-theirs">
                {theirs || t('inbox.sidebar.noNote')}
              </p>
            </>
          )}
          <div className="ib-note-actions">
            <button
              type="button"
              className="btn btn-small btn-ghost"
              onClick={() => (setEditing(null), setError(null))}
            >
              {t('inbox.sidebar.cancel')}
            </button>
            <button type="submit" className="btn btn-small btn-primary" data-testid="sidebar-note-save" disabled={busy}>
              {t('inbox.sidebar.saveNote')}
            </button>
          </div>
          <p className="muted ib-note-hint">{t('inbox.sidebar.noteHint')}</p>
        </form>
      )}
    </section>
  );
}

type ConflictProps = {
  /** The note as it reads now (the colleague's). */
  theirs: string;
  conflict: NoteConflict;
  onKeepMine: (conflict: NoteConflict) => Promise<void>;
  onKeepTheirs: (conflict: NoteConflict) => Promise<void>;
};

/** A note typed here that a colleague's reached the server before: both texts, and a choice between them. */
export function NoteConflictNotice({ theirs, conflict, onKeepMine, onKeepTheirs }: ConflictProps) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const choose = (keep: (conflict: NoteConflict) => Promise<void>) => {
    setBusy(true);
    setError(null);
    keep(conflict)
      .catch((e: unknown) => setError(describeError(t, asAppError(e))))
      .finally(() => setBusy(false));
  };
  return (
    <div className="ib-note-conflict" role="alert" data-testid="note-conflict">
      <p className="ib-note-conflict-title">{t('inbox.sidebar.noteConflict.title')}</p>
      <p className="muted">{t('inbox.sidebar.noteConflict.mine')}</p>
      <p className="ib-sidebar-note" data-testid="note-conflict-mine">
        {conflict.mine || t('inbox.sidebar.noNote')}
      </p>
      <p className="muted">{t('inbox.sidebar.noteConflict.theirs')}</p>
      <p className="ib-sidebar-note" data-testid="note-conflict-theirs">
        {theirs || t('inbox.sidebar.noNote')}
      </p>
      {error && (
        <p className="field-error" data-testid="note-conflict-error">
          {error}
        </p>
      )}
      <div className="ib-note-actions">
        <button
          type="button"
          className="btn btn-small btn-ghost"
          data-testid="note-conflict-theirs-keep"
          disabled={busy}
          onClick={() => choose(onKeepTheirs)}
        >
          {t('inbox.sidebar.noteConflict.keepTheirs')}
        </button>
        <button
          type="button"
          className="btn btn-small btn-primary"
          data-testid="note-conflict-mine-keep"
          disabled={busy}
          onClick={() => choose(onKeepMine)}
        >
          {t('inbox.sidebar.noteConflict.keepMine')}
        </button>
      </div>
    </div>
  );
}
