// `{{field}}` templates, filled from a sample subscriber. This mirrors
// crates/model/src/layout/fields.rs: known fields are replaced, unknown fields
// and stray braces stay as written so a mistake is visible in the mock.
import type { Action, SampleSubscriber } from '../shared/model';

/** The values the phone mock shows by default (the Rust `SampleSubscriber::default()`). */
export const DEFAULT_SAMPLE: SampleSubscriber = {
  name: '张三',
  id: '2088102146225135',
  level: '金卡会员',
  card_last4: '8848',
  card_masked_number: '6225 **** **** 8848',
  statement_month: '2024年5月',
  statement_amount: '3280.50',
  statement_min_payment: '328.05',
  statement_due_date: '6月25日',
  points_balance: '12560',
  coupons_count: '3',
  flight_number: 'MU5101',
  flight_date: '6月18日',
  order_latest_status: '已发货',
};

const FIELDS: Readonly<Record<string, keyof SampleSubscriber>> = {
  'subscriber.name': 'name',
  'subscriber.id': 'id',
  'subscriber.level': 'level',
  'card.last4': 'card_last4',
  'card.masked_number': 'card_masked_number',
  'statement.month': 'statement_month',
  'statement.amount': 'statement_amount',
  'statement.min_payment': 'statement_min_payment',
  'statement.due_date': 'statement_due_date',
  'points.balance': 'points_balance',
  'coupons.count': 'coupons_count',
  'flight.number': 'flight_number',
  'flight.date': 'flight_date',
  'order.latest_status': 'order_latest_status',
};

/** The sample's value of a field; undefined for a field not in the list. */
export function fieldValue(sample: SampleSubscriber, name: string): string | undefined {
  const key = Object.prototype.hasOwnProperty.call(FIELDS, name) ? FIELDS[name] : undefined;
  return key === undefined ? undefined : sample[key];
}

/** `word(.word)*` in lower-case ASCII, digits and `_`, at most 64 characters. */
function isFieldName(name: string): boolean {
  return name.length > 0 && name.length <= 64 && name.split('.').every((part) => /^[a-z][a-z0-9_]*$/.test(part));
}

/** A literal run of a text, or a `{{ name }}` placeholder (`name` trimmed, `raw` as written). */
export type TemplatePiece = { text: string } | { name: string; raw: string };

/** Counts the characters a scan looks at, for the test that keeps it linear. */
export interface ScanCounter {
  steps: number;
}

const WHITESPACE = /\s/;

function isNameChar(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c === '_' || c === '.';
}

/**
 * The placeholder whose body starts at `start` (just after `{{`): its trimmed
 * name and the index after its `}}`, if the body up to the first `}}` is a
 * field name with spaces around. Gives up at the first character that rules
 * that out (a `{`, a lone `}`, a space inside the name, anything else), so it
 * never reads past where the caller's scan would find the next `{{`.
 */
function placeholder(text: string, start: number, counter: ScanCounter): { name: string; end: number } | null {
  let nameStart = -1;
  let nameEnd = -1;
  for (let at = start; at < text.length; at++) {
    counter.steps++;
    const c = text.charAt(at);
    if (c === '}') {
      if (text[at + 1] !== '}') return null;
      const name = nameStart < 0 ? '' : text.slice(nameStart, nameEnd < 0 ? at : nameEnd);
      return isFieldName(name) ? { name, end: at + 2 } : null;
    }
    if (WHITESPACE.test(c)) {
      if (nameStart >= 0 && nameEnd < 0) nameEnd = at;
    } else if (isNameChar(c)) {
      if (nameEnd >= 0) return null; // A space inside the name.
      if (nameStart < 0) nameStart = at;
    } else {
      return null;
    }
  }
  return null;
}

/**
 * Splits a text into literal runs and placeholders; a `{{` whose content is
 * no field name stays literal. One pass (as the Rust `pieces`): no character
 * is looked at by more than two attempts, so `{{{{…` or `{{ ` over and over
 * take linear work; `counter` counts the looks.
 */
export function templatePieces(text: string, counter: ScanCounter = { steps: 0 }): TemplatePiece[] {
  const pieces: TemplatePiece[] = [];
  let literalStart = 0;
  let cursor = 0;
  while (cursor + 1 < text.length) {
    counter.steps++;
    if (text[cursor] !== '{' || text[cursor + 1] !== '{') {
      cursor++;
      continue;
    }
    const open = cursor;
    const found = placeholder(text, open + 2, counter);
    if (found === null) {
      cursor = open + 1;
      continue;
    }
    if (literalStart < open) pieces.push({ text: text.slice(literalStart, open) });
    pieces.push({ name: found.name, raw: text.slice(open, found.end) });
    literalStart = found.end;
    cursor = found.end;
  }
  if (literalStart < text.length) pieces.push({ text: text.slice(literalStart) });
  return pieces;
}

/**
 * Replaces every known `{{field}}` with the sample's value (passed through
 * `encode`, e.g. for a URL). Same scan as the Rust `pieces`.
 */
export function fill(text: string, sample: SampleSubscriber, encode: (value: string) => string = (v) => v): string {
  let out = '';
  for (const piece of templatePieces(text)) {
    if ('text' in piece) {
      out += piece.text;
    } else {
      const value = fieldValue(sample, piece.name);
      out += value === undefined ? piece.raw : encode(value);
    }
  }
  return out;
}

/** A URL with its fields filled, each value URL-encoded. */
export function fillUrl(url: string, sample: SampleSubscriber): string {
  return fill(url, sample, encodeURIComponent);
}

/** The URL if it is a well-formed https URL, else null. Only these are ever used as src or href. */
export function httpsUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && parsed.hostname.length > 0 ? parsed.href : null;
  } catch {
    return null;
  }
}

/** The host of an https URL, for showing where an area or link goes; null if the URL is not https. */
export function httpsHost(url: string): string | null {
  const safe = httpsUrl(url);
  return safe === null ? null : new URL(safe).host;
}

/** The action as the phone performs it: every text template filled from the sample. */
export function fillAction(action: Action, sample: SampleSubscriber): Action {
  switch (action.type) {
    case 'open_url':
      return { type: 'open_url', url: fillUrl(action.url, sample) };
    case 'send_keyword':
      return { type: 'send_keyword', keyword: fill(action.keyword, sample) };
    case 'call':
      return { type: 'call', phone: fill(action.phone, sample) };
    case 'map':
      return { ...action, name: fill(action.name, sample) };
    case 'pay':
      return {
        type: 'pay',
        amount_template: fill(action.amount_template, sample),
        description: fill(action.description, sample),
      };
    case 'open_conversation':
      return action;
    case 'open_page':
      return action;
    // WeChat's own buttons: the platform takes them as they are.
    case 'wechat_event':
    case 'mini_program':
    case 'send_media':
    case 'open_media':
    case 'send_article':
    case 'open_article':
      return action;
  }
}
