import { describe, expect, it } from 'vitest';
import en from './en.json';
import zhCN from './zh-CN.json';
import issueKeys from '../shared/issue-keys.json';

/** The text at a dotted path of a nested translation object, if it is text. */
function lookup(table: unknown, path: string): string | undefined {
  let node: unknown = table;
  for (const part of path.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : undefined;
}

const languages = { en, 'zh-CN': zhCN } as const;
const keys = Object.entries(issueKeys.keys as Record<string, string[]>);

describe('every issue key the Rust side sends (ui/src/shared/issue-keys.json, written by make bindings)', () => {
  it('is a real list', () => {
    expect(keys.length).toBeGreaterThan(50);
    expect(issueKeys.keys).toHaveProperty(['layout.import.not_json'], ['line', 'column']);
  });

  for (const [language, table] of Object.entries(languages)) {
    it(`has a text in ${language} that uses each of its params`, () => {
      const problems: string[] = [];
      for (const [key, params] of keys) {
        const text = lookup(table, `issue.${key}`);
        if (text === undefined) {
          problems.push(`issue.${key} is missing`);
          continue;
        }
        for (const param of params) {
          // `{{max}}` or with a format, `{{max, number}}`.
          if (!new RegExp(`\\{\\{${param}(,[^}]*)?\\}\\}`).test(text))
            problems.push(`issue.${key} does not show {{${param}}}`);
        }
      }
      for (const unit of issueKeys.units) {
        if (lookup(table, `issue.unit.${unit}`) === undefined) problems.push(`issue.unit.${unit} is missing`);
      }
      expect(problems).toEqual([]);
    });
  }
});
