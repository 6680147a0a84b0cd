/**
 * Translates checked expressions into TypeScript expression text, in two modes: plain (fast: no
 * closures, quantifiers hoisted into module-level loops, constant sets hoisted) and traced (the same
 * code with `t.enter(site)` / `t.exit(value, facts)` around each condition a reader cares about).
 * Every name is prefixed (`v_` variables, `p_` parameters, `d_` definitions) so no rule-document
 * name can collide with TypeScript's keywords or with the generated code's own names, and every
 * literal is written with JSON.stringify, so no text from a rule document can break out of it.
 */
import type * as A from "../ast/nodes.js";
import { forEachExpr } from "../ast/walk.js";
import { Phrases } from "../phrase/index.js";
import type { CheckedProgram, Ref } from "../check/index.js";
import { pathKey } from "../check/index.js";
import type { Type } from "../check/types.js";
import type { TraceSite } from "../../runtime/trace.js";
import type { Span } from "../source/span.js";


/** TypeScript type text for a checked type. */
export function tsType(t: Type): string {
  switch (t.kind) {
    case "boolean":
      return "boolean";
    case "integer":
    case "decimal":
      return "number";
    case "text":
    case "date":
    case "datetime":
    case "clause":
      return "string";
    case "enum":
    case "record":
    case "identifier":
      return t.name;
    case "list":
      return `readonly ${wrapUnion(tsType(t.element))}[]`;
    case "optional":
      return `${tsType(t.inner)} | null`;
    case "empty":
      return "never";
    default:
      return "unknown";
  }
}

function wrapUnion(s: string): string {
  return s.includes("|") || s.includes(" ") ? `(${s})` : s;
}

export function at(span: Span): string {
  return `${span.file}:${span.start.line}:${span.start.column}`;
}

/** Reads expression source text back from the Markdown files, for trace sites and JSDoc. */
export class SourceText {
  private readonly lines = new Map<string, string[]>();

  constructor(files: readonly { path: string; text: string }[]) {
    for (const f of files) this.lines.set(f.path, f.text.replace(/\r\n?/g, "\n").split("\n"));
  }

  of(span: Span): string {
    const lines = this.lines.get(span.file);
    if (lines === undefined) return "";
    const parts: string[] = [];
    for (let l = span.start.line; l <= span.end.line; l++) {
      const line = lines[l - 1] ?? "";
      const from = l === span.start.line ? span.start.column - 1 : 0;
      const to = l === span.end.line ? span.end.column - 1 : line.length;
      parts.push(stripComment(line.slice(from, to)).trim());
    }
    return parts.filter((p) => p !== "").join(" ");
  }
}

function stripComment(s: string): string {
  let inText = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "\\" && inText) i++;
    else if (c === '"') inText = !inText;
    else if (!inText && c === "-" && s[i + 1] === "-") return s.slice(0, i);
  }
  return s;
}

type Vars = ReadonlyMap<string, Type>;

/** Conditions made of other conditions: their parts get trace sites, they record no facts. */
export function isComposite(e: A.Expr): boolean {
  return (e.kind === "Binary" && (e.operator === "and" || e.operator === "or")) || (e.kind === "Unary" && e.operator === "not") || e.kind === "If";
}

/** The operator a trace site records: `and`, `or`, `not`, `if` for conditions made of others, and a comparison's when its operands are recorded. */
function operatorOf(e: A.Expr, compared: boolean): { operator?: string } {
  if (e.kind === "Binary" && (e.operator === "and" || e.operator === "or" || compared)) return { operator: e.operator };
  if (e.kind === "Unary" && e.operator === "not") return { operator: "not" };
  if (e.kind === "If") return { operator: "if" };
  return {};
}

function flatten(e: A.Expr, operator: "and" | "or"): A.Expr[] {
  if (e.kind === "Binary" && e.operator === operator) return [...flatten(e.left, operator), ...flatten(e.right, operator)];
  return [e];
}

