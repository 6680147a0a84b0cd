/**
 * Check pass "infer": expressions → their types, what each name refers to, and which optional
 * paths a presence check has narrowed. One fold over the expression (ast/walk.ts): the context
 * passed down is the scope (variables, narrowed paths) and the type expected, which lets a bare
 * enum member resolve (`cohort = IOC`) and the right side of `and` see what the left established;
 * the type passed up is checked against its parent's needs. Every mismatch, unknown name and use of
 * a possibly absent value is reported (TMAD3001-3003, TMAD3014, TMAD4001-4013).
 */
import type * as A from "../ast/nodes.js";
import { bindingPart, foldExpr } from "../ast/walk.js";
import { type Report } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/suggest.js";
import type { Ref } from "./checked-version.js";
import type { Symbols } from "./collect.js";
import { exprHead, negativeFacts, pathKey, positiveFacts } from "./narrow.js";
import type { DeclaredTypes } from "./resolve-types.js";
import * as Ty from "./types.js";
import type { Type } from "./types.js";

export interface Scope {
  readonly vars: ReadonlyMap<string, Type>;
  /** Paths (`installation.mpan`, `d.lastSeen`) known present here. */
  readonly narrowed: ReadonlySet<string>;
  /** Parameters' values and field defaults may only use literals and other parameters. */
  readonly constantOnly: boolean;
}

export const EMPTY_SCOPE: Scope = { vars: new Map(), narrowed: new Set(), constantOnly: false };

export function withFacts(scope: Scope, facts: ReadonlySet<string>): Scope {
  if (facts.size === 0) return scope;
  return { ...scope, narrowed: new Set([...scope.narrowed, ...facts]) };
}

interface Context {
  readonly scope: Scope;
  readonly expected?: Type;
}

type Binding = A.Expr & { kind: "Quantified" | "Aggregated" | "Collect" };

/** The optional's inner type, or the type itself. */
function strip(t: Type): Type {
  return t.kind === "optional" ? t.inner : t;
}

function enumNameIn(t: Type | undefined): string | undefined {
  if (t === undefined) return undefined;
  if (t.kind === "enum") return t.name;
  if (t.kind === "optional") return enumNameIn(t.inner);
  if (t.kind === "list") return enumNameIn(t.element);
  return undefined;
}

function comparableForEquality(a: Type, b: Type): boolean {
  if (Ty.isNumeric(a) && Ty.isNumeric(b)) return true;
  const textual = (t: Type): boolean => t.kind === "text" || t.kind === "identifier";
  if (textual(a) && textual(b)) return a.kind === "text" || b.kind === "text" || Ty.sameType(a, b);
  if (a.kind === "list" || a.kind === "record") return false;
  return Ty.sameType(a, b);
}

function orderable(a: Type, b: Type): boolean {
  if (Ty.isNumeric(a) && Ty.isNumeric(b)) return true;
  return a.kind === b.kind && (a.kind === "date" || a.kind === "datetime" || a.kind === "text");
}

/** Types expressions of one version, accumulating what it learns in its maps. */
export class Inference {
  readonly types = new Map<A.Expr, Type>();
  readonly refs = new Map<A.Expr, Ref>();
  readonly narrowedNodes = new Set<A.Expr>();
  /** `parameter x` / `definition y` for every declaration some expression uses. */
  readonly used = new Set<string>();
  /** Result types of the definitions typed so far (dependency order: a use finds its type here). */
  readonly definitionTypes = new Map<string, Type>();

  constructor(
    private readonly s: Symbols,
    private readonly declared: DeclaredTypes,
    private readonly report: Report,
  ) {}

  /** Types `e` (and everything in it) in `scope`; `expected` guides bare enum members. */
  typeOf(e: A.Expr, scope: Scope, expected?: Type): Type {
    return foldExpr<Context, Type>(e, expected === undefined ? { scope } : { scope, expected }, {
      down: (parent, i, c, before) => this.childContext(parent, i, c, before),
      up: (x, c, r) => {
        const t = this.up(x, c, r);
        this.types.set(x, t);
        return t;
      },
    });
  }

