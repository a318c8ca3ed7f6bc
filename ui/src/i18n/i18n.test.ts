import { describe, expect, it } from 'vitest';
import en from './en.json';
import zhCN from './zh-CN.json';

/** Every key path of a nested translation object, plural suffixes folded. */
function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix.replace(/_(one|other)$/, '')];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('translations', () => {
  it('Chinese and English have the same keys', () => {
    expect([...new Set(keys(en))].sort()).toEqual([...new Set(keys(zhCN))].sort());
  });

  it('translate every issue key the core may send', () => {
    const issueKeys = [
      'account.name.required',
      'account.name.too_short',
      'account.name.too_long',
      'account.name.control_chars',
      'account.category.too_long',
      'account.description.too_long',
      'account.avatar_color.invalid',
      'account.id.invalid',
    ];
    for (const table of [en, zhCN]) {
      const all = keys(table);
      for (const key of issueKeys) expect(all).toContain(`issue.${key}`);
    }
  });
});
