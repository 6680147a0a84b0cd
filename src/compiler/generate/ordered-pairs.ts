/**
 * Generator pass "ordered pairs": `some a in X … satisfies (some c in Y … satisfies c.at > a.at)`
 * in O(n + m) instead of O(n × m).
 *
 * A pair (a, c) with `g(a) < h(c)` exists exactly when some c has `h(c)` above the least `g(a)`
 * (and `g(a) > h(c)` when some c is below the greatest). So the loop over X keeps only the extreme
 * of `g(a)` among the a's that qualify, and the loop over Y compares each c's value with it and
 * stops at the first that holds, as the nested loops would. `no` is the negation of `some`.
 *
 * The pass applies only where that is the same function of the record, errors included:
 * - the outer predicate is a conjunction with exactly one nested `some c in Y …` over a list Y
 *   that does not read `a`, the other conjuncts read `a` only (they filter the a's);
 * - the inner predicate is a conjunction with exactly one comparison `<`, `<=`, `>`, `>=` between a
 *   value of `c` alone and a value of `a` alone; the other conjuncts do not read `a`;
 * - both compared values are of one ordered, non-optional type (integer, decimal, date, datetime);
 * - nothing in the pattern can fail at run time (no division, also not in a definition it calls):
 *   reordering work that cannot fail cannot change which error a record gets.
 */
import type * as A from "../ast/nodes.js";
import { chainOperands, forEachExpr } from "../ast/walk.js";
import type { CheckedVersion } from "../check/index.js";
import type { Type } from "../check/types.js";

type Quantified = A.Expr & { kind: "Quantified" };

export interface OrderedPair {
  /** The outer quantifier (`some` or `no`) over the a's. */
  readonly outer: Quantified;
  /** The inner `some c in Y …`. */
  readonly inner: Quantified;
  /** Conjuncts of the outer predicate other than the inner quantifier: they filter the a's. */
  readonly outerFilters: readonly A.Expr[];
  /** Conjuncts of the inner predicate other than the comparison: they filter the c's. */
  readonly innerFilters: readonly A.Expr[];
  /** The comparison between an a-value and a c-value. */
  readonly comparison: A.Expr & { kind: "Binary" };
  /** Which operand of the comparison reads `a`. */
  readonly aSide: "left" | "right";
  /** Whether the least a-value is kept (`a` must be the smaller side) or the greatest. */
  readonly extreme: "min" | "max";
  /** The compared values' type (of either side). */
  readonly type: Type;
}

const ORDERED = new Set(["integer", "decimal", "date", "datetime"]);

/** Whether `e` reads the variable `name` (any variable reference of that name: shadowing makes this conservative). */
function reads(version: CheckedVersion, e: A.Expr, name: string): boolean {
  let found = false;
  forEachExpr(e, (x) => {
    if (x.kind === "NameRef" && x.name.text === name) {
      const r = version.refs.get(x);
      if (r?.kind === "variable" && r.name === name) found = true;
    }
  });
  return found;
}

/** Whether evaluating `e` can throw: a division, here or in a definition it uses. */
export function canFail(version: CheckedVersion, e: A.Expr, seen: Set<string> = new Set()): boolean {
  let fails = false;
  forEachExpr(e, (x) => {
    if (fails) return false;
    if (x.kind === "Binary" && x.operator === "/") fails = true;
    const r = x.kind === "NameRef" || x.kind === "Call" ? version.refs.get(x) : undefined;
    const name = x.kind === "Call" ? x.callee.text : r?.kind === "definition" ? r.name : undefined;
    if (name !== undefined && (x.kind === "Call" || r?.kind === "definition") && !seen.has(name)) {
      seen.add(name);
      const d = version.definitions.find((dd) => dd.name.text === name);
      if (d === undefined || canFail(version, d.body, seen)) fails = true;
    }
    return undefined;
  });
  return fails;
}

/** The ordered-pairs shape of `e`, or undefined when the pass does not apply to it. */
export function orderedPair(version: CheckedVersion, e: A.Expr): OrderedPair | undefined {
  if (e.kind !== "Quantified" || (e.quantifier !== "some" && e.quantifier !== "no") || e.predicate === undefined) return undefined;
  const a = e.variable.text;
  const outerParts = chainOperands(e.predicate, "and");
  const nested = outerParts.filter((p) => p.kind === "Quantified" && p.quantifier === "some" && reads(version, p, a));
  if (nested.length !== 1) return undefined;
  const inner = nested[0] as Quantified;
  const outerFilters = outerParts.filter((p) => p !== inner);
  if (inner.predicate === undefined || inner.variable.text === a) return undefined;
  const c = inner.variable.text;
  if (reads(version, inner.collection, a) || (inner.filter !== undefined && reads(version, inner.filter, a))) return undefined;
  const innerParts = chainOperands(inner.predicate, "and");
  const withA = innerParts.filter((p) => reads(version, p, a));
  if (withA.length !== 1) return undefined;
  const comparison = withA[0];
  if (comparison.kind !== "Binary" || !["<", "<=", ">", ">="].includes(comparison.operator)) return undefined;
  const leftA = reads(version, comparison.left, a);
  const rightA = reads(version, comparison.right, a);
  if (leftA === rightA) return undefined;
  const aOperand = leftA ? comparison.left : comparison.right;
  const cOperand = leftA ? comparison.right : comparison.left;
  if (reads(version, aOperand, c) || !reads(version, cOperand, c)) return undefined;
  const lt = version.types.get(comparison.left);
  const rt = version.types.get(comparison.right);
  if (lt === undefined || rt === undefined || !ORDERED.has(lt.kind) || !ORDERED.has(rt.kind)) return undefined;
  const dates = (t: Type): boolean => t.kind === "date" || t.kind === "datetime";
  if (dates(lt) !== dates(rt) || (dates(lt) && lt.kind !== rt.kind)) return undefined;
  for (const part of [e.collection, e.filter, e.predicate, inner.collection, inner.filter, inner.predicate]) {
    if (part !== undefined && canFail(version, part)) return undefined;
  }
  const less = comparison.operator === "<" || comparison.operator === "<=";
  const aSmaller = leftA ? less : !less;
  return {
    outer: e,
    inner,
    outerFilters,
    innerFilters: innerParts.filter((p) => p !== comparison),
    comparison,
    aSide: leftA ? "left" : "right",
    extreme: aSmaller ? "min" : "max",
    type: lt,
  };
}