/** Emits expressions for one version, collecting the module-level helpers they need. */
export class ExpressionEmitter {
  /** Module-level declarations (hoisted loops and constant sets), in creation order. */
  readonly hoisted: string[] = [];
  readonly sites: TraceSite[] = [];
  private readonly hoistedNames = new Map<A.Expr, string>();
  private readonly inputVar: string;
  private readonly phrases: Phrases;

  constructor(
    private readonly program: CheckedProgram,
    private readonly source: SourceText,
  ) {
    this.inputVar = `v_${program.input.name.text}`;
    this.phrases = new Phrases(program);
  }

  get inputParam(): string {
    return `${this.inputVar}: ${this.program.input.type.text}`;
  }

  private type(e: A.Expr): Type {
    return this.program.types.get(e)!;
  }

  private ref(e: A.Expr): Ref | undefined {
    return this.program.refs.get(e);
  }

  private bang(e: A.Expr, code: string): string {
    return this.program.narrowed.has(e) ? `${code}!` : code;
  }

  /** Plain (untraced) code for `e`, with `vars` the variables in scope. */
  emit(e: A.Expr, vars: Vars): string {
    switch (e.kind) {
      case "BooleanLiteral":
        return String(e.value);
      case "NumberLiteral":
        return String(Number(e.text));
      case "TextLiteral":
        return JSON.stringify(e.value);
      case "DateLiteral":
      case "DateTimeLiteral":
        return JSON.stringify(e.text);
      case "ClauseLiteral":
        return JSON.stringify(e.number);
      case "NameRef":
        return this.nameRef(e, vars, false);
      case "MemberAccess": {
        const r = this.ref(e);
        if (r?.kind === "enumMember") return JSON.stringify(r.member);
        return this.bang(e, `${this.emit(e.object, vars)}.${e.member.text}`);
      }
      case "Call":
        return this.bang(e, `d_${e.callee.text}(${[this.inputVar, ...e.args.map((a) => this.emit(a, vars))].join(", ")})`);
      case "Unary":
        return e.operator === "not" ? `!${this.paren(e.operand, vars)}` : `-${this.paren(e.operand, vars)}`;
      case "Binary":
        return this.binary(e, vars, (x) => this.emit(x, vars));
      case "Membership":
        return this.membership(e, vars);
      case "Presence":
        return `(${this.emit(e.operand, vars)} ${e.negated ? "==" : "!="} null)`;
      case "Otherwise":
        return `(${this.emit(e.value, vars)} ?? ${this.emit(e.fallback, vars)})`;
      case "If":
        return `(${this.emit(e.condition, vars)} ? ${this.emit(e.then, vars)} : ${this.emit(e.else, vars)})`;
      case "Quantified":
      case "Aggregated":
      case "Collect":
        return this.hoistLoop(e, vars);
      case "ListLiteral":
        return `[${e.elements.map((x) => this.emit(x, vars)).join(", ")}]`;
      case "DaysBetween":
        return `rt.daysBetween(${this.emit(e.from, vars)}, ${this.emit(e.to, vars)})`;
    }
  }

