import { describe, expect, it } from 'vitest';
import { isErrorCode } from './errorCodes';

describe('error codes', () => {
  it('knows a code read off the wire, and nothing else', () => {
    expect(isErrorCode('rate_limited')).toBe(true);
    expect(isErrorCode('teapot')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode(404)).toBe(false);
    expect(isErrorCode(null)).toBe(false);
  });
});
