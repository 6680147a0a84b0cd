/**
 * `expect(actual).toEqual(expected)` for the hot loops of the property tests (thousands of records
 * each): node's isDeepStrictEqual first, and expect() only when it finds a difference, so a failure
 * is reported by expect() with its diff, as before. Strictly deep-equal values are always toEqual
 * (the converse need not hold: toEqual ignores properties that are undefined), so the outcome of
 * every comparison is toEqual's. expect() costs tens of microseconds a call, which was most of the
 * time of a loop that compares 20,000 decisions.
 */
import { isDeepStrictEqual } from "node:util";
import { expect } from "vitest";

export function expectEqual(actual: unknown, expected: unknown, message?: string): void {
  if (!isDeepStrictEqual(actual, expected)) expect(actual, message).toEqual(expected);
}