  private paren(e: A.Expr, vars: Vars): string {
    const code = this.emit(e, vars);
    return /^[\w.!"]+$/.test(code) || code.startsWith("(") ? code : `(${code})`;
  }

  private nameRef(e: A.Expr & { kind: "NameRef" }, _vars: Vars, traced: boolean): string {
    const r = this.ref(e);
    switch (r?.kind) {
      case "input":
        return this.inputVar;
      case "variable":
        return this.bang(e, `v_${r.name}`);
      case "parameter":
        return `p_${r.name}`;
      case "definition":
        return this.bang(e, traced ? `d_${r.name}_traced(t, ${this.inputVar})` : `d_${r.name}(${this.inputVar})`);
      case "enumMember":
        return JSON.stringify(r.member);
      default:
        throw new Error(`internal: unresolved name ${e.name.text} at ${at(e.span)}`);
    }
  }

  private readonly existence = new Map<A.Expr, A.Expr>();

  /** `count x in xs where p > 0` (or `>= 1`): a loop that stops at the first match, counting nothing. */
  private asExistence(e: A.Expr & { kind: "Binary" }): A.Expr | undefined {
    const l = e.left;
    const r = e.right;
    if (l.kind !== "Quantified" || l.quantifier !== "count" || r.kind !== "NumberLiteral") return undefined;
    if (!((e.operator === ">" && Number(r.text) === 0) || (e.operator === ">=" && Number(r.text) === 1))) return undefined;
    let some = this.existence.get(e);
    if (some === undefined) {
      some = { ...l, quantifier: "some" };
      this.existence.set(e, some);
    }
    return some;
  }

  private binary(e: A.Expr & { kind: "Binary" }, vars: Vars, sub: (x: A.Expr) => string): string {
    const exists = this.asExistence(e);
    if (exists !== undefined) return this.emit(exists, vars);
    const l = sub(e.left);
    const r = sub(e.right);
    const lt = this.type(e.left);
    const rt = this.type(e.right);
    switch (e.operator) {
      case "and":
        return `(${l} && ${r})`;
      case "or":
        return `(${l} || ${r})`;
      case "=":
      case "!=": {
        const neg = e.operator === "!=";
        if (lt.kind === "datetime" && rt.kind === "datetime") return `(rt.compareInstants(${l}, ${r}) ${neg ? "!==" : "==="} 0)`;
        return `(${l} ${neg ? "!==" : "==="} ${r})`;
      }
      case "<":
      case "<=":
      case ">":
      case ">=":
        if (lt.kind === "datetime") return `(rt.compareInstants(${l}, ${r}) ${e.operator} 0)`;
        return `(${l} ${e.operator} ${r})`;
      case "/":
        return `rt.divide(${l}, ${r}, ${JSON.stringify(at(e.span))})`;
      default:
        return `(${l} ${e.operator} ${r})`;
    }
    void vars;
  }

  private membership(e: A.Expr & { kind: "Membership" }, vars: Vars): string {
    const el = this.emit(e.element, vars);
    const constant = e.set.every((m) => this.ref(m)?.kind === "enumMember" || m.kind === "TextLiteral" || m.kind === "NumberLiteral");
    let test: string;
    // A few constants against a plain path: comparisons beat a Set lookup (no hashing, no call).
    if (constant && e.set.length <= 8 && /^[\w.!]+$/.test(el)) {
      test = `(${e.set.map((m) => `${el} === ${this.emit(m, vars)}`).join(" || ")})`;
    } else if (constant) {
      let name = this.hoistedNames.get(e);
      if (name === undefined) {
        name = `SET_${this.hoistedNames.size}`;
        this.hoistedNames.set(e, name);
        const values = e.set.map((m) => this.emit(m, vars));
        this.hoisted.push(`const ${name}: ReadonlySet<${tsType(this.type(e.element))}> = new Set([${values.join(", ")}]);`);
      }
      test = `${name}.has(${el})`;
    } else {
      test = `[${e.set.map((m) => this.emit(m, vars)).join(", ")}].includes(${el})`;
    }
    return e.negated ? `!${test}` : test;
  }

  /** Quantifiers, aggregates and `collect` become module-level functions with a plain loop. */
  private hoistLoop(e: A.Expr & { kind: "Quantified" | "Aggregated" | "Collect" }, vars: Vars): string {
    const args = [this.inputVar, ...[...vars.keys()].map((v) => `v_${v}`)].join(", ");
    const existing = this.hoistedNames.get(e);
    if (existing !== undefined) return `${existing}(${args})`;
    const name = `loop_${this.hoistedNames.size}`;
    this.hoistedNames.set(e, name);
    const collectionType = this.type(e.collection);
    const elementType = collectionType.kind === "list" ? collectionType.element : collectionType;
    const inner = new Map(vars);
    inner.set(e.variable.text, elementType);
    const params = [this.inputParam, ...[...vars.entries()].map(([v, t]) => `v_${v}: ${tsType(t)}`)].join(", ");
    const list = this.emit(e.collection, vars);
    const filter = e.filter === undefined ? undefined : this.emit(e.filter, inner);
    const loopVar = `v_${e.variable.text}`;
    const guard = (body: string): string => (filter === undefined ? body : `if (${filter}) { ${body} }`);
    let body: string;
    let returnType: string;
    if (e.kind === "Quantified") {
      const pred = e.predicate === undefined ? "true" : this.emit(e.predicate, inner);
      switch (e.quantifier) {
        case "some":
          returnType = "boolean";
          body = `for (const ${loopVar} of ${list}) { ${guard(`if (${pred}) return true;`)} }\nreturn false;`;
          break;
        case "every":
          returnType = "boolean";
          body = `for (const ${loopVar} of ${list}) { ${guard(`if (!(${pred})) return false;`)} }\nreturn true;`;
          break;
        case "no":
          returnType = "boolean";
          body = `for (const ${loopVar} of ${list}) { ${guard(`if (${pred}) return false;`)} }\nreturn true;`;
          break;
        case "count":
          returnType = "number";
          body = `let n = 0;\nfor (const ${loopVar} of ${list}) { ${guard(`if (${pred}) n++;`)} }\nreturn n;`;
          break;
      }
    } else if (e.kind === "Aggregated") {
      const value = this.emit(e.value, inner);
      const valueType = this.type(e.value);
      if (e.aggregate === "sum") {
        returnType = "number";
        body = `let s = 0;\nfor (const ${loopVar} of ${list}) { ${guard(`s += ${value};`)} }\nreturn s;`;
      } else {
        const better =
          valueType.kind === "datetime"
            ? `rt.compareInstants(x, best) ${e.aggregate === "min" ? "<" : ">"} 0`
            : `x ${e.aggregate === "min" ? "<" : ">"} best`;
        returnType = `${tsType(valueType)} | null`;
        body = `let best: ${tsType(valueType)} | null = null;\nfor (const ${loopVar} of ${list}) { ${guard(`const x = ${value}; if (best === null || ${better}) best = x;`)} }\nreturn best;`;
      }
    } else {
      const valueType = this.type(e.value);
      returnType = `${tsType(valueType)}[]`;
      body = `const out: ${wrapUnion(tsType(valueType))}[] = [];\nfor (const ${loopVar} of ${list}) { ${guard(`out.push(${this.emit(e.value, inner)});`)} }\nreturn out;`;
    }
    // Everything in the comment comes from the rule document (its text and its file's path).
    const comment = `\`${this.source.of(e.span).replace(/`/g, "'")}\` (${at(e.span)})`.replace(/\*\//g, "*\\/").replace(/[\r\n\u2028\u2029]/g, " ");
    this.hoisted.push(`/** ${comment} */\nfunction ${name}(${params}): ${returnType} {\n${body}\n}`);
    return `${name}(${args})`;
  }

  // -------------------------------------------------------------------------------------------
  // Traced mode

  /** Traced code for a rule's `when`: a site of its own. */
  traceRoot(e: A.Expr, vars: Vars, clause: string | undefined): string {
    return this.point(e, vars, clause);
  }

  /** Traced code for a definition body: the definition's own site stands for its root. */
  traceBody(e: A.Expr, vars: Vars, clause: string | undefined): string {
    return this.traced(e, vars, clause);
  }

  private isDefinitionRef(e: A.Expr): boolean {
    return (e.kind === "NameRef" || e.kind === "Call") && this.ref(e)?.kind === "definition";
  }

  /** A trace site around `e`: `(t.enter(id), t.exit(value, [facts]))`. */
  private point(e: A.Expr, vars: Vars, clause: string | undefined): string {
    if (this.isDefinitionRef(e)) return this.traced(e, vars, clause);
    const facts = isComposite(e) ? [] : this.freePaths(e, vars);
    const id = this.sites.length;
    const compared = this.comparedType(e);
    const quantifier = this.quantifierSite(e);
    this.sites.push({
      kind: "condition",
      text: this.source.of(e.span),
      at: at(e.span),
      facts: facts.map((f) => f.label),
      phrase: this.phrases.of(e),
      ...(clause === undefined ? {} : { clause }),
      ...operatorOf(e, compared !== undefined),
      ...(quantifier === undefined ? {} : { quantifier }),
    });
    const factList = `[${facts.map((f) => f.code).join(", ")}]`;
    if (compared !== undefined && e.kind === "Binary") {
      // Both operands recorded (`40 >= 108`): computed once, then compared as plain code would.
      const t = tsType(compared);
      const test = this.binary(e, vars, (x) => (x === e.left ? "l" : "r"));
      return `((l: ${t}, r: ${t}) => (t.enter(${id}), t.exit(${test}, ${factList}, [l, r])))(${this.emit(e.left, vars)}, ${this.emit(e.right, vars)})`;
    }
    const factCode = facts.length === 0 ? "" : `, ${factList}`;
    return `(t.enter(${id}), t.exit(${this.traced(e, vars, clause)}${factCode}))`;
  }

  /** For a comparison of numbers or dates (not `count … > 0`, which is an existence test): the operands' type. */
  private comparedType(e: A.Expr): Type | undefined {
    if (e.kind !== "Binary" || !["=", "!=", "<", "<=", ">", ">="].includes(e.operator) || this.asExistence(e) !== undefined) return undefined;
    const strip = (t: Type): Type => (t.kind === "optional" ? t.inner : t);
    const l = strip(this.type(e.left));
    const r = strip(this.type(e.right));
    const ordered = (t: Type): boolean => t.kind === "integer" || t.kind === "decimal" || t.kind === "date" || t.kind === "datetime";
    if (!ordered(l) || !ordered(r)) return undefined;
    return l.kind === r.kind ? l : { kind: "decimal" };
  }

  /**
   * Quantifiers over entities are traced member by member. An entity is a record with an
   * identifier field or lists of its own (a device, a meter); a time series such as a list of
   * attempts is not (it would give thousands of members), and stays one fact.
   */
  private memberKey(e: A.Expr): { element: string; key: string[] } | undefined {
    if (e.kind !== "Quantified" || e.predicate === undefined) return undefined;
    const t = this.type(e.collection);
    if (t.kind !== "list" || t.element.kind !== "record") return undefined;
    const fields = [...(this.program.fieldTypes.get(t.element.name) ?? new Map<string, Type>())];
    const identifiers = fields.filter(([, ft]) => ft.kind === "identifier").map(([f]) => f);
    if (identifiers.length === 0 && !fields.some(([, ft]) => ft.kind === "list")) return undefined;
    const labels = fields.filter(([, ft]) => ft.kind === "enum" || (identifiers.length === 0 && ft.kind === "text")).map(([f]) => f);
    return { element: t.element.name, key: [...labels, ...identifiers] };
  }

  private quantifierSite(e: A.Expr): TraceSite["quantifier"] {
    const k = this.memberKey(e);
    if (k === undefined || e.kind !== "Quantified") return undefined;
    return { kind: e.quantifier, variable: e.variable.text, element: k.element, key: k.key };
  }

  /** Whether `e` reads an optional value that a presence check elsewhere proved present. */
  private readsNarrowed(e: A.Expr): boolean {
    let found = false;
    forEachExpr(e, (x) => {
      if (this.program.narrowed.has(x)) found = true;
    });
    return found;
  }

  private readonly tracedLoops = new Map<A.Expr, string>();

  /**
   * A quantifier traced member by member: each element's predicate under `t.member` /
   * `t.endMember`; once the value is known, the remaining elements are explored, not skipped.
   */
  private tracedLoop(e: A.Expr & { kind: "Quantified" }, vars: Vars, clause: string | undefined): string {
    const args = ["t", this.inputVar, ...[...vars.keys()].map((v) => `v_${v}`)].join(", ");
    const existing = this.tracedLoops.get(e);
    if (existing !== undefined) return `${existing}(${args})`;
    const name = `traced_loop_${this.tracedLoops.size}`;
    this.tracedLoops.set(e, name);
    const collectionType = this.type(e.collection);
    const inner = new Map(vars);
    inner.set(e.variable.text, collectionType.kind === "list" ? collectionType.element : collectionType);
    const params = ["t: rt.Tracer", this.inputParam, ...[...vars.entries()].map(([v, t]) => `v_${v}: ${tsType(t)}`)].join(", ");
    const list = this.emit(e.collection, vars);
    const filter = e.filter === undefined ? undefined : this.emit(e.filter, inner);
    const pred = this.point(e.predicate!, inner, clause);
    const x = `v_${e.variable.text}`;
    const guard = (body: string): string => (filter === undefined ? body : `if (${filter}) { ${body} }`);
    const one = `t.member(${x}); t.endMember(${pred});`;
    const loop = (init: string, decided: string, update: string, type: string): string =>
      `let value: ${type} = ${init};\nfor (const ${x} of ${list}) {\nif (${decided}) t.explore(() => { ${guard(one)} });\nelse ${filter === undefined ? "" : `if (${filter}) `}{ t.member(${x}); ${update} }\n}\nreturn value;`;
    let body: string;
    let returnType = "boolean";
    switch (e.quantifier) {
      case "some":
        body = loop("false", "value", `if (t.endMember(${pred})) value = true;`, "boolean");
        break;
      case "every":
        body = loop("true", "!value", `if (!t.endMember(${pred})) value = false;`, "boolean");
        break;
      case "no":
        body = loop("true", "!value", `if (t.endMember(${pred})) value = false;`, "boolean");
        break;
      case "count":
        returnType = "number";
        body = `let value = 0;\nfor (const ${x} of ${list}) { ${guard(`t.member(${x}); if (t.endMember(${pred})) value++;`)} }\nreturn value;`;
        break;
    }
    const comment = `\`${this.source.of(e.span).replace(/`/g, "'")}\` (${at(e.span)}), traced member by member`.replace(/\*\//g, "*\\/").replace(/[\r\n\u2028\u2029]/g, " ");
    this.hoisted.push(`/** ${comment} */\nfunction ${name}(${params}): ${returnType} {\n${body}\n}`);
    return `${name}(${args})`;
  }

