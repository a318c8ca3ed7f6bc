// Canned replies. A small built-in set for now, translated through i18n
// (keys `canned.<code>.title` / `canned.<code>.text`); the texts may use
// `{{subscriber.name}}` and `{{account.name}}`, which i18next fills in.
// A later version keeps the workspace's own canned replies in the cache.

export const CANNED_CODES = ['greeting', 'thanks', 'hours', 'shipping', 'refund', 'later', 'closing'] as const;
export type CannedCode = (typeof CANNED_CODES)[number];

export type Canned = { code: CannedCode; title: string; text: string };

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
