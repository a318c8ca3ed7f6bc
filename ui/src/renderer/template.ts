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

/**
 * Replaces every known `{{field}}` with the sample's value (passed through
 * `encode`, e.g. for a URL). Same scan as the Rust `pieces`.
 */
export function fill(text: string, sample: SampleSubscriber, encode: (value: string) => string = (v) => v): string {
  let out = '';
  let literalStart = 0;
  let cursor = 0;
  for (;;) {
    const open = text.indexOf('{{', cursor);
    if (open < 0) break;
    const bodyStart = open + 2;
    const close = text.indexOf('}}', bodyStart);
    if (close >= 0) {
      const name = text.slice(bodyStart, close).trim();
      if (isFieldName(name)) {
        const end = close + 2;
        out += text.slice(literalStart, open);
        const value = fieldValue(sample, name);
        out += value === undefined ? text.slice(open, end) : encode(value);
        literalStart = end;
        cursor = end;
        continue;
      }
    }
    cursor = open + 1;
  }
  return out + text.slice(literalStart);
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
      return { type: 'pay', amount_template: fill(action.amount_template, sample), description: fill(action.description, sample) };
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
