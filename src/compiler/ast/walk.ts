/**
 * The one traversal of expressions. Takes an expression tree; gives its sub-expressions in a fixed
 * order, a pre-order visit, and a fold that carries a context down and combines results up. Every
 * walk over expressions in the compiler (printing, typing, narrowing, emitting, facts, folding) is
 * written with these, and none of them recurses: a condition of 900 `and` terms or a chain of
 * hundreds of `not`s is walked with an explicit stack, so depth never costs the JavaScript stack.
 */
import type * as A from "./nodes.js";

/** An expression of one kind. */
export type ExprOf<K extends A.Expr["kind"]> = Extract<A.Expr, { kind: K }>;

/**
 * The sub-expressions of `e`, in the order their scope needs: a quantifier's, aggregate's or
 * `collect`'s collection first (it does not see the bound variable), then its filter, then its
 * predicate or value (which see the variable and the filter's facts). Elsewhere, source order.
 */
export function childrenOf(e: A.Expr): readonly A.Expr[] {
  switch (e.kind) {
    case "BooleanLiteral":
    case "NumberLiteral":
    case "TextLiteral":
    case "DateLiteral":
    case "DateTimeLiteral":
    case "ClauseLiteral":
    case "NameRef":
      return [];
    case "MemberAccess":
      return [e.object];
    case "Call":
      return e.args;
    case "Unary":
      return [e.operand];
    case "Binary":
      return [e.left, e.right];
    case "Membership":
      return [e.element, ...e.set];
    case "Presence":
      return [e.operand];
    case "Otherwise":
      return [e.value, e.fallback];
    case "If":
      return [e.condition, e.then, e.else];
    case "Quantified":
      return [e.collection, ...(e.filter === undefined ? [] : [e.filter]), ...(e.predicate === undefined ? [] : [e.predicate])];
    case "Aggregated":
    case "Collect":
      return [e.collection, ...(e.filter === undefined ? [] : [e.filter]), e.value];
    case "ListLiteral":
      return e.elements;
    case "DaysBetween":
      return [e.from, e.to];
  }
}

/**
 * Which part of a binding expression (quantifier, aggregate, `collect`) the `index`-th child is:
 * its collection, its filter, or its body (predicate or value). Undefined for other expressions.
 */
export function bindingPart(e: A.Expr, index: number): "collection" | "filter" | "body" | undefined {
  if (e.kind !== "Quantified" && e.kind !== "Aggregated" && e.kind !== "Collect") return undefined;
  if (index === 0) return "collection";
  if (index === 1 && e.filter !== undefined) return "filter";
  return "body";
}

/**
 * Calls `visit` on `root` and every expression inside it, parents before children, children in
 * `childrenOf` order. `visit` returning false skips that node's children.
 */
export function forEachExpr(root: A.Expr, visit: (e: A.Expr) => boolean | void): void {
  const stack: A.Expr[] = [root];
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (visit(e) === false) continue;
    const children = childrenOf(e);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
}

/** How a fold treats each node: a context passed down, a result passed up. */
export interface ExprFold<C, R> {
  /**
   * The context of `parent`'s `index`-th child, from the parent's context and the results of the
   * children before it (so the right side of `and` can know what the left side established).
   * Without it, children get the parent's context.
   */
  down?(parent: A.Expr, index: number, context: C, before: readonly R[]): C;
  /** The result of `e`, from its context and its children's results (in `childrenOf` order). */
  up(e: A.Expr, context: C, results: readonly R[]): R;
  /**
   * Optional short cut: a result for `e` without visiting its children (for nodes a fold handles
   * whole, such as a hoisted loop already emitted). Return undefined to visit as usual.
   */
  instead?(e: A.Expr, context: C): R | undefined;
}

interface Frame<C, R> {
  readonly e: A.Expr;
  readonly context: C;
  readonly children: readonly A.Expr[];
  readonly results: R[];
}

/** Folds `root` bottom-up with a context top-down, with an explicit stack (no recursion). */
export function foldExpr<C, R>(root: A.Expr, context: C, fold: ExprFold<C, R>): R {
  const open = (e: A.Expr, c: C): Frame<C, R> => ({ e, context: c, children: childrenOf(e), results: [] });
  const stack: Frame<C, R>[] = [];
  let pending: R | undefined;
  let hasPending = false;
  const shortcut = fold.instead?.(root, context);
  if (shortcut !== undefined) return shortcut;
  stack.push(open(root, context));
  for (;;) {
    const top = stack[stack.length - 1];
    if (hasPending) {
      top.results.push(pending as R);
      hasPending = false;
    }
    const i = top.results.length;
    if (i < top.children.length) {
      const child = top.children[i];
      const c = fold.down === undefined ? top.context : fold.down(top.e, i, top.context, top.results);
      const direct = fold.instead?.(child, c);
      if (direct !== undefined) {
        top.results.push(direct);
        continue;
      }
      stack.push(open(child, c));
      continue;
    }
    const value = fold.up(top.e, top.context, top.results);
    stack.pop();
    if (stack.length === 0) return value;
    pending = value;
    hasPending = true;
  }
}

/** Checks on expressions, by node kind, as Langium registers validation checks per AST type. */
export type ExprChecks = { readonly [K in A.Expr["kind"]]?: (e: ExprOf<K>) => void };

/** Runs `checks` on `root` and every expression inside it. */
export function runExprChecks(root: A.Expr, checks: ExprChecks): void {
  forEachExpr(root, (e) => {
    const check = checks[e.kind] as ((x: A.Expr) => void) | undefined;
    check?.(e);
  });
}

/** The operands of a chain of one associative operator: `a and b and c` → [a, b, c] (no recursion). */
export function chainOperands(e: A.Expr, operator: "and" | "or"): A.Expr[] {
  const out: A.Expr[] = [];
  const stack: A.Expr[] = [e];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (x.kind === "Binary" && x.operator === operator) {
      stack.push(x.right, x.left);
    } else out.push(x);
  }
  return out;
}

/** Every expression of a declaration: conditions, results, bodies, values, defaults. */
export function expressionsOf(d: A.Declaration): A.Expr[] {
  switch (d.kind) {
    case "ParameterDecl":
      return [d.value];
    case "DefinitionDecl":
      return [d.body];
    case "RuleDecl":
      return [d.condition, ...d.result.map((a) => a.value)];
    case "DefaultDecl":
      return d.result.map((a) => a.value);
    case "RecordDecl":
    case "DecisionDecl":
    case "RecordExtension":
      return d.fields.flatMap((f) => (f.defaultValue === undefined ? [] : [f.defaultValue]));
    default:
      return [];
  }
}
