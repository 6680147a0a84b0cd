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

function instant(value: string): number {
  return value.length === 10 ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
}

/** Whole days from `from` to `to` (negative when `to` is earlier), truncated toward zero. */
export function daysBetween(from: string, to: string): number {
  return Math.trunc((instant(to) - instant(from)) / DAY_MS);
}

/** Orders two date-times as instants: negative, zero or positive. */
export function compareInstants(a: string, b: string): number {
  return instant(a) - instant(b);
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

export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const y = Number(value.slice(0, 4));
  const m = Number(value.slice(5, 7));
  const d = Number(value.slice(8, 10));
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const DATETIME = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

export function isDateTime(value: string): boolean {
  const m = DATETIME.exec(value);
  return m !== null && isCalendarDate(m[1]) && !Number.isNaN(Date.parse(value));
}
