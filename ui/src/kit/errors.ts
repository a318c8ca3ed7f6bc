import type { TFunction } from 'i18next';
import { AppError, type Issue, type WicketError } from '../platform';

/** The fields of an account draft that issues can point at. */
export type AccountField = 'name' | 'category' | 'description' | 'avatar_color';
export const ACCOUNT_FIELDS: readonly AccountField[] = ['name', 'category', 'description', 'avatar_color'];

/** The field an issue path names: its last segment ("name", "draft.name", "/name" all give "name"). */
export function fieldOf(path: string): string {
  const parts = path.split(/[./]/).filter((p) => p.length > 0);
  return parts[parts.length - 1] ?? '';
}

export function isAccountField(value: string): value is AccountField {
  return (ACCOUNT_FIELDS as readonly string[]).includes(value);
}

/** Params whose value is itself a name to translate: a length's unit, a module's kind. */
const TRANSLATED_PARAMS: Record<string, string> = { unit: 'issue.unit', kind: 'designer.kind' };

/** An issue in the reader's language; an unknown key is shown as the key itself. */
export function translateIssue(t: TFunction, issue: Issue): string {
  const params: Record<string, string> = {};
  for (const [name, value] of issue.params) {
    const table = TRANSLATED_PARAMS[name];
    params[name] = table ? t(`${table}.${value}`, { defaultValue: value }) : value;
  }
  const text = t(`issue.${issue.key}`, { ...params, defaultValue: issue.key });
  return typeof text === 'string' && text.length > 0 ? text : issue.key;
}

/** A failure in the reader's language: its issues if it has some, else its code, else its message. */
export function describeError(t: TFunction, error: AppError | WicketError): string {
  const issues = error.issues ?? [];
  if (issues.length > 0) return issues.map((issue) => translateIssue(t, issue)).join(' ');
  if (error.code === 'internal') return error.message || t('error.internal');
  return t(`error.${error.code}`);
}

/** Anything thrown by a platform call, as an AppError. */
export function asAppError(value: unknown): AppError {
  return AppError.from(value);
}
