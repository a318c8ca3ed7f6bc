import type { TFunction } from 'i18next';
import { ApiError } from './api';

/** A failure in the reader's language: its issues if it has some, else its code (the console's texts). */
export function describeError(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    if (error.issues.length > 0) {
      return error.issues
        .map((issue) => {
          const params: Record<string, string> = {};
          for (const [name, value] of issue.params) params[name] = value;
          const text = t(`issue.${issue.key}`, { ...params, defaultValue: issue.key });
          return typeof text === 'string' && text.length > 0 ? text : issue.key;
        })
        .join(' ');
    }
    const specific = t(`subscriber.error.${error.code}`, { defaultValue: '' });
    if (typeof specific === 'string' && specific.length > 0) return specific;
    return t(`error.${error.code}`);
  }
  return t('error.internal');
}
