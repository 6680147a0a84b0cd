/**
 * Parameter values: CheckedProgram → each parameter's value, folded to a constant where it is
 * arithmetic on literals and other parameters (`firmwareAttemptsPerCycle * firmwareCycles` → 108).
 *
 * The one place where the diff (parameters `old → new`, conditions compared with parameters
 * inlined) and the witness search (thresholds to mutate around) read parameter values: when the
 * checker folds constants itself, this function reads its result and nothing else changes.
 */
import type * as A from "../ast/nodes.js";
import { printExpr } from "../ast/print.js";
import type { CheckedProgram } from "../check/index.js";

const cache = new WeakMap<CheckedProgram, ReadonlyMap<string, string>>();

/** Each parameter's value, printed: `108`, `true`, `2022-01-01`, or the expression when it does not fold. */
export function parameterValues(program: CheckedProgram): ReadonlyMap<string, string> {
  const known = cache.get(program);
  if (known !== undefined) return known;
  // A folded value is a number or a boolean; anything else is kept in its printed form.
  const values = new Map<string, number | boolean | string>();
  const fold = (e: A.Expr): number | boolean | string => {
    switch (e.kind) {
      case "NumberLiteral":
        return Number(e.text);
      case "BooleanLiteral":
        return e.value;
      case "NameRef":
        return values.get(e.name.text) ?? e.name.text;
      case "Unary": {
        const v = fold(e.operand);
        if (e.operator === "-" && typeof v === "number") return -v;
        if (e.operator === "not" && typeof v === "boolean") return !v;
        return printExpr(e);
      }
      case "Binary": {
        const l = fold(e.left);
        const r = fold(e.right);
        if (typeof l !== "number" || typeof r !== "number") return printExpr(e);
        switch (e.operator) {
          case "+":
            return l + r;
          case "-":
            return l - r;
          case "*":
            return l * r;
          case "/":
            return r === 0 ? printExpr(e) : l / r;
          default:
            return printExpr(e);
        }
      }
      default:
        // Text, date and clause literals print as themselves (`"AA"`, `2022-01-01`).
        return printExpr(e);
    }
  };
  // Parameters come in dependency order, so each one's operands are already folded.
  for (const p of program.parameters) values.set(p.name.text, fold(p.value));
  const out = new Map([...values].map(([k, v]) => [k, String(v)]));
  cache.set(program, out);
  return out;
}
