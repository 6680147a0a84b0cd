/**
 * Parameter values: CheckedVersion → each parameter's value, folded to a constant where it is
 * arithmetic on literals and other parameters (`firmwareAttemptsPerCycle * firmwareCycles` → 108).
 *
 * The one place where the diff (parameters `old → new`, conditions compared with parameters
 * inlined) and the witness search (thresholds to mutate around) read parameter values: when the
 * checker folds constants itself, this function reads its result and nothing else changes.
 */
import { printExpr } from "../ast/print.js";
import type { CheckedVersion, ConstantValue, Type } from "../check/index.js";

/**
 * Each parameter's value, printed: `108`, `true`, `"AA"`, `2022-01-01`, `clause 4.1`, or the
 * expression when it does not fold. The values are the checker's (CheckedVersion.constants).
 */
export function parameterValues(program: CheckedVersion): ReadonlyMap<string, string> {
  const print = (v: ConstantValue, type: Type | undefined): string => {
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    if (v === null) return "null";
    if (Array.isArray(v)) return `[${v.map((x) => print(x, type?.kind === "list" ? type.element : undefined)).join(", ")}]`;
    const t = type?.kind === "optional" ? type.inner : type;
    if (t?.kind === "clause") return `clause ${String(v)}`;
    if (t?.kind === "date" || t?.kind === "datetime") return String(v);
    return JSON.stringify(v);
  };
  return new Map(
    program.parameters.map((p) => {
      const v = program.constants.get(p.name.text);
      return [p.name.text, v === undefined ? printExpr(p.value) : print(v, program.parameterTypes.get(p.name.text))];
    }),
  );
}
