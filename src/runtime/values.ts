/**
 * Operations the generated evaluators call on values: dates, date-times, check digits, division.
 * Dates travel as `YYYY-MM-DD` strings (ordered as strings); date-times as ISO-8601 strings with an
 * offset, compared as instants. All functions are pure and allocate nothing.
 */

const DAY_MS = 86_400_000;

/** An error in evaluating one record (e.g. division by zero): that record gets an error, the batch goes on. */
export class EvaluationError extends Error {
  constructor(
    message: string,
    /** `file:line:col` of the expression in the rule document. */
    readonly at: string,
  ) {
    super(message);
    this.name = "EvaluationError";
  }
}

/** Two decimal digits at `at` (callers have validated the shape). */
function digits2(v: string, at: number): number {
  return (v.charCodeAt(at) - 48) * 10 + v.charCodeAt(at + 1) - 48;
}

/**
 * Days from 1970-01-01 to the proleptic Gregorian date `year`-`month`-`day` (year 0 to 9999), what
 * Date.UTC(year, month - 1, day) / DAY_MS gives for years from 100 on (Date.UTC reads 0-99 as
 * 1900-1999), in integer arithmetic: Date.UTC is a call into the engine's C++ and cost most of a
 * parse (dayNumber-style rules parse two date-times per list). The year is shifted by 400 (146,097
 * days, which repeat exactly) so that every division is of a positive number and truncates.
 * Counted in years from March, so that the leap day is the last day of its year. Shared with the
 * review's day arithmetic (review.ts), which counts in days.
 */
