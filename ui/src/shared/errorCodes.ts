// The error codes a WicketError carries, as a value the UI can test against.
// `ErrorCode` is generated from the Rust enum (model.ts): this record must
// name each of its codes exactly once, so `tsc` fails when a code is added,
// renamed or removed on the Rust side until this list follows.
import type { ErrorCode } from './model';

const EVERY_CODE: { readonly [C in ErrorCode]: true } = {
  invalid: true,
  unauthorized: true,
  forbidden: true,
  not_found: true,
  conflict: true,
  too_large: true,
  rate_limited: true,
  offline: true,
  storage: true,
  internal: true,
};

/** Whether a value read off the wire is one of the codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(EVERY_CODE, value);
}
