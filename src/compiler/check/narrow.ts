/**
 * Narrowing of optional values: which paths a condition proves present. `x is present and x > 3`
 * may read `x` on the right of `and`; `x is absent or x > 3` on the right of `or`; the `then` branch
 * of `if x is present` and a quantifier's body after a `where` filter likewise. Takes conditions;
 * gives sets of path keys. The inference pass (infer.ts) uses them for the scopes it passes down.
 */
import type * as A from "../ast/nodes.js";

/** A stable key for a path (`installation.supplier.name`, `d.lastSeen`, `definitionName`). */
export function pathKey(e: A.Expr): string | undefined {
  const parts: string[] = [];
  let x = e;
  while (x.kind === "MemberAccess") {
    parts.push(x.member.text);
    x = x.object;
  }
  if (x.kind !== "NameRef") return undefined;
  parts.push(x.name.text);
  return parts.reverse().join(".");
}

/** Paths known present when `e` is `truth` (walked without recursion). */
function facts(e: A.Expr, truth: boolean): Set<string> {
  const out = new Set<string>();
  const stack: { x: A.Expr; positive: boolean }[] = [{ x: e, positive: truth }];
  while (stack.length > 0) {
    const { x, positive } = stack.pop()!;
    if (x.kind === "Presence") {
      const key = pathKey(x.operand);
      if (key !== undefined && x.negated !== positive) out.add(key);
    } else if (x.kind === "Binary" && x.operator === (positive ? "and" : "or")) {
      stack.push({ x: x.right, positive }, { x: x.left, positive });
    } else if (x.kind === "Unary" && x.operator === "not") {
      stack.push({ x: x.operand, positive: !positive });
    }
  }
  return out;
}

/** Paths known present when `e` is true. */
export function positiveFacts(e: A.Expr): Set<string> {
  return facts(e, true);
}

/** Paths known present when `e` is false. */
export function negativeFacts(e: A.Expr): Set<string> {
  return facts(e, false);
}

/** How an expression is named in a message: its path, `f(…)`, or "this value". */
export function exprHead(e: A.Expr): string {
  return pathKey(e) ?? (e.kind === "Call" ? `${e.callee.text}(…)` : "this value");
}
