import type { Audience, SegmentFilter } from '../../platform';

/** The platforms a segment may name. */
export const PLATFORMS = ['wechat', 'alipay', 'sandbox'] as const;

/** The longest broadcast text, in characters (the model's TEXT_MAX_CHARS). */
export const TEXT_MAX_CHARS = 2000;

/** A segment filter with every field given (the wire type leaves them optional). */
export type Segment = Required<SegmentFilter>;

export const EMPTY_FILTER: Segment = {
  tags_any: [],
  tags_all: [],
  platforms: [],
  followed_after: null,
  followed_before: null,
  active_after: null,
  active_before: null,
  wrote_within_reply_window: false,
};

/** A filter as the wire carries it (its fields may be left out), with every field given. */
export function filled(filter: SegmentFilter): Segment {
  return {
    tags_any: filter.tags_any ?? [],
    tags_all: filter.tags_all ?? [],
    platforms: filter.platforms ?? [],
    followed_after: filter.followed_after ?? null,
    followed_before: filter.followed_before ?? null,
    active_after: filter.active_after ?? null,
    active_before: filter.active_before ?? null,
    wrote_within_reply_window: filter.wrote_within_reply_window ?? false,
  };
}

/** Tags typed into one box, split on commas (ASCII or full-width) and spaces. */
export function parseTags(text: string): string[] {
  return text
    .split(/[,，、\s]+/)
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
}

/** A `<input type="date">` value as the local midnight it names, in milliseconds; empty: none. */
export function dateToMillis(value: string): number | null {
  if (value === '') return null;
  const [y, m, d] = value.split('-').map(Number);
  if (!y || !m || !d) return null;
  return new Date(y, m - 1, d).getTime();
}

/** Milliseconds as a `<input type="date">` value (local day); none: empty. */
export function millisToDate(at: number | null): string {
  if (at === null) return '';
  const d = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A `<input type="datetime-local">` value in milliseconds; empty or malformed: null. */
export function localTimeToMillis(value: string): number | null {
  if (value === '') return null;
  const at = new Date(value).getTime();
  return Number.isNaN(at) ? null : at;
}

/** The audience a choice of "everyone" or a segment makes. */
export function audienceOf(segment: boolean, filter: SegmentFilter): Audience {
  return segment ? { kind: 'segment', filter } : { kind: 'all' };
}

/** Whether two filters hold the same subscribers as staff set them: tags and platforms in any order. */
export function sameFilter(a: SegmentFilter, b: SegmentFilter): boolean {
  const set = (values: string[]) => [...new Set(values)].sort().join('\n');
  const x = filled(a);
  const y = filled(b);
  return (
    set(x.tags_any) === set(y.tags_any) &&
    set(x.tags_all) === set(y.tags_all) &&
    set(x.platforms) === set(y.platforms) &&
    x.followed_after === y.followed_after &&
    x.followed_before === y.followed_before &&
    x.active_after === y.active_after &&
    x.active_before === y.active_before &&
    x.wrote_within_reply_window === y.wrote_within_reply_window
  );
}

/**
 * A `reloadOn` for useQuery from a core event that names the accounts it concerns: fires for
 * `accountId` only.
 */
export function forAccount(
  on: (cb: (accountIds: string[]) => void) => () => void,
  accountId: string | null,
): (listener: () => void) => () => void {
  return (listener) =>
    on((accountIds) => {
      if (accountId !== null && accountIds.includes(accountId)) listener();
    });
}
