/**
 * Evaluating one input record with one version: validate, cut the facts to those known on the
 * as-of date (when there is one), evaluate (plain or traced), and for a decision that waits on
 * retries, find the date it can change (`reviewOn`). Every record gives exactly one outcome: a
 * Decision, or the list of what is wrong with the record.
 */
import { cutFacts, type FactsCut } from "./asof.js";
import { reviewDecision, type Review } from "./review.js";
import type { Trace, TraceLevel } from "./trace.js";
import type { InputError } from "./validate.js";
import { EvaluationError } from "./values.js";
import type { Decision, VersionModule } from "./version.js";

/**
 * One record's outcome: a Decision (with its trace, when traced) or what is wrong with the record.
 * `R` is the version's result type; it defaults to `any` so that an outcome typed with a version's
 * result (the library's evaluate) is accepted wherever an untyped one is.
 */
export type RecordOutcome<R = any> =
  | { readonly ok: true; readonly decision: Decision<R>; readonly trace?: Trace }
  | { readonly ok: false; readonly installationId: string | null; readonly versionId: string; readonly errors: readonly InputError[] };

export interface EvaluateOptions {
  /** Evaluate with the facts known at the end of this day (YYYY-MM-DD, checked by the caller); null: every fact. */
  readonly asOf?: string | null;
  /** Trace the evaluation: `true` or `complete`, every part of each condition; `evaluated`, only what the evaluation evaluated (Trace.explored). */
  readonly trace?: boolean | TraceLevel;
  /** Find the date a waiting decision can change (`reviewOn`); default true. The population diff, which compares decisions only, leaves it out. */
  readonly review?: boolean;
  /**
   * `raw` is already known to be a valid input of this version (the CLI's reading validates as it
   * parses, src/cli/records.ts parseRaw): it is not validated again.
   */
  readonly valid?: boolean;
}

/** The trace level a `trace` option asks for: undefined for none (false, absent, or anything else). */
function traceLevelOf(trace: unknown): TraceLevel | undefined {
  return trace === true || trace === "complete" ? "complete" : trace === "evaluated" ? "evaluated" : undefined;
}

/** The outcome for a record that is not a valid input (or whose facts cannot be cut). */
function invalid<I, R>(version: VersionModule<I, R>, raw: unknown, errors: readonly InputError[]): RecordOutcome<R> {
  return { ok: false, installationId: version.validator.keyOf(raw) ?? null, versionId: version.manifest.id, errors };
}

export function evaluateRecord<I, R>(version: VersionModule<I, R>, raw: unknown, options: EvaluateOptions = {}): RecordOutcome<R> {
  const asOf = options.asOf ?? null;
  // A record known to be valid is taken as it is (no result object made for it: this runs for every record).
  let input: I;
  if (options.valid === true) input = raw as I;
  else {
    const checked = version.validator.validate(raw);
    if (!checked.ok) return invalid(version, raw, checked.errors);
    input = checked.value;
  }
  let cut: FactsCut | undefined;
  const timeline = version.manifest.timeline;
  if (asOf !== null && timeline !== undefined) {
    const c = cutFacts(version.validator.schema, timeline, input, asOf);
    if (!c.ok) return invalid(version, raw, c.errors);
    cut = c;
    input = c.value as I;
  }
  let decision: Decision<R>;
  let trace: Trace | undefined;
  const level = traceLevelOf(options.trace);
  try {
    if (level !== undefined) {
      const r = version.evaluateTraced(input, asOf, level);
      decision = r.decision;
      trace = r.trace;
    } else decision = version.evaluate(input, asOf);
  } catch (e) {
    if (!(e instanceof EvaluationError)) throw e;
    return invalid(version, raw, [{ code: "evaluation-error", path: "$", message: `${e.message} at ${e.at}` }]);
  }
  const review = timeline === undefined || options.review === false ? undefined : reviewOf(version, input, decision, asOf, level !== undefined);
  if (asOf !== null || review !== undefined) {
    decision = { ...decision, ...(asOf === null ? {} : { factsIgnored: cut?.ignored ?? 0 }), ...(review === undefined ? {} : { reviewOn: review.reviewOn }) };
  }
  if (trace === undefined) return { ok: true, decision };
  const asOfTrace = asOf === null ? {} : { asOf: { date: asOf, factsIgnored: cut?.ignored ?? 0, ignored: cut?.paths ?? [] } };
  return { ok: true, decision, trace: { ...trace, ...asOfTrace, ...(review === undefined ? {} : { review }) } };
}

/** The review of a waiting decision; a run-time fault in a hypothetical record gives no date, with the reason. */
function reviewOf<I, R>(version: VersionModule<I, R>, input: I, decision: Decision<R>, asOf: string | null, detail: boolean): Review | undefined {
  try {
    return reviewDecision(version as VersionModule<any, any>, input, decision as Decision, asOf, detail);
  } catch (e) {
    if (!(e instanceof EvaluationError)) throw e;
    return { reviewOn: null, from: null, why: `evaluating the remaining attempts failed: ${e.message} at ${e.at}`, evaluations: 0 };
  }
}