  private traced(e: A.Expr, vars: Vars, clause: string | undefined): string {
    switch (e.kind) {
      case "Binary":
        if (e.operator === "and") {
          // `a and b and c` is one list of conditions to a reader, not a nest of pairs; every part
          // is shown, also after a false one (Tracer.and), unless it needs an earlier one to hold.
          const operands = flatten(e, e.operator);
          return `t.and(${operands.map((o, i) => (i > 0 && this.readsNarrowed(o) ? `rt.dependent(() => ${this.point(o, vars, clause)})` : `() => ${this.point(o, vars, clause)}`)).join(", ")})`;
        }
        if (e.operator === "or") return `(${flatten(e, e.operator).map((o) => this.point(o, vars, clause)).join(" || ")})`;
        return this.emit(e, vars);
      case "Quantified":
        if (this.memberKey(e) !== undefined) return this.tracedLoop(e, vars, clause);
        return this.emit(e, vars);
      case "Unary":
        if (e.operator === "not") return `!${this.point(e.operand, vars, clause)}`;
        return this.emit(e, vars);
      case "If":
        return `(${this.point(e.condition, vars, clause)} ? ${this.traced(e.then, vars, clause)} : ${this.traced(e.else, vars, clause)})`;
      case "NameRef":
        if (this.ref(e)?.kind === "definition") return this.nameRef(e, vars, true);
        return this.emit(e, vars);
      case "Call":
        return this.bang(e, `d_${e.callee.text}_traced(${["t", this.inputVar, ...e.args.map((a) => this.emit(a, vars))].join(", ")})`);
      default:
        return this.emit(e, vars);
    }
  }

