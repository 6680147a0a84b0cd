/**
 * isCalendarDate and isDateTime test the common shapes character by character and use their
 * regular expressions only for the others: they must accept exactly what the regular expressions
 * (and the calendar) accept. Compared on near-valid texts: valid ones with one character changed,
 * removed or added.
 */
import { describe, expect, it } from "vitest";
import { isCalendarDate, isDateTime } from "../../src/runtime/values.js";
import { expectEqual } from "../helpers/equal.js";

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d(?::(?:[0-5]\d|60)(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** The calendar, as Date.UTC sees it. */
function realDay(v: string): boolean {
  const [y, m, d] = [Number(v.slice(0, 4)), Number(v.slice(5, 7)), Number(v.slice(8, 10))];
  const t = new Date(Date.UTC(2000, m - 1, d));
  t.setUTCFullYear(y);
  return m >= 1 && m <= 12 && t.getUTCDate() === d && t.getUTCMonth() === m - 1;
}

function random(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return Math.floor((x / 2 ** 31) * n); // the high bits: an LCG's low bits repeat with a short period
  };
}

const CHARS = "0123456789-T:Z+.x 6";

describe("date shapes without regular expressions", () => {
  it("accept exactly what the regular expressions and the calendar accept", () => {
    const next = random(42);
    const seeds = ["2022-05-11", "2024-02-29", "2022-05-11T09:30:00Z", "2022-12-31T23:59:60Z", "2022-06-30T23:59:60Z", "2022-05-11T23:59:59Z", "2022-05-11T09:30Z", "2022-05-11T09:30:00.5+01:00"];
    let accepted = 0;
    for (let i = 0; i < 40_000; i++) {
      const s = seeds[next(seeds.length)];
      const at = next(s.length);
      const c = CHARS[next(CHARS.length)];
      const v = [s.slice(0, at) + c + s.slice(at + 1), s.slice(0, at) + s.slice(at + 1), s.slice(0, at) + c + s.slice(at), s][next(4)];
      expectEqual([v, isCalendarDate(v)], [v, DATE.test(v) && realDay(v)]);
      const dt = isDateTime(v);
      // A leap second only in the last minute of a UTC day: checked by isDateTime's own code after the shape.
      if (!/:60/.test(v)) expectEqual([v, dt], [v, DATETIME.test(v) && realDay(v)]);
      else if (!DATETIME.test(v)) expectEqual([v, dt], [v, false]);
      if (dt) accepted++;
    }
    expect(accepted).toBeGreaterThan(5_000);
    expect(isDateTime("2022-12-31T23:59:60Z")).toBe(true);
    expect(isDateTime("2022-12-31T22:59:60Z")).toBe(false);
    expect(isDateTime("2022-02-29T10:00:00Z")).toBe(false);
    expect(isDateTime("2022-05-11T24:00:00Z")).toBe(false);
  });
});
