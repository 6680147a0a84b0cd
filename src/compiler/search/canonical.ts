/**
 * A rule's condition in canonical form, for comparing two versions: (CheckedProgram, Expr) → Expr
 * with every definition inlined (arguments substituted), every parameter replaced by its folded
 * value, bound variables renamed by nesting depth (`x1`, `x2`, …), and then normalized:
 * `and`/`or` chains flattened, their operands de-duplicated and sorted, double negation removed,
 * `a > b` turned into `b < a` (and `>=` into `<=`), `=`/`!=` operands sorted, set members sorted,
 * `not (x in S)` into `x not in S`, `not (x is present)` into `x is absent`.
 *
 * Two conditions with the same canonical print are equal on every installation; conditions that
 * differ are compared further by implies.ts and by the witness search.
 */
import type * as A from "../ast/nodes.js";
import { printExpr } from "../ast/print.js";
import type { CheckedProgram } from "../check/index.js";
import { parameterValues } from "./parameters.js";

/** A literal node for a folded parameter value, or undefined when it did not fold to one. */
function literal(value: string, span: A.Expr["span"]): A.Expr | undefined {
  if (/^-?\d+(\.\d+)?$/.test(value)) return { kind: "NumberLiteral", text: value, isDecimal: value.includes("."), span };
  if (value === "true" || value === "false") return { kind: "BooleanLiteral", value: value === "true", span };
  if (value.startsWith('"')) return { kind: "TextLiteral", value: JSON.parse(value) as string, span };
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return { kind: "DateLiteral", text: value, span };
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) return { kind: "DateTimeLiteral", text: value, span };
  if (value.startsWith("clause ")) return { kind: "ClauseLiteral", number: value.slice(7), span };
  return undefined;
}

/** Inlines definitions and parameters into `e`. Bound variables get fresh names (`$1`, `$2`, …). */
export function inline(program: CheckedProgram, e: A.Expr): A.Expr {
  const defs = new Map(program.definitions.map((d) => [d.name.text, d]));
  const params = parameterValues(program);
  let fresh = 0;
  const go = (x: A.Expr, env: ReadonlyMap<string, A.Expr>, depth: number): A.Expr => {
    const sub = (y: A.Expr): A.Expr => go(y, env, depth);
    const bind = (variable: A.Name): { name: A.Name; env: Map<string, A.Expr> } => {
      const name = { text: `$${++fresh}`, span: variable.span };
      const inner = new Map(env);
      inner.set(variable.text, { kind: "NameRef", name, span: variable.span });
      return { name, env: inner };
    };
    const callDefinition = (name: string, args: readonly A.Expr[], span: A.Expr["span"]): A.Expr | undefined => {
      const d = defs.get(name);
      if (d === undefined || depth > 64) return undefined;
      const inner = new Map<string, A.Expr>();
      d.params.forEach((p, i) => inner.set(p.name.text, args[i] ?? { kind: "NameRef", name: p.name, span }));
      return go(d.body, inner, depth + 1);
    };
    switch (x.kind) {
      case "NameRef": {
        const ref = program.refs.get(x);
        if (env.has(x.name.text) && (ref === undefined || ref.kind === "variable")) return env.get(x.name.text)!;
        if (ref?.kind === "definition") return callDefinition(x.name.text, [], x.span) ?? x;
        if (ref?.kind === "parameter") {
          const v = params.get(x.name.text);
          return (v === undefined ? undefined : literal(v, x.span)) ?? x;
        }
        return x;
      }
      case "Call":
        return callDefinition(
          x.callee.text,
          x.args.map(sub),
          x.span,
        ) ?? { ...x, args: x.args.map(sub) };
      case "MemberAccess":
        return { ...x, object: sub(x.object) };
      case "Unary":
        return { ...x, operand: sub(x.operand) };
      case "Binary":
        return { ...x, left: sub(x.left), right: sub(x.right) };
      case "Membership":
        return { ...x, element: sub(x.element), set: x.set.map(sub) };
      case "Presence":
        return { ...x, operand: sub(x.operand) };
      case "Otherwise":
        return { ...x, value: sub(x.value), fallback: sub(x.fallback) };
      case "If":
        return { ...x, condition: sub(x.condition), then: sub(x.then), else: sub(x.else) };
      case "ListLiteral":
        return { ...x, elements: x.elements.map(sub) };
      case "DaysBetween":
        return { ...x, from: sub(x.from), to: sub(x.to) };
      case "Quantified": {
        const collection = sub(x.collection);
        const b = bind(x.variable);
        const inner = (y: A.Expr | undefined): A.Expr | undefined => (y === undefined ? undefined : go(y, b.env, depth));
        const filter = inner(x.filter);
        const predicate = inner(x.predicate);
        return { kind: "Quantified", quantifier: x.quantifier, variable: b.name, collection, ...(filter === undefined ? {} : { filter }), ...(predicate === undefined ? {} : { predicate }), span: x.span };
      }
      case "Aggregated":
      case "Collect": {
        const collection = sub(x.collection);
        const b = bind(x.variable);
        const value = go(x.value, b.env, depth);
        const filter = x.filter === undefined ? undefined : go(x.filter, b.env, depth);
        return { ...x, variable: b.name, collection, value, ...(filter === undefined ? {} : { filter }) } as A.Expr;
      }
      default:
        return x;
    }
  };
  return go(e, new Map(), 0);
}

type Bool = A.Expr & { kind: "Binary"; operator: "and" | "or" };

function chain(e: A.Expr, op: "and" | "or"): A.Expr[] {
  return e.kind === "Binary" && e.operator === op ? [...chain(e.left, op), ...chain(e.right, op)] : [e];
}

