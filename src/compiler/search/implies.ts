/**
 * A sound, incomplete implication test between canonical conditions: (a, b) → true only when every
 * installation that satisfies `a` satisfies `b`. It knows the shapes amendments take: a disjunct
 * added or a conjunct dropped, a member added to `x in {…}`, a threshold moved (`n <= count …`),
 * the same under `some`/`every`/`no` and `not`. When it cannot tell, it says false, and the witness
 * search is asked instead. Used to state, without searching, that a changed condition only widened
 * (old implies new) or only narrowed (new implies old), or is equivalent (both).
 */
import type * as A from "../ast/nodes.js";
import { printExpr } from "../ast/print.js";

/** Prints kept per node: `implies` compares the same subtrees many times over. */
const prints = new WeakMap<A.Expr, string>();
function print(e: A.Expr): string {
  let p = prints.get(e);
  if (p === undefined) prints.set(e, (p = printExpr(e)));
  return p;
}

const same = (a: A.Expr, b: A.Expr): boolean => a === b || print(a) === print(b);

function parts(e: A.Expr, op: "and" | "or"): A.Expr[] {
  return e.kind === "Binary" && e.operator === op ? [...parts(e.left, op), ...parts(e.right, op)] : [e];
}

function numberOf(e: A.Expr): number | undefined {
  if (e.kind === "NumberLiteral") return Number(e.text);
  if (e.kind === "Unary" && e.operator === "-" && e.operand.kind === "NumberLiteral") return -Number(e.operand.text);
  return undefined;
}

/** `x < c` / `x <= c` / `c < x` / `c <= x` with a numeric constant c: a bound on x. */
function bound(e: A.Expr): { x: string; lower: boolean; strict: boolean; c: number } | undefined {
  if (e.kind !== "Binary" || (e.operator !== "<" && e.operator !== "<=")) return undefined;
  const strict = e.operator === "<";
  const r = numberOf(e.right);
  if (r !== undefined && numberOf(e.left) === undefined) return { x: print(e.left), lower: false, strict, c: r };
  const l = numberOf(e.left);
  if (l !== undefined && numberOf(e.right) === undefined) return { x: print(e.right), lower: true, strict, c: l };
  return undefined;
}

function boundImplies(a: A.Expr, b: A.Expr): boolean {
  const p = bound(a);
  const q = bound(b);
  if (p === undefined || q === undefined || p.x !== q.x || p.lower !== q.lower) return false;
  // Lower bounds: c1 < x (or <=) implies c2 < x (or <=) when c1 is at least c2 (strictly, if only b is strict).
  if (p.lower) return p.c > q.c || (p.c === q.c && (p.strict || !q.strict));
  return p.c < q.c || (p.c === q.c && (p.strict || !q.strict));
}

/** True only when `a` implies `b` for every input (both canonical, binders named by depth). */
export function implies(a: A.Expr, b: A.Expr, depth = 0): boolean {
  if (depth > 40) return false;
  if (same(a, b)) return true;
  if (a.kind === "BooleanLiteral" && !a.value) return true;
  if (b.kind === "BooleanLiteral" && b.value) return true;
  const next = (x: A.Expr, y: A.Expr): boolean => implies(x, y, depth + 1);
  // Split the disjunctions of a and the conjunctions of b first: each part must hold on its own.
  if (a.kind === "Binary" && a.operator === "or") return parts(a, "or").every((x) => next(x, b));
  if (b.kind === "Binary" && b.operator === "and") return parts(b, "and").every((y) => next(a, y));
  if (a.kind === "Binary" && a.operator === "and" && parts(a, "and").some((x) => next(x, b))) return true;
  if (b.kind === "Binary" && b.operator === "or" && parts(b, "or").some((y) => next(a, y))) return true;
  if (a.kind === "Unary" && a.operator === "not" && b.kind === "Unary" && b.operator === "not") return next(b.operand, a.operand);
  if (a.kind === "Membership" && b.kind === "Membership" && same(a.element, b.element) && a.negated === b.negated) {
    const sa = new Set(a.set.map((m) => print(m)));
    const sb = new Set(b.set.map((m) => print(m)));
    // x in A implies x in B when A ⊆ B; x not in A implies x not in B when B ⊆ A.
    return a.negated ? [...sb].every((m) => sa.has(m)) : [...sa].every((m) => sb.has(m));
  }
  if (boundImplies(a, b)) return true;
  if (a.kind === "Quantified" && b.kind === "Quantified" && a.quantifier === b.quantifier && same(a.collection, b.collection) && a.variable.text === b.variable.text) {
    const filterA = a.filter;
    const filterB = b.filter;
    const predA = a.predicate;
    const predB = b.predicate;
    const TRUE: A.Expr = { kind: "BooleanLiteral", value: true, span: a.span };
    const and = (x: A.Expr | undefined, y: A.Expr | undefined): A.Expr => (x === undefined ? (y ?? TRUE) : y === undefined ? x : { kind: "Binary", operator: "and", left: x, right: y, span: a.span });
    switch (a.quantifier) {
      case "some": // some x where F satisfies P: the witnesses of a are witnesses of b.
        return next(and(filterA, predA), and(filterB, predB));
      case "every": // every x where F satisfies P: b asks of fewer elements (Fb ⇒ Fa) something weaker (Pa ⇒ Pb).
        return (filterB === undefined ? filterA === undefined : filterA === undefined || next(filterB, filterA)) && (predB === undefined || (predA !== undefined && next(predA, predB)));
      case "no": // no x where F satisfies P: b's forbidden elements are among a's.
        return next(and(filterB, predB), and(filterA, predA));
      default:
        return false;
    }
  }
  return false;
}

