// Times as the inbox shows them, in the reader's language.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type T = (key: string, options?: Record<string, unknown>) => string;

/** "just now", "5 min ago", "3 h ago", "yesterday", or a date, for the conversation list. */
export function relativeTime(at: number, now: number, lng: string, t: T): string {
  const diff = now - at;
  if (diff < MINUTE) return t('inbox.time.now');
  const rtf = new Intl.RelativeTimeFormat(lng, { numeric: 'auto', style: 'short' });
  if (diff < HOUR) return rtf.format(-Math.floor(diff / MINUTE), 'minute');
  if (diff < DAY) return rtf.format(-Math.floor(diff / HOUR), 'hour');
  if (diff < 7 * DAY) return rtf.format(-Math.max(1, Math.round(diff / DAY)), 'day');
  return new Intl.DateTimeFormat(lng, { month: 'short', day: 'numeric' }).format(new Date(at));
}

/** The local calendar day of a moment, as a key for day separators. */
export function dayKey(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

/** "Today", "Yesterday", or the full date, for a day separator. */
export function dayLabel(at: number, now: number, lng: string, t: T): string {
  if (dayKey(at) === dayKey(now)) return t('inbox.time.today');
  if (dayKey(at) === dayKey(now - DAY)) return t('inbox.time.yesterday');
  return new Intl.DateTimeFormat(lng, { year: 'numeric', month: 'long', day: 'numeric', weekday: 'short' }).format(
    new Date(at),
  );
}

/** The clock time of a message. */
export function clockTime(at: number, lng: string): string {
  return new Intl.DateTimeFormat(lng, { hour: '2-digit', minute: '2-digit' }).format(new Date(at));
}

/** A date with the time, for the sidebar and search results. */
export function dateTime(at: number, lng: string): string {
  return new Intl.DateTimeFormat(lng, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(at));
}

/** A duration left, in hours and minutes: "5 h 12 min", "12 min", "less than a minute". */
export function durationLeft(ms: number, t: T): string {
  if (ms < MINUTE) return t('inbox.time.underMinute');
  const hours = Math.floor(ms / HOUR);
  const minutes = Math.floor((ms % HOUR) / MINUTE);
  if (hours === 0) return t('inbox.time.minutes', { m: minutes });
  return t('inbox.time.hoursMinutes', { h: hours, m: minutes });
}

/** Timestamps from the core may be seconds or milliseconds since the epoch. */
export function toDate(timestamp: number): Date {
  return new Date(timestamp < 1e12 ? timestamp * 1000 : timestamp);
}

/** A date and time, medium date and short time, for "last synced" and "checked at". */
export function formatTime(timestamp: number, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(toDate(timestamp));
}
