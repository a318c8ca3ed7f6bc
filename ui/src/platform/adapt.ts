// The one adapter between the generated bindings and the screens: a command
// answers `{ status, data | error }`; screens get the data, or an AppError.
import { isErrorCode } from '../shared/errorCodes';
import type { ErrorCode, Issue, WicketError } from './bindings';

/** What a generated command resolves to when its error is a WicketError. */
export type Result<T, E> = { status: 'ok'; data: T } | { status: 'error'; error: E };

/** A failed call: the core's WicketError, or code "internal" for a framework failure. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly issues: Issue[];

  constructor(code: ErrorCode, message: string, issues: Issue[] = []) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.issues = issues;
  }

  static from(value: unknown): AppError {
    if (value instanceof AppError) return value;
    if (isWicketError(value)) return new AppError(value.code, value.message, value.issues ?? []);
    if (value instanceof Error) return new AppError('internal', value.message);
    if (typeof value === 'string') return new AppError('internal', value);
    return new AppError('internal', String(value));
  }
}

function isWicketError(value: unknown): value is WicketError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { code?: unknown; message?: unknown };
  return isErrorCode(v.code) && typeof v.message === 'string';
}

/** Runs a command: its data, or an AppError thrown (also for a failure of Tauri itself). */
export async function call<T>(run: () => Promise<Result<T, WicketError>>): Promise<T> {
  let result: Result<T, WicketError>;
  try {
    result = await run();
  } catch (e) {
    throw AppError.from(e);
  }
  if (result.status === 'ok') return result.data;
  throw AppError.from(result.error);
}

/** A generated command, with the same parameters, resolving to its data or throwing an AppError. */
export function adapt<A extends unknown[], T>(
  command: (...args: A) => Promise<Result<T, WicketError>>,
): (...args: A) => Promise<T> {
  return (...args) => call(() => command(...args));
}
