/**
 * Evaluating one input record with one version: validate, then evaluate (plain or traced). Every
 * record gives exactly one outcome: a Decision, or the list of what is wrong with the record.
 */
import type { Trace } from "./trace.js";
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
  readonly asOf?: string | null;
  readonly trace?: boolean;
}

export function evaluateRecord<I, R>(version: VersionModule<I, R>, raw: unknown, options: EvaluateOptions = {}): RecordOutcome<R> {
  const asOf = options.asOf ?? null;
  const checked = version.validator.validate(raw);
  if (!checked.ok) return { ok: false, installationId: version.validator.keyOf(raw) ?? null, versionId: version.manifest.id, errors: checked.errors };
  try {
    if (options.trace === true) {
      const r = version.evaluateTraced(checked.value, asOf);
      return { ok: true, decision: r.decision, trace: r.trace };
    }
    return { ok: true, decision: version.evaluate(checked.value, asOf) };
  } catch (e) {
    if (!(e instanceof EvaluationError)) throw e;
    return {
      ok: false,
      installationId: version.validator.keyOf(raw) ?? null,
      versionId: version.manifest.id,
      errors: [{ code: "evaluation-error", path: "$", message: `${e.message} at ${e.at}` }],
    };
  }
}
