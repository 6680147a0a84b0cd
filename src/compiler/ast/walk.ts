/** Visiting every expression inside an expression, in source order, without recursion limits of its own. */
import type * as A from "./nodes.js";

function isExpr(v: unknown): v is A.Expr {
  return v !== null && typeof v === "object" && !Array.isArray(v) && "kind" in v && "span" in v;
}

/** Calls `visit` on `e` and on every expression it contains (operands, bodies, arguments…). */
export function forEachExpr(e: A.Expr, visit: (e: A.Expr) => void): void {
  visit(e);
  for (const [k, v] of Object.entries(e)) {
    if (k === "span") continue;
    if (Array.isArray(v)) {
      for (const x of v) if (isExpr(x)) forEachExpr(x, visit);
    } else if (isExpr(v)) forEachExpr(v, visit);
  }
}
