/**
 * What a version's rules declare about time, as data the compiler puts in the manifest: which
 * input facts are dated (`dated by`, for `--as-of`), and, for each rule that waits on thresholds
 * over dated lists (e.g. 4.26's retry regimes), those thresholds (for `reviewOn`). Shared by the
 * fact cutter (asof.ts) and the review search (review.ts).
 */

/** The field that dates a fact, and whether it holds a date or a date-time. */
export interface DatingField {
  readonly field: string;
  readonly type: "date" | "datetime";
}

/** A field whose value holds since the date in another field; before it, the value was `before`. */
export interface DatedField {
  readonly field: string;
  readonly by: DatingField;
  /** A literal, another field of the same record, or absent. */
  readonly before: { readonly value: unknown } | { readonly field: string } | { readonly absent: true };
}

/**
 * Thresholds a waiting rule compares a dated list with, found in its condition through definitions
 * and parameters: at least `count` entries like `counted`, covering at least `days` (as the rules
 * measure days: the review search evaluates the rules themselves to find when they are reached).
 */
export interface Regime {
  /** From the input record to the list: field names, `*` for every element of a list. */
  readonly list: readonly string[];
  /** The elements the rule looks at, for `*` steps (by index in `list`): alternatives of field values. */
  readonly where?: readonly { readonly step: number; readonly match: readonly Readonly<Record<string, unknown>>[] }[];
  /** The record type of the list's elements, and the field that dates them. */
  readonly record: string;
  readonly dating: DatingField;
  /** The entries the count counts: each alternative gives values of the element's fields. Absent: all. */
  readonly counted?: readonly Readonly<Record<string, unknown>>[];
  readonly count?: number;
  readonly days?: number;
  /** A counted entry still to come, less its date: what "the remaining attempts fail" adds. */
  readonly next: Readonly<Record<string, unknown>>;
  /** The definition the thresholds sit in (e.g. `regimeExhausted`), and where. */
  readonly name: string;
  readonly at: string;
}

export interface Timeline {
  /** Record types whose list elements are facts dated by one of their fields. */
  readonly records: Readonly<Record<string, DatingField>>;
  /** Per record type, its fields dated by another field. */
  readonly fields: Readonly<Record<string, readonly DatedField[]>>;
  /** Per rule that stops applying once thresholds over dated lists are reached: those thresholds. */
  readonly waits: Readonly<Record<string, readonly Regime[]>>;
}