  expectAssignable(e: A.Expr, actual: Type, expected: Type, what: string): void {
    if (Ty.assignable(actual, expected)) return;
    if (actual.kind === "optional" && Ty.assignable(actual.inner, expected)) {
      this.report("TMAD4002", e.span, `${what} must be ${Ty.typeToString(expected)}, but this value may be absent`, "check it first with `is present`, or give a fallback with `otherwise`");
      return;
    }
    this.report("TMAD4001", e.span, `${what} must be ${Ty.typeToString(expected)}, not ${Ty.typeToString(actual)}`);
  }

  /** An optional operand where a value is needed: TMAD4002, and its inner type. */
  private present(e: A.Expr, t: Type, what: string): Type {
    if (t.kind === "optional") {
      this.report("TMAD4002", e.span, `${what} may be absent here`, `check it first (\`${exprHead(e)} is present and …\`), or give a fallback with \`otherwise\``);
      return t.inner;
    }
    return t;
  }

  // -------------------------------------------------------------------------------------------
  // Down: each child's scope and expected type

  private childContext(e: A.Expr, i: number, c: Context, before: readonly Type[]): Context {
    const scope = c.scope;
    switch (e.kind) {
      case "Call": {
        const expected = this.declared.definitionParameterTypes.get(e.callee.text)?.[i];
        return expected === undefined ? { scope } : { scope, expected };
      }
      case "Binary":
        if (e.operator === "and" || e.operator === "or") {
          if (i === 0) return { scope, expected: Ty.BOOLEAN };
          return { scope: withFacts(scope, e.operator === "and" ? positiveFacts(e.left) : negativeFacts(e.left)), expected: Ty.BOOLEAN };
        }
        // The right side is typed with the left's type as the expectation, so `cohort = IOC` resolves.
        return i === 0 ? { scope } : { scope, expected: strip(before[0]) };
      case "Membership":
        return i === 0 ? { scope } : { scope, expected: strip(before[0]) };
      case "Otherwise":
        if (i === 0) return c.expected === undefined ? { scope } : { scope, expected: c.expected };
        return { scope, expected: strip(before[0]) };
      case "If":
        if (i === 0) return { scope, expected: Ty.BOOLEAN };
        if (i === 1) return { scope: withFacts(scope, positiveFacts(e.condition)), ...(c.expected === undefined ? {} : { expected: c.expected }) };
        return { scope: withFacts(scope, negativeFacts(e.condition)), expected: c.expected ?? before[1] };
      case "Quantified":
      case "Aggregated":
      case "Collect": {
        const part = bindingPart(e, i);
        if (part === "collection") return { scope };
        const inner = this.bound(e, scope, before[0]);
        if (part === "filter") return { scope: inner, expected: Ty.BOOLEAN };
        const s = e.filter === undefined ? inner : withFacts(inner, positiveFacts(e.filter));
        if (e.kind === "Quantified") return { scope: s, expected: Ty.BOOLEAN };
        if (e.kind === "Collect" && c.expected?.kind === "list") return { scope: s, expected: c.expected.element };
        return { scope: s };
      }
      case "ListLiteral":
        return c.expected?.kind === "list" ? { scope, expected: c.expected.element } : { scope };
      default:
        return { scope };
    }
  }

  /** The scope inside a binding expression: its variable bound to the collection's element type. */
  private bound(e: Binding, scope: Scope, collection: Type): Scope {
    const c = strip(collection);
    const vars = new Map(scope.vars);
    vars.set(e.variable.text, c.kind === "list" ? c.element : Ty.ERROR);
    return { ...scope, vars };
  }

  // -------------------------------------------------------------------------------------------
  // Up: each node's type from its children's