function join(parts: readonly A.Expr[], op: "and" | "or", span: A.Expr["span"]): A.Expr {
  return parts.slice(1).reduce<A.Expr>((l, r) => ({ kind: "Binary", operator: op, left: l, right: r, span }) as Bool, parts[0]);
}

const FLIP: Record<string, A.BinaryOperator> = { ">": "<", ">=": "<=" };

/** Normalizes an (inlined) expression; see the header. Bound variables are renamed last, by depth. */
export function normalize(e: A.Expr): A.Expr {
  const go = (x: A.Expr): A.Expr => {
    switch (x.kind) {
      case "Binary": {
        if (x.operator === "and" || x.operator === "or") {
          const parts = chain(x, x.operator).map(go).flatMap((p) => chain(p, x.operator as "and" | "or"));
          const byPrint = new Map(parts.map((p) => [printExpr(p), p]));
          const sorted = [...byPrint.keys()].sort().map((k) => byPrint.get(k)!);
          return join(sorted, x.operator, x.span);
        }
        const left = go(x.left);
        const right = go(x.right);
        const flip = FLIP[x.operator];
        if (flip !== undefined) return { ...x, operator: flip, left: right, right: left };
        if ((x.operator === "=" || x.operator === "!=" || x.operator === "+" || x.operator === "*") && printExpr(right) < printExpr(left)) return { ...x, left: right, right: left };
        return { ...x, left, right };
      }
      case "Unary": {
        const operand = go(x.operand);
        if (x.operator !== "not") return { ...x, operand };
        if (operand.kind === "Unary" && operand.operator === "not") return operand.operand;
        if (operand.kind === "Membership") return { ...operand, negated: !operand.negated };
        if (operand.kind === "Presence") return { ...operand, negated: !operand.negated };
        if (operand.kind === "BooleanLiteral") return { ...operand, value: !operand.value };
        return { ...x, operand };
      }
      case "Membership": {
        const set = [...new Map(x.set.map(go).map((m) => [printExpr(m), m]))].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, m]) => m);
        return { ...x, element: go(x.element), set };
      }
      case "MemberAccess":
        return { ...x, object: go(x.object) };
      case "Call":
        return { ...x, args: x.args.map(go) };
      case "Presence":
        return { ...x, operand: go(x.operand) };
      case "Otherwise":
        return { ...x, value: go(x.value), fallback: go(x.fallback) };
      case "If":
        return { ...x, condition: go(x.condition), then: go(x.then), else: go(x.else) };
      case "ListLiteral":
        return { ...x, elements: x.elements.map(go) };
      case "DaysBetween":
        return { ...x, from: go(x.from), to: go(x.to) };
      case "Quantified":
        return { ...x, collection: go(x.collection), ...(x.filter === undefined ? {} : { filter: go(x.filter) }), ...(x.predicate === undefined ? {} : { predicate: go(x.predicate) }) };
      case "Aggregated":
      case "Collect":
        return { ...x, collection: go(x.collection), value: go(x.value), ...(x.filter === undefined ? {} : { filter: go(x.filter) }) } as A.Expr;
      default:
        return x;
    }
  };
  return renameBinders(go(renameBinders(e)));
}

/** Renames every bound variable to `x<depth>`, so the names the text chose do not matter. */
function renameBinders(e: A.Expr): A.Expr {
  const go = (x: A.Expr, env: ReadonlyMap<string, string>, depth: number): A.Expr => {
    const sub = (y: A.Expr): A.Expr => go(y, env, depth);
    switch (x.kind) {
      case "NameRef":
        return env.has(x.name.text) ? { ...x, name: { ...x.name, text: env.get(x.name.text)! } } : x;
      case "Quantified":
      case "Aggregated":
      case "Collect": {
        const name = `x${depth + 1}`;
        const inner = new Map(env);
        inner.set(x.variable.text, name);
        const g = (y: A.Expr | undefined): A.Expr | undefined => (y === undefined ? undefined : go(y, inner, depth + 1));
        const variable = { ...x.variable, text: name };
        if (x.kind === "Quantified") return { ...x, variable, collection: sub(x.collection), ...(x.filter === undefined ? {} : { filter: g(x.filter) }), ...(x.predicate === undefined ? {} : { predicate: g(x.predicate) }) };
        return { ...x, variable, collection: sub(x.collection), value: g(x.value)!, ...(x.filter === undefined ? {} : { filter: g(x.filter) }) } as A.Expr;
      }
      case "MemberAccess":
        return { ...x, object: sub(x.object) };
      case "Call":
        return { ...x, args: x.args.map(sub) };
      case "Unary":
        return { ...x, operand: sub(x.operand) };
      case "Binary":
        return { ...x, left: sub(x.left), right: sub(x.right) };
      case "Membership":
        return { ...x, element: sub(x.element), set: x.set.map(sub) };
      case "Presence":
        return { ...x, operand: sub(x.operand) };
      case "Otherwise":
        return { ...x, value: sub(x.value), fallback: sub(x.fallback) };
      case "If":
        return { ...x, condition: sub(x.condition), then: sub(x.then), else: sub(x.else) };
      case "ListLiteral":
        return { ...x, elements: x.elements.map(sub) };
      case "DaysBetween":
        return { ...x, from: sub(x.from), to: sub(x.to) };
      default:
        return x;
    }
  };
  return go(e, new Map(), 0);
}

/** The canonical form of an expression of `program`: inlined, then normalized. */
export function canonical(program: CheckedProgram, e: A.Expr): A.Expr {
  return normalize(inline(program, e));
}
