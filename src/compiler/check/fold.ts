/**
 * Check pass "fold": each parameter's value, computed where it is arithmetic on literals and other
 * parameters (`firmwareAttemptsPerCycle * firmwareCycles` → 108). Done once, here, for every tool
 * that shows or compares values (show, diff, the witness search). A value that is not such
 * arithmetic, or divides by zero, does not fold: it has no entry.
 */
import * as A from "../ast/nodes.js";
import { foldExpr } from "../ast/walk.js";
import type { ConstantValue } from "./checked-version.js";

/** Folds `parameters`, which must be in dependency order. */
export function foldParameters(parameters: readonly A.ParameterDecl[]): Map<string, ConstantValue> {
  const values = new Map<string, ConstantValue>();
  for (const p of parameters) {
    const v = foldValue(p.value, values);
    if (v !== undefined) values.set(p.name.text, v);
  }
  return values;
}

/** The value of a constant expression, given the values of the parameters it may use; undefined when it does not fold. */
export function foldValue(root: A.Expr, values: ReadonlyMap<string, ConstantValue>): ConstantValue | undefined {
  const folded = foldExpr<undefined, ConstantValue | undefined>(root, undefined, {
    up(e, _c, r) {
      const literal = A.literalValue(e);
      if (literal !== undefined) return literal;
      switch (e.kind) {
        case "NameRef":
          return values.get(e.name.text);
        case "ListLiteral":
          return r.some((x) => x === undefined) ? undefined : (r as ConstantValue[]);
        case "Unary":
          if (e.operator === "-") return typeof r[0] === "number" ? -r[0] : undefined;
          return typeof r[0] === "boolean" ? !r[0] : undefined;
        case "Binary": {
          const [l, rt] = r;
          if (typeof l !== "number" || typeof rt !== "number") return undefined;
          switch (e.operator) {
            case "+":
              return l + rt;
            case "-":
              return l - rt;
            case "*":
              return l * rt;
            case "/":
              return rt === 0 ? undefined : l / rt;
            default:
              return undefined;
          }
        }
        default:
          return undefined;
      }
    },
  });
  return folded;
}