  private up(e: A.Expr, c: Context, r: readonly Type[]): Type {
    const scope = c.scope;
    switch (e.kind) {
      case "BooleanLiteral":
        return Ty.BOOLEAN;
      case "NumberLiteral":
        return e.isDecimal ? Ty.DECIMAL : Ty.INTEGER;
      case "TextLiteral":
        return Ty.TEXT;
      case "DateLiteral":
        return Ty.DATE;
      case "DateTimeLiteral":
        return Ty.DATETIME;
      case "ClauseLiteral":
        return Ty.CLAUSE;
      case "NameRef":
        return this.nameRef(e, scope, c.expected);
      case "MemberAccess":
        return this.memberAccess(e, scope, r[0]);
      case "Call":
        return this.call(e, scope, r);
      case "Unary": {
        if (e.operator === "not") {
          this.expectAssignable(e.operand, this.present(e.operand, r[0], "the operand of `not`"), Ty.BOOLEAN, "the operand of `not`");
          return Ty.BOOLEAN;
        }
        const t = this.present(e.operand, r[0], "the operand of `-`");
        if (!Ty.isNumeric(t) && !Ty.isError(t)) this.report("TMAD4011", e.span, `cannot negate ${Ty.typeToString(t)}`, "`-` applies to integers and decimals");
        return Ty.isNumeric(t) ? t : Ty.ERROR;
      }
      case "Binary":
        return this.binary(e, r);
      case "Membership": {
        const el = this.present(e.element, r[0], "the value tested with `in`");
        e.set.forEach((m, i) => {
          const t = this.present(m, r[i + 1], "a member of the set");
          if (!Ty.isError(el) && !Ty.isError(t) && Ty.unify(t, el) === undefined) {
            this.report("TMAD4001", m.span, `set member is ${Ty.typeToString(t)} but the value tested is ${Ty.typeToString(el)}`);
          }
        });
        return Ty.BOOLEAN;
      }
      case "Presence": {
        const t = r[0];
        if (t.kind !== "optional" && !Ty.isError(t)) {
          this.report("TMAD4013", e.span, `\`${exprHead(e.operand)}\` is ${Ty.typeToString(t)}, never absent, so this check is always ${e.negated ? "false" : "true"}`, "remove the check, or declare the field `optional`");
        }
        return Ty.BOOLEAN;
      }
      case "Otherwise": {
        const [v, f] = r;
        if (v.kind !== "optional" && !Ty.isError(v)) {
          this.report("TMAD4013", e.value.span, `\`${exprHead(e.value)}\` is never absent, so \`otherwise\` is never used`, "remove the fallback");
          return v;
        }
        const inner = strip(v);
        const u = Ty.unify(inner, f);
        if (u === undefined) {
          this.report("TMAD4001", e.fallback.span, `fallback is ${Ty.typeToString(f)} but the value is ${Ty.typeToString(inner)}`);
          return Ty.ERROR;
        }
        return u;
      }
      case "If": {
        this.expectAssignable(e.condition, r[0], Ty.BOOLEAN, "an `if` condition");
        const u = Ty.unify(r[1], r[2]);
        if (u === undefined) {
          this.report("TMAD4001", e.else.span, `\`else\` gives ${Ty.typeToString(r[2])} but \`then\` gives ${Ty.typeToString(r[1])}`, "both branches must give the same type");
          return Ty.ERROR;
        }
        return u;
      }
      case "Quantified": {
        this.checkBinding(e, scope, r[0]);
        if (e.filter !== undefined) this.expectAssignable(e.filter, r[1], Ty.BOOLEAN, "a `where` filter");
        if (e.predicate !== undefined) this.expectAssignable(e.predicate, r[r.length - 1], Ty.BOOLEAN, "a `satisfies` condition");
        return e.quantifier === "count" ? Ty.INTEGER : Ty.BOOLEAN;
      }
      case "Aggregated": {
        this.checkBinding(e, scope, r[0]);
        if (e.filter !== undefined) this.expectAssignable(e.filter, r[1], Ty.BOOLEAN, "a `where` filter");
        const v = this.present(e.value, r[r.length - 1], `the value to ${e.aggregate}`);
        if (Ty.isError(v)) return Ty.ERROR;
        if (e.aggregate === "sum") {
          if (!Ty.isNumeric(v)) {
            this.report("TMAD4011", e.value.span, `cannot sum ${Ty.typeToString(v)}`, "`sum` adds integers or decimals");
            return Ty.ERROR;
          }
          return v;
        }
        if (!Ty.isNumeric(v) && v.kind !== "date" && v.kind !== "datetime") {
          this.report("TMAD4011", e.value.span, `cannot take the ${e.aggregate} of ${Ty.typeToString(v)}`, `\`${e.aggregate}\` applies to numbers, dates and date-times`);
          return Ty.ERROR;
        }
        return { kind: "optional", inner: v };
      }
      case "Collect": {
        this.checkBinding(e, scope, r[0]);
        if (e.filter !== undefined) this.expectAssignable(e.filter, r[1], Ty.BOOLEAN, "a `where` filter");
        return { kind: "list", element: this.present(e.value, r[r.length - 1], "a collected value") };
      }
      case "ListLiteral": {
        let element: Type = { kind: "empty" };
        for (let i = 0; i < e.elements.length; i++) {
          const t = this.present(e.elements[i], r[i], "a list element");
          const u: Type | undefined = element.kind === "empty" ? t : Ty.unify(element, t);
          if (u === undefined) {
            this.report("TMAD4001", e.elements[i].span, `list element is ${Ty.typeToString(t)} but earlier elements are ${Ty.typeToString(element)}`);
            return Ty.ERROR;
          }
          element = u;
        }
        return { kind: "list", element };
      }
      case "DaysBetween": {
        const a = this.present(e.from, r[0], "the start date");
        const b = this.present(e.to, r[1], "the end date");
        for (const [x, t] of [
          [e.from, a],
          [e.to, b],
        ] as const) {
          if (!Ty.isError(t) && t.kind !== "date" && t.kind !== "datetime") this.report("TMAD4001", x.span, `\`days between\` takes dates or date-times, not ${Ty.typeToString(t)}`);
        }
        if (!Ty.isError(a) && !Ty.isError(b) && a.kind !== b.kind && (a.kind === "date" || a.kind === "datetime") && (b.kind === "date" || b.kind === "datetime")) {
          this.report("TMAD4011", e.span, `\`days between\` a ${a.kind} and a ${b.kind}`, "compare two dates or two date-times");
        }
        return Ty.INTEGER;
      }
    }
  }