  /** Registers the site of a definition's traced body; returns its id. */
  definitionSite(d: A.DefinitionDecl, facts: readonly { label: string }[]): number {
    const id = this.sites.length;
    const clause = d.context.clause;
    const text = `${d.name.text}${d.params.length === 0 ? "" : `(${d.params.map((p) => p.name.text).join(", ")})`} = ${this.source.of(d.body.span)}`;
    const quantifier = this.quantifierSite(d.body);
    const phrase = this.phrases.words(d.name.text);
    this.sites.push({ kind: "definition", name: d.name.text, text, at: at(d.name.span), facts: facts.map((f) => f.label), phrase, ...(clause === undefined ? {} : { clause }), ...operatorOf(d.body, false), ...(quantifier === undefined ? {} : { quantifier }) });
    return id;
  }

  /**
   * The facts a condition reads: maximal paths rooted at the input or at a variable in scope
   * (not at a variable the condition binds itself), and the parameters it uses.
   */
  freePaths(e: A.Expr, vars: Vars): { label: string; code: string }[] {
    const out = new Map<string, string>();
    const walk = (x: A.Expr, bound: ReadonlySet<string>): void => {
      const key = pathKey(x);
      if (key !== undefined && (x.kind === "MemberAccess" || x.kind === "NameRef")) {
        const root = key.split(".")[0];
        const r = this.ref(x);
        if (r?.kind === "enumMember") return;
        if (r?.kind === "parameter") {
          out.set(key, `p_${r.name}`);
          return;
        }
        if (r?.kind === "definition") return;
        const rootIsFree = root === this.program.input.name.text || (vars.has(root) && !bound.has(root));
        if (rootIsFree && !bound.has(root)) {
          if (x.kind === "NameRef" && root === this.program.input.name.text) return; // the whole record is not a useful fact
          out.set(key, this.safePath(x));
          return;
        }
        return;
      }
      switch (x.kind) {
        case "MemberAccess":
          walk(x.object, bound);
          return;
        case "Call":
          x.args.forEach((a) => walk(a, bound));
          return;
        case "Unary":
          walk(x.operand, bound);
          return;
        case "Binary":
          walk(x.left, bound);
          walk(x.right, bound);
          return;
        case "Membership":
          walk(x.element, bound);
          x.set.forEach((m) => walk(m, bound));
          return;
        case "Presence":
          walk(x.operand, bound);
          return;
        case "Otherwise":
          walk(x.value, bound);
          walk(x.fallback, bound);
          return;
        case "If":
          walk(x.condition, bound);
          walk(x.then, bound);
          walk(x.else, bound);
          return;
        case "Quantified":
        case "Aggregated":
        case "Collect": {
          walk(x.collection, bound);
          const inner = new Set(bound);
          inner.add(x.variable.text);
          if (x.filter !== undefined) walk(x.filter, inner);
          if (x.kind === "Quantified" && x.predicate !== undefined) walk(x.predicate, inner);
          if (x.kind !== "Quantified") walk(x.value, inner);
          return;
        }
        case "ListLiteral":
          x.elements.forEach((el) => walk(el, bound));
          return;
        case "DaysBetween":
          walk(x.from, bound);
          walk(x.to, bound);
          return;
        default:
          return;
      }
    };
    walk(e, new Set());
    return [...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([label, code]) => ({ label, code }));
  }

  /** A path read with `?.` after the root, so recording a fact never throws on an absent record. */
  private safePath(e: A.Expr): string {
    if (e.kind === "MemberAccess") {
      const obj = this.safePath(e.object);
      return e.object.kind === "NameRef" ? `${obj}.${e.member.text}` : `${obj}?.${e.member.text}`;
    }
    if (e.kind === "NameRef") {
      const r = this.ref(e);
      return r?.kind === "input" ? this.inputVar : `v_${e.name.text}`;
    }
    return "undefined";
  }
}
