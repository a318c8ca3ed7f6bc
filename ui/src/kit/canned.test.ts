import { describe, expect, it } from 'vitest';
import i18n from '../i18n';
import {
  CANNED_CODES,
  cannedReplies,
  fillVariables,
  fuzzyScore,
  placeholdersOf,
  searchCanned,
  slashQuery,
  starterDrafts,
} from './canned';
import { durationLeft } from './time';

describe('canned replies', () => {
  it('exist in both languages with the variables filled in', async () => {
    for (const lng of ['zh-CN', 'en']) {
      await i18n.changeLanguage(lng);
      const items = cannedReplies(i18n.t.bind(i18n), { subscriberName: 'Ann', accountName: 'Moon Books' });
      expect(items.map((c) => c.code)).toEqual([...CANNED_CODES]);
      for (const item of items) {
        expect(item.title).not.toContain('canned.');
        expect(item.text).not.toContain('{{');
      }
      expect(items[0]?.text).toContain('Ann');
      expect(items[0]?.text).toContain('Moon Books');
    }
  });

  it('match fuzzily, best first', () => {
    expect(fuzzyScore('rfd', 'refund')).not.toBeNull();
    expect(fuzzyScore('xyz', 'refund')).toBeNull();
    const items = cannedReplies(i18n.t.bind(i18n), { subscriberName: 'Ann', accountName: 'Shop' });
    expect(searchCanned(items, 'ship')[0]?.code).toBe('shipping');
    expect(searchCanned(items, '')).toHaveLength(items.length);
  });

  it('find the /shortcode at the caret, at the start of a line only', () => {
    expect(slashQuery('/gre', 4)).toEqual({ start: 0, query: 'gre' });
    expect(slashQuery('Hi\n/th', 6)).toEqual({ start: 3, query: 'th' });
    expect(slashQuery('and/or', 6)).toBeNull();
    expect(slashQuery('/gre eting', 10)).toBeNull();
  });
});

describe('canned reply variables', () => {
  const vars = { subscriberName: 'Ann', accountName: 'Moon Books' };

  it('fill the subscriber and the account, and ask for the others once each', () => {
    const text = 'Hi {{subscriber.name}}, order {{ order }} from {{account.name}} ships on {{date}}; {{order}} again.';
    expect(placeholdersOf(text)).toEqual(['order', 'date']);
    expect(fillVariables(text, vars)).toBe(
      'Hi Ann, order {{ order }} from Moon Books ships on {{date}}; {{order}} again.',
    );
    expect(fillVariables(text, vars, { order: 'A-1', date: 'Monday' })).toBe(
      'Hi Ann, order A-1 from Moon Books ships on Monday; A-1 again.',
    );
    expect(placeholdersOf('No variables here')).toEqual([]);
  });

  it('make starters in the UI language with the variables kept for later', async () => {
    await i18n.changeLanguage('en');
    const starters = starterDrafts(i18n.t.bind(i18n));
    expect(starters.map((d) => d.shortcut)).toEqual([...CANNED_CODES]);
    expect(starters[0]?.body).toContain('{{subscriber.name}}');
    expect(starters[0]?.body).toContain('{{account.name}}');
    expect(starters.every((d) => d.id === null && d.title.length > 0 && !d.title.includes('canned.'))).toBe(true);
    await i18n.changeLanguage('zh-CN');
    expect(starterDrafts(i18n.t.bind(i18n))[0]?.title).toBe('问候');
  });
});

describe('window countdown', () => {
  it('says hours and minutes', async () => {
    await i18n.changeLanguage('en');
    const t = i18n.t.bind(i18n);
    expect(durationLeft((5 * 60 + 12) * 60_000 + 5_000, t)).toBe('5 h 12 min');
    expect(durationLeft(12 * 60_000, t)).toBe('12 min');
    expect(durationLeft(10_000, t)).toBe('less than a minute');
  });
});