  /** The collection of a quantifier, aggregate or `collect` must be a list; its variable must be new. */
  private checkBinding(e: Binding, scope: Scope, collection: Type): void {
    const c = this.present(e.collection, collection, "the list");
    if (c.kind !== "list" && !Ty.isError(c)) this.report("TMAD4010", e.collection.span, `\`${exprHead(e.collection)}\` is ${Ty.typeToString(c)}, not a list`, "quantifiers and aggregates range over a `list of …` field");
    const n = e.variable.text;
    if (scope.vars.has(n) || n === this.s.input?.name.text || this.s.parameters.has(n) || this.s.definitions.has(n)) {
      this.report("TMAD3014", e.variable.span, `\`${n}\` is already a name here`, "choose another variable name");
    }
  }

  private narrow(e: A.Expr, t: Type, scope: Scope): Type {
    if (t.kind !== "optional") return t;
    const key = pathKey(e);
    if (key !== undefined && scope.narrowed.has(key)) {
      this.narrowedNodes.add(e);
      return t.inner;
    }
    return t;
  }

  private notConstant(e: A.Expr): Type {
    this.report("TMAD4006", e.span, "a parameter or field default can use only literals and other parameters", "move the computation into a definition");
    return Ty.ERROR;
  }

  private nameRef(e: A.Expr & { kind: "NameRef" }, scope: Scope, expected?: Type): Type {
    const n = e.name.text;
    const variable = scope.vars.get(n);
    if (variable !== undefined) {
      this.refs.set(e, { kind: "variable", name: n });
      return this.narrow(e, variable, scope);
    }
    if (this.s.input !== undefined && n === this.s.input.name.text) {
      if (scope.constantOnly) return this.notConstant(e);
      this.refs.set(e, { kind: "input" });
      return { kind: "record", name: this.s.input.type.text };
    }
    if (this.s.parameters.has(n)) {
      this.used.add(`parameter ${n}`);
      this.refs.set(e, { kind: "parameter", name: n });
      return this.declared.parameterTypes.get(n) ?? Ty.ERROR;
    }
    const def = this.s.definitions.get(n);
    if (def !== undefined) {
      if (scope.constantOnly) return this.notConstant(e);
      this.used.add(`definition ${n}`);
      if (def.recovered === true || this.declared.refused.has(n)) return Ty.ERROR;
      if (def.params.length > 0) {
        this.report("TMAD4003", e.span, `definition \`${n}\` takes ${def.params.length} argument${def.params.length === 1 ? "" : "s"}`, `call it as \`${n}(${def.params.map((p) => p.name.text).join(", ")})\``);
        return Ty.ERROR;
      }
      this.refs.set(e, { kind: "definition", name: n });
      return this.narrow(e, this.definitionTypes.get(n) ?? Ty.ERROR, scope);
    }
    // A bare enum member: the expected type decides which enum, else it must be unique.
    const wantedEnum = enumNameIn(expected);
    if (wantedEnum !== undefined) {
      const decl = this.s.enums.get(wantedEnum)!;
      if (decl.members.some((m) => m.name.text === n)) {
        this.refs.set(e, { kind: "enumMember", enumName: wantedEnum, member: n });
        return { kind: "enum", name: wantedEnum };
      }
      if (!this.s.enumMemberOwners.has(n) && /^[A-Z]/.test(n) && decl.recovered !== true) {
        this.report("TMAD3003", e.span, `\`${n}\` is not a member of enum ${wantedEnum}`, didYouMean(n, decl.members.map((m) => m.name.text)) ?? `members: ${decl.members.map((m) => m.name.text).join(", ")}`);
        return Ty.ERROR;
      }
    }
    const owners = this.s.enumMemberOwners.get(n);
    if (owners !== undefined && owners.length === 1) {
      this.refs.set(e, { kind: "enumMember", enumName: owners[0], member: n });
      return { kind: "enum", name: owners[0] };
    }
    if (owners !== undefined) {
      this.report("TMAD4009", e.span, `\`${n}\` is a member of ${owners.join(" and ")}`, `write it in full, e.g. \`${owners[0]}.${n}\``);
      return Ty.ERROR;
    }
    if (this.s.enums.has(n)) {
      this.refs.set(e, { kind: "enumMember", enumName: n, member: "" });
      return { kind: "enumType", name: n };
    }
    const candidates = [...scope.vars.keys(), ...this.s.parameters.keys(), ...this.s.definitions.keys(), ...this.s.enumMemberOwners.keys(), ...(this.s.input === undefined ? [] : [this.s.input.name.text])];
    this.report("TMAD3001", e.span, `unknown name \`${n}\``, didYouMean(n, candidates) ?? "declare it as a parameter or definition, or bind it with a quantifier");
    return Ty.ERROR;
  }