export function civilDay(year: number, month: number, day: number): number {
  const y = year + (month <= 2 ? 399 : 400);
  const era = Math.trunc(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.trunc((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.trunc(yearOfEra / 4) - Math.trunc(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468 - 146_097;
}

/**
 * Milliseconds since the epoch of a validated date (`YYYY-MM-DD`, midnight UTC) or date-time
 * (`YYYY-MM-DDThh:mm[:ss[.fff]](Z|±hh:mm)`). Read field by field: Date.parse is several times slower,
 * and the evaluators call this for every attempt of every device.
 */
function instant(v: string): number {
  const base = civilDay(digits2(v, 0) * 100 + digits2(v, 2), digits2(v, 5), digits2(v, 8)) * DAY_MS;
  if (v.length === 10) return base;
  let ms = (digits2(v, 11) * 60 + digits2(v, 14)) * 60_000;
  let i = 16;
  if (v.charCodeAt(i) === 58 /* : */) {
    const seconds = digits2(v, 17);
    i = 19;
    if (seconds === 60) {
      // A leap second (23:59:60 UTC) has no millisecond of its own: it is the last one of the minute.
      ms += 59_999;
      while (v.charCodeAt(i) === 46 /* . */ || (v.charCodeAt(i) >= 48 && v.charCodeAt(i) <= 57)) i++;
    } else {
      ms += seconds * 1000;
      if (v.charCodeAt(i) === 46 /* . */) {
        let scale = 100;
        for (i++; v.charCodeAt(i) >= 48 && v.charCodeAt(i) <= 57; i++) {
          ms += (v.charCodeAt(i) - 48) * scale;
          scale /= 10;
        }
        ms = Math.floor(ms);
      }
    }
  }
  const sign = v.charCodeAt(i);
  if (sign === 43 /* + */ || sign === 45 /* - */) {
    const offset = (digits2(v, i + 1) * 60 + digits2(v, i + 4)) * 60_000;
    ms += sign === 43 ? -offset : offset;
  }
  return base + ms;
}

/** Milliseconds since the epoch of a validated date (midnight UTC) or date-time. */
export function epochMs(v: string): number {
  return instant(v);
}

/** Whole days from `from` to `to` (negative when `to` is earlier), truncated toward zero. */
export function daysBetween(from: string, to: string): number {
  return Math.trunc((instant(to) - instantOfFrom(from)) / DAY_MS);
}

/** The last `from` of daysBetween and its instant: rules count days from a fixed date (`1900-01-01`), parsed once. */
let lastFrom = "";
let lastFromMs = 0;

function instantOfFrom(from: string): number {
  if (from !== lastFrom) {
    lastFromMs = instant(from);
    lastFrom = from;
  }
  return lastFromMs;
}

/** Whether date-time `a` is an earlier instant than `b`: `compareInstants(a, b) < 0`, with one text comparison in the common case. */
export function instantBefore(a: string, b: string): boolean {
  return sameUtcLayout(a, b) ? a < b : instant(a) < instant(b);
}

/** Orders two date-times as instants: negative, zero or positive. */
export function compareInstants(a: string, b: string): number {
  if (sameUtcLayout(a, b)) return a < b ? -1 : a > b ? 1 : 0;
  return instant(a) - instant(b);
}

/** Two UTC date-times of the same length (`…Z`, the common case) order as text: no parsing needed. */
function sameUtcLayout(a: string, b: string): boolean {
  return a.length === b.length && a.charCodeAt(a.length - 1) === 90 && b.charCodeAt(b.length - 1) === 90;
}

export function divide(a: number, b: number, at: string): number {
  if (b === 0) throw new EvaluationError("division by zero", at);
  return a / b;
}

/**
 * Weighted check digit: the digits before the check digit are multiplied by `weights`, summed, and
 * reduced by each modulus in turn; the result must equal the digit that follows them.
 * (For an MPAN core: weights 3, 5, 7, 13, …, 43, then mod 11, mod 10.)
 */
export function checkDigitValid(value: string, weights: readonly number[], moduli: readonly number[]): boolean {
  if (value.length <= weights.length) return false;
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    sum += d * weights[i];
  }
  for (const m of moduli) sum %= m;
  const check = value.charCodeAt(weights.length) - 48;
  return check === sum;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Whether the characters from `from` to `to` (excluded) of `s` are ASCII digits. */
function digitsAt(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** `YYYY-MM-DD` at the start of `v`, by character tests (no regular expression). */
function dateShapeAt(v: string): boolean {
  return digitsAt(v, 0, 4) && v.charCodeAt(4) === 45 && digitsAt(v, 5, 7) && v.charCodeAt(7) === 45 && digitsAt(v, 8, 10);
}

/** `YYYY-MM-DD` exactly (what `/^\d{4}-\d{2}-\d{2}$/` matches). */
function dateShape(v: string): boolean {
  return v.length === 10 && dateShapeAt(v);
}

/** `YYYY-MM-DD` naming a real day of the Gregorian calendar. */
export function isCalendarDate(value: string): boolean {
  return dateShape(value) && validDay(value);
}

/** Whether `d` (a character code less 48) is an ASCII digit's value: as an unsigned number, at most 9. */
function isDigitValue(d: number): boolean {
  return d >>> 0 <= 9;
}

/**
 * The common date-time shape, `YYYY-MM-DDTHH:MM:SSZ`, by character tests in one pass: for a text
 * of 20 characters ending in `Z`, exactly what isDateTime accepts (the shape DATETIME matches, on
 * a real day, a 60th second only at 23:59), so the regular expression runs only for other shapes.
 * Each digit is read once, less 48 (a non-digit is then below 0 or above 9), and the month's
 * length looked up only past the 28th: the generated check calls this for every date-time.
 */
function isUtcSeconds(v: string): boolean {
  if (v.charCodeAt(4) !== 45 || v.charCodeAt(7) !== 45 || v.charCodeAt(10) !== 84 /* T */ || v.charCodeAt(13) !== 58 || v.charCodeAt(16) !== 58) return false;
  const y0 = v.charCodeAt(0) - 48;
  const y1 = v.charCodeAt(1) - 48;
  const y2 = v.charCodeAt(2) - 48;
  const y3 = v.charCodeAt(3) - 48;
  const mo0 = v.charCodeAt(5) - 48;
  const mo1 = v.charCodeAt(6) - 48;
  const d0 = v.charCodeAt(8) - 48;
  const d1 = v.charCodeAt(9) - 48;
  const h0 = v.charCodeAt(11) - 48;
  const h1 = v.charCodeAt(12) - 48;
  const mi0 = v.charCodeAt(14) - 48;
  const mi1 = v.charCodeAt(15) - 48;
  const s0 = v.charCodeAt(17) - 48;
  const s1 = v.charCodeAt(18) - 48;
  if (!(isDigitValue(y0) && isDigitValue(y1) && isDigitValue(y2) && isDigitValue(y3) && isDigitValue(mo0) && isDigitValue(mo1) && isDigitValue(d0) && isDigitValue(d1))) return false;
  if (!(isDigitValue(h0) && isDigitValue(h1) && isDigitValue(mi0) && isDigitValue(mi1) && isDigitValue(s0) && isDigitValue(s1))) return false;
  const month = mo0 * 10 + mo1;
  const day = d0 * 10 + d1;
  const hour = h0 * 10 + h1;
  const minute = mi0 * 10 + mi1;
  const second = s0 * 10 + s1;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return false;
  if (day > 28 && day > daysInMonth(y0 * 1000 + y1 * 100 + y2 * 10 + y3, month)) return false;
  return second < 60 || (hour === 23 && minute === 59);
}

function validDay(v: string): boolean {
  const year = digits2(v, 0) * 100 + digits2(v, 2);
  const month = digits2(v, 5);
  const day = digits2(v, 8);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

const DATETIME = /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d(?::(?:[0-5]\d|60)(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/**
 * ISO 8601 date-time with an offset, on a real day. A 60th second (a leap second) is accepted in the
 * last minute of a UTC day only, which is where leap seconds are inserted (RFC 3339, appendix D).
 */
export function isDateTime(value: string): boolean {
  if (value.length === 20 && value.charCodeAt(19) === 90 /* Z */) return isUtcSeconds(value);
  if (!DATETIME.test(value) || !validDay(value)) return false;
  if (value.length < 19 || value.charCodeAt(16) !== 58 || digits2(value, 17) !== 60) return true;
  const z = value.charCodeAt(value.length - 1) === 90;
  const offset = z ? 0 : (digits2(value, value.length - 5) * 60 + digits2(value, value.length - 2)) * (value.charCodeAt(value.length - 6) === 45 ? -1 : 1);
  const utcMinute = (((digits2(value, 11) * 60 + digits2(value, 14) - offset) % 1440) + 1440) % 1440;
  return utcMinute === 1439;
}
