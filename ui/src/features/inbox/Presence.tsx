// Collision detection: which colleagues view or type in a conversation, in
// the thread header, above the composer and on the list's rows.
import { useTranslation } from 'react-i18next';
import type { Presence } from '../../platform';

type T = (key: string, options?: Record<string, unknown>) => string;

/** How many colleagues a list row shows before "+N". */
export const ROW_PRESENCE_MAX = 3;
const TONES = 4;

/** "王" for 王芳, "LL" for Li Lei, "M" for mei. */
export function initials(name: string): string {
  const words = name
    .trim()
    .split(/\s+/)
    .filter((w) => w.length > 0);
  const firsts = words.map((w) => Array.from(w)[0] ?? '');
  const latin = words.length > 1 && firsts.every((c) => /^[A-Za-z]$/.test(c));
  return (latin ? firsts.slice(0, 2).join('') : (firsts[0] ?? '?')).toUpperCase();
}

/** The same colleague gets the same colour everywhere. */
function tone(staffId: string): number {
  let hash = 0;
  for (const ch of staffId) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return hash % TONES;
}

/** "王芳和李雷", "Wang Fang and Li Lei": the names as a list in the reader's language. */
export function joinNames(names: readonly string[], language: string): string {
  try {
    return new Intl.ListFormat(language, { style: 'long', type: 'conjunction' }).format(names);
  } catch {
    return names.join(', ');
  }
}

/** "王芳 is typing… · 李雷 is viewing". */
export function presenceText(people: readonly Presence[], language: string, t: T): string {
  const typing = people.filter((p) => p.state === 'typing').map((p) => p.display_name);
  const viewing = people.filter((p) => p.state !== 'typing').map((p) => p.display_name);
  return [
    typing.length > 0 ? t('inbox.presence.typing', { names: joinNames(typing, language), count: typing.length }) : null,
    viewing.length > 0
      ? t('inbox.presence.viewing', { names: joinNames(viewing, language), count: viewing.length })
      : null,
  ]
    .filter((part): part is string => part !== null)
    .join(' · ');
}

/** A colleague's initials in a small round badge; pulsing gently while they type. */
export function PresenceAvatar({ person }: { person: Presence }) {
  const typing = person.state === 'typing';
  return (
    <span
      className={`ib-presence-avatar ib-presence-tone-${tone(person.staff_id)}${typing ? ' is-typing' : ''}`}
      data-testid="presence-avatar"
      data-state={person.state}
      data-staff-id={person.staff_id}
      title={person.display_name}
      aria-hidden="true"
    >
      {initials(person.display_name)}
    </span>
  );
}

/** Under the thread's title: who else is here, or that it is unknown while offline. */
export function ThreadPresence({ people, live }: { people: readonly Presence[]; live: boolean }) {
  const { t, i18n } = useTranslation();
  if (!live) {
    return (
      <p className="ib-presence ib-presence-unknown muted" data-testid="presence-unknown">
        <span className="ib-presence-avatar ib-presence-avatar-unknown" aria-hidden="true">
          ?
        </span>
        {t('inbox.presence.unknown')}
      </p>
    );
  }
  if (people.length === 0) return null;
  return (
    <p className="ib-presence" role="status" aria-label={t('inbox.presence.label')} data-testid="thread-presence">
      <span className="ib-presence-avatars">
        {people.map((p) => (
          <PresenceAvatar key={p.staff_id} person={p} />
        ))}
      </span>
      <span className="ib-presence-text" data-testid="thread-presence-text">
        {presenceText(people, i18n.language, t)}
      </span>
    </p>
  );
}

/** Above the composer: a colleague is writing in this conversation right now. */
export function ComposerPresence({ people }: { people: readonly Presence[] }) {
  const { t, i18n } = useTranslation();
  const typing = people.filter((p) => p.state === 'typing').map((p) => p.display_name);
  if (typing.length === 0) return null;
  return (
    <p className="ib-presence-warn" role="status" data-testid="composer-presence">
      <span className="ib-presence-dots" aria-hidden="true">
        <span />
        <span />
        <span />
      </span>
      {t('inbox.presence.composerTyping', { names: joinNames(typing, i18n.language), count: typing.length })}
    </p>
  );
}

/** On a list row: the colleagues in that conversation, a few badges and "+N". */
export function RowPresence({ people }: { people: readonly Presence[] }) {
  const { t, i18n } = useTranslation();
  if (people.length === 0) return null;
  const shown = people.slice(0, ROW_PRESENCE_MAX);
  const more = people.length - shown.length;
  const text = presenceText(people, i18n.language, t);
  return (
    <span className="ib-conv-presence" role="img" aria-label={text} title={text} data-testid="conversation-presence">
      {shown.map((p) => (
        <PresenceAvatar key={p.staff_id} person={p} />
      ))}
      {more > 0 && <span className="ib-presence-more">+{more}</span>}
    </span>
  );
}