  private memberAccess(e: A.Expr & { kind: "MemberAccess" }, scope: Scope, obj: Type): Type {
    const m = e.member.text;
    if (obj.kind === "enumType") {
      const decl = this.s.enums.get(obj.name)!;
      if (!decl.members.some((x) => x.name.text === m)) {
        if (decl.recovered === true) return Ty.ERROR;
        this.report("TMAD3003", e.member.span, `\`${m}\` is not a member of enum ${obj.name}`, didYouMean(m, decl.members.map((x) => x.name.text)) ?? `members: ${decl.members.map((x) => x.name.text).join(", ")}`);
        return Ty.ERROR;
      }
      this.refs.set(e, { kind: "enumMember", enumName: obj.name, member: m });
      return { kind: "enum", name: obj.name };
    }
    if (obj.kind === "optional" && obj.inner.kind === "record") {
      this.report("TMAD4002", e.object.span, `\`${exprHead(e.object)}\` may be absent, so \`.${m}\` cannot be read`, `check first: \`${exprHead(e.object)} is present and ${exprHead(e)} …\``);
      return Ty.ERROR;
    }
    if (obj.kind !== "record") {
      if (!Ty.isError(obj)) this.report("TMAD4012", e.member.span, `\`${exprHead(e.object)}\` is ${Ty.typeToString(obj)}, which has no fields`);
      return Ty.ERROR;
    }
    const fields = this.declared.fieldTypes.get(obj.name);
    const t = fields?.get(m);
    if (t === undefined) {
      if (this.declared.recoveredTypes.has(obj.name)) return Ty.ERROR;
      this.report("TMAD3002", e.member.span, `record ${obj.name} has no field \`${m}\``, didYouMean(m, fields?.keys() ?? []) ?? `fields: ${[...(fields?.keys() ?? [])].join(", ")}`);
      return Ty.ERROR;
    }
    this.refs.set(e, { kind: "field", recordName: obj.name, field: m });
    return this.narrow(e, t, scope);
  }

