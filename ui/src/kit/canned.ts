// Canned replies: the workspace's own, kept in the cache on this computer
// (see listCannedReplies), found by fuzzy search after `/`. A small built-in
// set in both languages (keys `canned.<code>.title` / `canned.<code>.text`)
// is offered as starters when there are none yet.
//
// Texts may use `{{subscriber.name}}` and `{{account.name}}`, filled in on
// insert; any other `{{placeholder}}` is asked of the agent first.

import type { CannedReply, CannedReplyDraft } from '../platform';

export const CANNED_CODES = ['greeting', 'thanks', 'hours', 'shipping', 'refund', 'later', 'closing'] as const;
export type CannedCode = (typeof CANNED_CODES)[number];

/** A canned reply as the picker shows it: `code` is its shortcut. */
export type Canned = { code: string; title: string; text: string };

type T = (key: string, options?: Record<string, unknown>) => string;

/** The built-in canned replies in the reader's language, with variables filled in. */
export function cannedReplies(t: T, vars: { subscriberName: string; accountName: string }): Canned[] {
  const values = { subscriber: { name: vars.subscriberName }, account: { name: vars.accountName } };
  return CANNED_CODES.map((code) => ({
    code,
    title: t(`canned.${code}.title`),
    text: t(`canned.${code}.text`, values),
  }));
}

/** The built-in set as new canned replies in the reader's language, variables kept as `{{…}}`. */
export function starterDrafts(t: T): CannedReplyDraft[] {
  return cannedReplies(t, { subscriberName: '{{subscriber.name}}', accountName: '{{account.name}}' }).map((item) => ({
    id: null,
    shortcut: item.code,
    title: item.title,
    body: item.text,
  }));
}

/** Stored canned replies as the picker searches them. */
export function asCanned(replies: CannedReply[]): Canned[] {
  return replies.map((reply) => ({ code: reply.shortcut, title: reply.title, text: reply.body }));
}

const VARIABLE = /\{\{\s*([^{}]+?)\s*\}\}/g;

/** The placeholders of `text` the agent must fill in: every `{{name}}` but the two filled automatically, once each. */
export function placeholdersOf(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(VARIABLE)) {
    const name = match[1] ?? '';
    if (name !== 'subscriber.name' && name !== 'account.name' && !names.includes(name)) names.push(name);
  }
  return names;
}

/** `text` with its variables replaced: the two automatic ones and those in `values`; others stay as they are. */
export function fillVariables(
  text: string,
  vars: { subscriberName: string; accountName: string },
  values: Record<string, string> = {},
): string {
  return text.replace(VARIABLE, (whole, raw: string) => {
    const name = raw.trim();
    if (name === 'subscriber.name') return vars.subscriberName;
    if (name === 'account.name') return vars.accountName;
    return Object.prototype.hasOwnProperty.call(values, name) ? (values[name] ?? whole) : whole;
  });
}

/**
 * How well `query` matches `target` as a subsequence (case-insensitive):
 * null for no match, higher for better (consecutive runs and an early start
 * count most). An empty query matches everything with 0.
 */
export function fuzzyScore(query: string, target: string): number | null {
  const q = Array.from(query.toLowerCase());
  const s = Array.from(target.toLowerCase());
  if (q.length === 0) return 0;
  let score = 0;
  let qi = 0;
  let run = 0;
  let first = -1;
  for (let i = 0; i < s.length && qi < q.length; i++) {
    if (s[i] === q[qi]) {
      if (first < 0) first = i;
      run += 1;
      score += 1 + run * 2;
      qi += 1;
    } else {
      run = 0;
    }
  }
  if (qi < q.length) return null;
  return score - first * 0.5;
}

/** The canned replies that match `query`, best first. */
export function searchCanned(items: Canned[], query: string): Canned[] {
  const scored: { item: Canned; score: number }[] = [];
  for (const item of items) {
    const best = [item.code, item.title, item.text]
      .map((field, i) => {
        const s = fuzzyScore(query, field);
        // The shortcode and the title count more than a match deep in the text.
        return s === null ? null : s + (i === 0 ? 10 : i === 1 ? 5 : 0);
      })
      .filter((s): s is number => s !== null);
    if (best.length > 0) scored.push({ item, score: Math.max(...best) });
  }
  return scored.sort((a, b) => b.score - a.score).map((s) => s.item);
}

/**
 * The `/shortcode` being typed at the caret, if any: a slash at the start of
 * the text or of a line, followed by no whitespace up to the caret.
 */
export function slashQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const lineStart = before.lastIndexOf('\n') + 1;
  const line = before.slice(lineStart);
  if (!line.startsWith('/')) return null;
  const query = line.slice(1);
  if (/\s/.test(query)) return null;
  return { start: lineStart, query };
}