  private call(e: A.Expr & { kind: "Call" }, scope: Scope, args: readonly Type[]): Type {
    const n = e.callee.text;
    const def = this.s.definitions.get(n);
    if (def === undefined) {
      this.report("TMAD3001", e.callee.span, `unknown definition \`${n}\``, didYouMean(n, this.s.definitions.keys()) ?? "declare it with `definition`");
      return Ty.ERROR;
    }
    if (scope.constantOnly) return this.notConstant(e);
    this.used.add(`definition ${n}`);
    if (def.recovered === true || this.declared.refused.has(n)) return Ty.ERROR;
    if (def.params.length !== e.args.length) {
      this.report("TMAD4003", e.span, `definition \`${n}\` takes ${def.params.length} argument${def.params.length === 1 ? "" : "s"}, not ${e.args.length}`, `call it as \`${n}(${def.params.map((p) => p.name.text).join(", ")})\``);
    }
    const want = this.declared.definitionParameterTypes.get(n) ?? [];
    def.params.forEach((p, i) => {
      const arg = e.args[i];
      if (arg !== undefined) this.expectAssignable(arg, args[i], want[i] ?? Ty.ERROR, `argument \`${p.name.text}\` of \`${n}\``);
    });
    this.refs.set(e, { kind: "definition", name: n });
    return this.definitionTypes.get(n) ?? Ty.ERROR;
  }

  private binary(e: A.Expr & { kind: "Binary" }, r: readonly Type[]): Type {
    const op = e.operator;
    if (op === "and" || op === "or") {
      const l = this.present(e.left, r[0], `the left side of \`${op}\``);
      const rt = this.present(e.right, r[1], `the right side of \`${op}\``);
      this.expectAssignable(e.left, l, Ty.BOOLEAN, `each side of \`${op}\``);
      this.expectAssignable(e.right, rt, Ty.BOOLEAN, `each side of \`${op}\``);
      return Ty.BOOLEAN;
    }
    const lt = r[0];
    const l = this.present(e.left, r[0], `the left side of \`${op}\``);
    const rt = this.present(e.right, r[1], `the right side of \`${op}\``);
    const comparison = op === "=" || op === "!=" || op === "<" || op === "<=" || op === ">" || op === ">=";
    if (Ty.isError(l) || Ty.isError(rt)) return comparison ? Ty.BOOLEAN : Ty.ERROR;
    if (lt.kind === "enum" && rt.kind === "enum" && lt.name !== rt.name) {
      this.report("TMAD4011", e.span, `cannot compare ${lt.name} with ${rt.name}`);
      return Ty.BOOLEAN;
    }
    switch (op) {
      case "=":
      case "!=":
        if (!comparableForEquality(l, rt)) this.report("TMAD4011", e.span, `cannot compare ${Ty.typeToString(l)} with ${Ty.typeToString(rt)}`, "both sides must have the same type");
        return Ty.BOOLEAN;
      case "<":
      case "<=":
      case ">":
      case ">=":
        if (!orderable(l, rt)) this.report("TMAD4011", e.span, `cannot order ${Ty.typeToString(l)} and ${Ty.typeToString(rt)} with \`${op}\``, "`<`, `<=`, `>`, `>=` compare two numbers, two dates, two date-times or two texts");
        return Ty.BOOLEAN;
      default:
        if (!Ty.isNumeric(l) || !Ty.isNumeric(rt)) {
          const hint = l.kind === "date" || l.kind === "datetime" ? "use `days between a and b` for the number of days between dates" : "arithmetic applies to integers and decimals";
          this.report("TMAD4011", e.span, `cannot apply \`${op}\` to ${Ty.typeToString(l)} and ${Ty.typeToString(rt)}`, hint);
          return Ty.ERROR;
        }
        return op === "/" || l.kind === "decimal" || rt.kind === "decimal" ? Ty.DECIMAL : Ty.INTEGER;
    }
  }
}
