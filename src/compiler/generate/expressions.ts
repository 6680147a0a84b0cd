/**
 * Checked expressions → TypeScript expression text, in two modes: plain (fast: no closures,
 * quantifiers hoisted into module-level loops, constant sets hoisted) and traced (the same code with
 * `t.enter(site)` / `t.exit…(value, facts…)` around each condition a reader cares about). Takes the
 * CheckedVersion (every type, reference and narrowing the checker established: nothing is
 * resolved again here). Names come from names.ts, collision-free; every literal is written with
 * JSON.stringify (through render.ts literal), so no text from a rule document can break out of it. Expressions are walked with
 * the one traversal of ast/walk.ts; `and` / `or` chains are emitted flat, so a long condition
 * becomes a long line, not a deep nest.
 */
import type * as A from "../ast/nodes.js";
import { bindingPart, chainOperands, foldExpr, forEachExpr } from "../ast/walk.js";
import type { CheckedVersion, Ref } from "../check/index.js";
import { pathKey } from "../check/index.js";
import type { Type } from "../check/types.js";
import type { TraceSite } from "../../runtime/trace.js";
import { Phrases } from "../phrase/index.js";
import type { Span } from "../source/span.js";
import * as N from "./names.js";
import { inlineDoc, literal } from "./render.js";
import { orderedPair, type OrderedPair } from "./ordered-pairs.js";
import { enabled, type GenerateOptions } from "./passes.js";
import { type FusedScans, fusedScans, type Scan, type ScanRead } from "./fused-scans.js";

/** The evaluation's frame, as every generated function names its first parameter, and its type. */
export const FRAME = "f";
export const FRAME_TYPE = "Frame";
/** The input record, read through the frame. */
export const INPUT = "f.input";
/** The type of a traced evaluation's tracer: the version's own Tracer (pass "definitions-in-tracer"), or the runtime's. */
export const TRACER_TYPE = "Tracer";

/** TypeScript type text for a checked type; `typeRef` spells a declared type's name. */
export function tsType(t: Type, typeRef: (name: string) => string): string {
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
      return typeRef(t.name);
    case "list":
      return `readonly ${wrapUnion(tsType(t.element, typeRef))}[]`;
    case "optional":
      return `${tsType(t.inner, typeRef)} | null`;
    case "empty":
      return "never";
    default:
      return "unknown";
  }
}

/** A declared type as `rules.ts` and `index.ts` spell it: through their `model` import. */
export const modelType = (name: string): string => `model.${N.typeName(name)}`;

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
type Binding = A.Expr & { kind: "Quantified" | "Aggregated" | "Collect" };

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

/** Longest run of one operator written flat: TypeScript's binder and V8 recurse on each `&&`. */
const CHAIN = 32;

/**
 * `parts` joined by `operator` (`&&`, `||`), parenthesised: flat up to 32 operands, beyond that
 * in parenthesised groups of 32, so a condition of 900 terms nests two levels, not 900.
 */
export function joinChain(parts: readonly string[], operator: "&&" | "||"): string {
  if (parts.length <= CHAIN) return `(${parts.join(` ${operator} `)})`;
  const groups: string[] = [];
  for (let i = 0; i < parts.length; i += CHAIN) groups.push(joinChain(parts.slice(i, i + CHAIN), operator));
  return joinChain(groups, operator);
}

/** Code simple enough to stand as an operand without parentheses. */
function simple(code: string): boolean {
  return /^[\w$.!"]+$/.test(code);
}

/**
 * Whether `code` is a reference TypeScript narrows when it is compared or tested (`v$a.outcome`,
 * `f.input.n`, `xs.length`, `v$x`): not a literal, a call or anything parenthesised.
 */
function narrowable(code: string): boolean {
  return /^[A-Za-z_$][\w$]*(?:!?\.[A-Za-z_$][\w$]*|!?\["(?:[^"\\]|\\.)*"\])*!?$/.test(code) && !/^(?:true|false|null|undefined|NaN|Infinity)$/.test(code);
}

/** Emits expressions for one version, collecting the module-level helpers they need. */
export class ExpressionEmitter {
  /** Module-level functions (hoisted loops), in creation order. */
  readonly hoisted: string[] = [];
  /**
   * Module-level constant sets, in creation order: declared before the parameters, whose values
   * (computed when the module loads) may test membership in them.
   */
  readonly constants: string[] = [];
  /** Whether a parameter's value is being emitted: module-level code, with no input in scope. */
  private constantContext = false;
  readonly sites: TraceSite[] = [];
  private readonly hoistedNames = new Map<A.Expr, string>();
  /** Traced definitions the traced code calls: only those are generated (no unused function). */
  readonly tracedDefinitionsUsed = new Set<string>();
  private readonly phrases: Phrases;
  /** Loops and ordered pairs' extremes read from a scan of their list (pass: fused scans), and the scans written so far. */
  private readonly scans: FusedScans;
  /** The scans' passes written so far, by scan and part (`2:counts`, `2:0`). */
  private readonly scansWritten = new Set<string>();
  /** The frame's fields for the scans written (frame.ts): declarations with their doc comments. */
  readonly scanFields: string[] = [];

  constructor(
    private readonly version: CheckedVersion,
    private readonly source: SourceText,
    private readonly options: GenerateOptions = {},
  ) {
    this.phrases = new Phrases(version);
    this.scans = enabled(options, "fused-scans") ? fusedScans(version, enabled(options, "ordered-pairs")) : { loops: new Map(), extremes: new Map() };
  }

  /** The type of the tracer `t` that traced functions take: the version's Tracer subclass, or the runtime's when pass "definitions-in-tracer" is off. */
  get tracerType(): string {
    return enabled(this.options, "definitions-in-tracer") ? TRACER_TYPE : "rt.Tracer";
  }

  /** Every generated function takes the evaluation's frame (see frame.ts); the record is `f.input`. */
  private get inputParam(): string {
    return `${FRAME}: ${FRAME_TYPE}`;
  }

  private tracedDefinition(name: string): string {
    this.tracedDefinitionsUsed.add(name);
    return N.tracedDefinition(name);
  }

  private type(e: A.Expr): Type {
    return this.version.types.get(e)!;
  }

  private ref(e: A.Expr): Ref | undefined {
    return this.version.refs.get(e);
  }

  private bang(e: A.Expr, code: string): string {
    return this.version.narrowed.has(e) ? `${code}!` : code;
  }

  /** How a field is read: own-property safe, with its default when an amendment added it with one. */
  private field(e: A.Expr & { kind: "MemberAccess" }, object: string): string {
    const r = this.ref(e);
    const fallback = r?.kind === "field" ? this.version.fieldDefaults.get(r.recordName)?.get(r.field) : undefined;
    // A field that must be present (not optional, no default) is one the validator found on the record itself.
    const required = r?.kind === "field" && fallback === undefined && this.version.fieldTypes.get(r.recordName)?.get(r.field)?.kind !== "optional";
    const read = N.readField(object, e.member.text, !required);
    return fallback === undefined ? read : `(${read} ?? ${this.emit(fallback, new Map())})`;
  }

  /** Code for a parameter's value, run when the module loads: its loops take no input. */
  emitConstant(root: A.Expr): string {
    this.constantContext = true;
    try {
      return this.emit(root, new Map());
    } finally {
      this.constantContext = false;
    }
  }

  /** Plain (untraced) code for `e`, with `vars` the variables in scope. */
  emit(root: A.Expr, vars: Vars): string {
    return foldExpr<Vars, string>(root, vars, {
      instead: (e, v) => this.whole(e, v),
      up: (e, v, r) => this.combine(e, v, r),
    });
  }

  /** Nodes emitted whole rather than from their children's code: loops, existence tests, chains. */
  private whole(e: A.Expr, vars: Vars): string | undefined {
    if (e.kind === "Quantified" || e.kind === "Aggregated" || e.kind === "Collect") return this.hoistLoop(e, vars);
    if (e.kind === "Binary") {
      const exists = this.asExistence(e);
      if (exists !== undefined) return this.hoistLoop(exists, vars);
      if (e.operator === "and" || e.operator === "or") {
        // `a and b and c` is one chain of operands, however long: no nesting in the output.
        return joinChain(chainOperands(e, e.operator).map((o) => this.emit(o, vars)), e.operator === "and" ? "&&" : "||");
      }
    }
    return undefined;
  }

  private combine(e: A.Expr, vars: Vars, r: readonly string[]): string {
    const paren = (code: string): string => (simple(code) || code.startsWith("(") ? code : `(${code})`);
    switch (e.kind) {
      case "BooleanLiteral":
        return String(e.value);
      case "NumberLiteral":
        return String(Number(e.text));
      case "TextLiteral":
        return literal(e.value);
      case "DateLiteral":
      case "DateTimeLiteral":
        return literal(e.text);
      case "ClauseLiteral":
        return literal(e.number);
      case "NameRef":
        return this.nameRef(e, false);
      case "MemberAccess": {
        const ref = this.ref(e);
        if (ref?.kind === "enumMember") return literal(ref.member);
        return this.bang(e, this.field(e, r[0]));
      }
      case "Call":
        return this.bang(e, `${N.definition(e.callee.text)}(${[FRAME, ...r].join(", ")})`);
      case "Unary":
        return e.operator === "not" ? `!${paren(r[0])}` : `-${paren(r[0])}`;
      case "Binary":
        return this.binary(e, r[0], r[1]);
      case "Membership":
        return this.membership(e, r[0], r.slice(1), vars);
      case "Presence":
        return `(${r[0]} ${e.negated ? "==" : "!="} null)`;
      case "Otherwise":
        return `(${r[0]} ?? ${r[1]})`;
      case "If":
        return `(${r[0]} ? ${r[1]} : ${r[2]})`;
      case "ListLiteral":
        return `[${r.join(", ")}]`;
      case "DaysBetween":
        return `rt.daysBetween(${r[0]}, ${r[1]})`;
      case "Quantified":
      case "Aggregated":
      case "Collect":
        return this.hoistLoop(e, vars); // emitted whole (see `whole`); kept for completeness
    }
  }

  private nameRef(e: A.Expr & { kind: "NameRef" }, traced: boolean): string {
    const r = this.ref(e);
    switch (r?.kind) {
      case "input":
        return INPUT;
      case "variable":
        return this.bang(e, N.variable(r.name));
      case "parameter":
        return N.parameter(r.name);
      case "definition":
        return this.bang(e, traced ? `${this.tracedDefinition(r.name)}(t, ${FRAME})` : `${N.definition(r.name)}(${FRAME})`);
      case "enumMember":
        return literal(r.member);
      default:
        throw new Error(`internal: unresolved name ${e.name.text} at ${at(e.span)}`);
    }
  }

  private readonly existence = new Map<A.Expr, A.Expr & { kind: "Quantified" }>();

  /** `count x in xs where p > 0` (or `>= 1`): a loop that stops at the first match, counting nothing. */
  private asExistence(e: A.Expr & { kind: "Binary" }): (A.Expr & { kind: "Quantified" }) | undefined {
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

  private binary(e: A.Expr & { kind: "Binary" }, l: string, r: string): string {
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
        return `(${this.unnarrowed(e.left, this.widened(e.left, l, e.right))} ${neg ? "!==" : "==="} ${this.unnarrowed(e.right, r)})`;
      }
      case "<":
      case "<=":
      case ">":
      case ">=":
        if (lt.kind === "datetime") return `(rt.compareInstants(${l}, ${r}) ${e.operator} 0)`;
        // `a < ((b > (c)) ? …)` does not parse as TypeScript: from `<(` it reads type arguments of a
        // call (a fuzzer's document found it). So no `<` is written before a `(`: `x < (…)` becomes
        // `(…) > x`, the same test of operands that have no effects (never traced).
        // An operand known both present and absent (`x is present and x is absent and x >= D`) is
        // typed `never`, and `string >= never` does not compile: cast it as an equality does.
        l = this.unnarrowedOperand(e.left, l);
        r = this.unnarrowedOperand(e.right, r);
        if (e.operator === "<" && r.startsWith("(")) return `(${r} > ${l})`;
        return `(${l} ${e.operator} ${r})`;
      case "/":
        return `rt.divide(${l}, ${r}, ${literal(at(e.span))})`;
      default:
        return `(${l} ${e.operator} ${r})`;
    }
  }

  /**
   * Whether TypeScript gives `e`'s code a literal type (`"M3"`, `0.5`, `true ? "M1" : "M2"`): two
   * such operands with no value in common make `===` a compile error (TS2367), though the rule
   * document merely compares constants.
   */
  private literalTyped(e: A.Expr): boolean {
    switch (e.kind) {
      case "NumberLiteral":
      case "TextLiteral":
      case "BooleanLiteral":
      case "DateLiteral":
      case "DateTimeLiteral":
      case "ClauseLiteral":
        return true;
      case "NameRef":
      case "MemberAccess":
        return this.ref(e)?.kind === "enumMember";
      case "If":
        return this.literalTyped(e.then) && this.literalTyped(e.else);
      case "Unary":
        return this.literalTyped(e.operand);
      case "Binary":
        return (e.operator === "and" || e.operator === "or") && this.literalTyped(e.left) && this.literalTyped(e.right);
      default:
        return false;
    }
  }

  /** `code` (of `e`), cast to its declared type when both it and `other` are literal-typed, so comparing them compiles. */
  private widened(e: A.Expr, code: string, other: A.Expr): string {
    if (!this.literalTyped(e) || !this.literalTyped(other)) return code;
    return `(${code} as ${tsType(this.type(e), modelType)})`;
  }

  /**
   * `code` (of `e`), cast to its declared type when it is a reference TypeScript narrows: an
   * earlier comparison or test of the same value (`x != A and x = A`, `x = A or x = A`, `b and
   * b = false`, or one rule's test before another's) narrows it, and the later comparison would
   * not compile (TS2367), though the document is valid (a contradiction is merely always false).
   * The cast costs nothing at run time: TypeScript erases it.
   */
  private unnarrowed(e: A.Expr, code: string): string {
    // `x otherwise D` is narrowed through `x`: where `x` is known absent it is typed as D's literal.
    if (!narrowable(code) && e.kind !== "Otherwise") return code;
    const t = this.type(e);
    if (t.kind === "empty" || t.kind === "list" || t.kind === "record") return code;
    const ts = tsType(t, modelType);
    return ts === "unknown" ? code : `(${code} as ${ts})`;
  }

  /** An ordered operand TypeScript may narrow to `never`: an asserted field (`x!`) or `x otherwise D`. */
  private unnarrowedOperand(e: A.Expr, code: string): string {
    return code.endsWith("!") || e.kind === "Otherwise" ? this.unnarrowed(e, code) : code;
  }

  private membership(e: A.Expr & { kind: "Membership" }, el: string, members: readonly string[], vars: Vars): string {
    // A literal compared with literal members (`M3 in {M4, M1}`) is cast to its type (see `widened`).
    if (e.set.some((m) => this.literalTyped(m))) el = this.widened(e.element, el, e.set.find((m) => this.literalTyped(m))!);
    const constant = e.set.every((m) => this.ref(m)?.kind === "enumMember" || m.kind === "TextLiteral" || m.kind === "NumberLiteral");
    let test: string;
    // A few constants against a plain path: comparisons beat a Set lookup (no hashing, no call).
    if (constant && e.set.length <= 8 && simple(el)) {
      // A member written twice is compared once: TypeScript narrows `el` after the first
      // comparison, and the second would not compile (TS2367).
      // And `el` is cast to its declared type, as in a comparison (see `unnarrowed`).
      const ref = this.unnarrowed(e.element, el);
      test = `(${[...new Set(members)].map((m) => `${ref} === ${m}`).join(" || ")})`;
    } else if (constant) {
      let name = this.hoistedNames.get(e);
      if (name === undefined) {
        name = `SET_${this.hoistedNames.size}`;
        this.hoistedNames.set(e, name);
        this.constants.push(`const ${name}: ReadonlySet<${tsType(this.type(e.element), modelType)}> = new Set([${members.join(", ")}]);`);
      }
      test = `${name}.has(${el})`;
    } else {
      // Members that are all literals would type the array as their union only: type it as the element's type.
      const list = e.set.every((m) => this.literalTyped(m)) ? `([${members.join(", ")}] as ${wrapUnion(tsType(this.type(e.element), modelType))}[])` : `[${members.join(", ")}]`;
      test = `${list}.includes(${el})`;
    }
    void vars;
    return e.negated ? `!${test}` : test;
  }

  /** Quantifiers, aggregates and `collect` become module-level functions with a plain loop. */
  private hoistLoop(e: Binding, vars: Vars): string {
    // Over a whole list, with no condition: its length says it (no loop, no function).
    if (e.kind === "Quantified" && e.filter === undefined && e.predicate === undefined && enabled(this.options, "list-length")) {
      const list = this.emit(e.collection, vars);
      const len = /^[\w$.]+$/.test(list) ? `${list}.length` : `(${list}).length`;
      if (e.quantifier === "count") return len;
      if (e.quantifier === "some") return `(${len} > 0)`;
      if (e.quantifier === "no") return `(${len} === 0)`;
      return "true";
    }
    // One pass over the list for every loop that tests the same condition (fused-scans.ts).
    const fused = this.constantContext ? undefined : this.scans.loops.get(e);
    if (fused !== undefined) return this.scanRead(fused, this.emit(e.collection, vars));
    // In a parameter's value, no frame (and no input) is in scope: the checker allows none there.
    const frame = this.constantContext ? [] : [FRAME];
    const args = [...frame, ...[...vars.keys()].map(N.variable)].join(", ");
    const existing = this.hoistedNames.get(e);
    if (existing !== undefined) return `${existing}(${args})`;
    const name = `loop_${this.hoistedNames.size}`;
    this.hoistedNames.set(e, name);
    const collectionType = this.type(e.collection);
    const elementType = collectionType.kind === "list" ? collectionType.element : collectionType;
    const inner = new Map(vars);
    inner.set(e.variable.text, elementType);
    const params = [...(this.constantContext ? [] : [this.inputParam]), ...[...vars.entries()].map(([v, t]) => `${N.variable(v)}: ${tsType(t, modelType)}`)].join(", ");
    const list = this.emit(e.collection, vars);
    const filter = e.filter === undefined ? undefined : this.emit(e.filter, inner);
    const loopVar = N.variable(e.variable.text);
    const guard = (body: string): string => (filter === undefined ? body : `if (${filter}) { ${body} }`);
    let body: string;
    let returnType: string;
    const pair = e.kind === "Quantified" && enabled(this.options, "ordered-pairs") ? orderedPair(this.version, e) : undefined;
    if (pair !== undefined) {
      returnType = "boolean";
      body = this.orderedPairBody(pair, vars, inner, list);
    } else if (e.kind === "Quantified") {
      const pred = e.predicate === undefined ? undefined : this.emit(e.predicate, inner);
      // Without a predicate every element that passes the filter counts: no `if (true)`.
      const when = (test: string | undefined, then: string): string => (test === undefined ? then : `if (${test}) ${then}`);
      switch (e.quantifier) {
        case "some":
          returnType = "boolean";
          body = `for (const ${loopVar} of ${list}) { ${guard(when(pred, "return true;"))} }\nreturn false;`;
          break;
        case "every":
          returnType = "boolean";
          body = `for (const ${loopVar} of ${list}) { ${guard(when(pred === undefined ? undefined : `!(${pred})`, "return false;"))} }\nreturn true;`;
          break;
        case "no":
          returnType = "boolean";
          body = `for (const ${loopVar} of ${list}) { ${guard(when(pred, "return false;"))} }\nreturn true;`;
          break;
        case "count":
          returnType = "number";
          body = `let n = 0;\nfor (const ${loopVar} of ${list}) { ${guard(when(pred, "n++;"))} }\nreturn n;`;
          break;
      }
    } else if (e.kind === "Aggregated") {
      const value = this.emit(e.value, inner);
      const valueType = this.type(e.value);
      if (e.aggregate === "sum") {
        returnType = "number";
        body = `let s = 0;\nfor (const ${loopVar} of ${list}) { ${guard(`s += ${value};`)} }\nreturn s;`;
      } else {
        const better = valueType.kind === "datetime" ? `rt.compareInstants(x, best) ${e.aggregate === "min" ? "<" : ">"} 0` : `x ${e.aggregate === "min" ? "<" : ">"} best`;
        const t = tsType(valueType, modelType);
        returnType = `${t} | null`;
        // No narrowing of `best` from `T | null` is needed: a constant `where false` makes the loop's
        // body unreachable to TypeScript, which then narrows nothing and would see `best` as null.
        body = `let found = false;\nlet best!: ${t};\nfor (const ${loopVar} of ${list}) { ${guard(`const x = ${value}; if (!found || ${better}) { best = x; found = true; }`)} }\nreturn found ? best : null;`;
      }
    } else {
      const valueType = this.type(e.value);
      returnType = `${tsType(valueType, modelType)}[]`;
      body = `const out: ${wrapUnion(tsType(valueType, modelType))}[] = [];\nfor (const ${loopVar} of ${list}) { ${guard(`out.push(${this.emit(e.value, inner)});`)} }\nreturn out;`;
    }
    // Everything in the comment comes from the rule document (its text and its file's path).
    const how = pair === undefined ? "" : ", in O(n + m): the extreme of one side against each value of the other (pass: ordered pairs)";
    const comment = inlineDoc(`${this.quoted(e)} (${at(e.span)})${how}`);
    this.hoisted.push(`/** ${comment} */\nfunction ${name}(${params}): ${returnType} {\n${body}\n}`);
    return `${name}(${args})`;
  }

  /** `e` as written in the rule document, in backquotes (a backquote in it written as `'`), for a comment. */
  private quoted(e: A.Expr): string {
    return `\`${this.source.of(e.span).replace(/`/g, "'")}\``;
  }

  /** What a fused loop reads from the scan of `list` (pass: fused scans). */
  private scanRead(r: ScanRead, list: string): string {
    switch (r.read) {
      case "count":
        return `${this.scanFunction(r.scan, "counts")}(${FRAME}, ${list}).count${r.condition}`;
      case "some":
        return `(${this.scanFunction(r.scan, "counts")}(${FRAME}, ${list}).count${r.condition} > 0)`;
      case "min":
      case "max":
        return `${this.scanFunction(r.scan, r.scan.values[r.value].condition)}(${FRAME}, ${list}).${r.read}${r.value}`;
    }
  }

  /**
   * A scan's function (written at its first use), its result's interface and its frame field.
   * `counts`: one pass over a list tests each counted condition of each element once and counts
   * the elements that meet it (cheap: most conditions compare a field with a constant). A
   * condition's number: a second pass, made only when a loop reads them, keeps the least and
   * greatest values read under that condition (dearer: date-times compared), so a `some` or
   * `count` never pays for extremes no one reads. The frame keeps each pass's last list and its
   * result, one object reused for every list.
   */
  private scanFunction(scan: Scan, part: "counts" | number): string {
    const name = part === "counts" ? `scan_${scan.index}` : `scan_${scan.index}_${part}`;
    const key = `${scan.index}:${part}`;
    if (this.scansWritten.has(key)) return name;
    this.scansWritten.add(key);
    const type = part === "counts" ? `Scan_${scan.index}` : `Scan_${scan.index}_${part}`;
    const elementType = scan.list.kind === "list" ? scan.list.element : scan.list;
    const vars: Vars = new Map([[scan.variable, elementType]]);
    const x = N.variable(scan.variable);
    const fields: { name: string; type: string; doc: string }[] = [];
    const tests: string[] = [];
    const textOf = (parts: readonly A.Expr[]): string => (parts.length === 0 ? "every element" : `\`${parts.map((c) => this.source.of(c.span).replace(/`/g, "'")).join(" and ")}\``);
    const test = (parts: readonly A.Expr[], keep: readonly string[]): void => {
      if (parts.length === 0) {
        tests.push(...keep);
        return;
      }
      const condition = parts.length === 1 ? this.emit(parts[0], vars) : joinChain(parts.map((p) => this.emit(p, vars)), "&&");
      tests.push(keep.length === 1 ? `if (${condition}) ${keep[0]}` : [`if (${condition}) {`, ...keep, "}"].join("\n"));
    };
    let readers: readonly A.Expr[];
    let what: string;
    if (part === "counts") {
      scan.conditions.forEach((c, k) => {
        if (!c.counted) return;
        fields.push({ name: `count${k}`, type: "number", doc: `How many elements meet ${textOf(c.parts)}.` });
        test(c.parts, [`count${k}++;`]);
      });
      const counted = fields.length;
      const reads = this.scans;
      readers = scan.loops.filter((l) => {
        const pair = reads.extremes.get(l);
        return pair === undefined ? l.kind === "Quantified" : scan.conditions[scan.values[pair.value].condition].counted;
      });
      what = counted === 1 ? "which count the elements that meet one condition" : `which count the elements that meet ${counted} conditions`;
    } else {
      const c = scan.conditions[part];
      const keep: string[] = [];
      scan.values.forEach((v, i) => {
        if (v.condition !== part) return;
        const t = tsType(v.type, modelType);
        const text = this.quoted(v.value);
        const value = `x${i}`;
        keep.push(`const ${value} = ${this.emit(v.value, vars)};`);
        const among = c.parts.length === 0 ? "of the elements" : `of the elements that meet ${textOf(c.parts)}`;
        // `before(p, q)`: p is strictly below q (an earlier instant for date-times), so the first of equal values stays.
        const before = (p: string, q: string): string => (v.type.kind === "datetime" ? `rt.instantBefore(${p}, ${q})` : `${p} < ${q}`);
        const min = `min${i}`;
        const max = `max${i}`;
        for (const [kept, on, field] of [["least", v.min, min], ["greatest", v.max, max]] as const) {
          if (on) fields.push({ name: field, type: `${t} | null`, doc: `The ${kept} ${text} ${among} (the first of equal ones), or null when there is none.` });
        }
        if (v.min && v.max) {
          // Both kept: a value above the greatest cannot be below the least, so one test settles most elements.
          // The greatest is tested first: lists of events are usually appended in time order, and in an
          // ascending list every element is a new greatest, one test each (least first took two; a
          // date-time comparison is a string comparison or two parses, the most of such a scan's work).
          keep.push(`if (${min} === null || ${max} === null) { ${min} = ${value}; ${max} = ${value}; }`, `else if (${before(max, value)}) ${max} = ${value};`, `else if (${before(value, min)}) ${min} = ${value};`);
        } else if (v.min) keep.push(`if (${min} === null || ${before(value, min)}) ${min} = ${value};`);
        else keep.push(`if (${max} === null || ${before(max, value)}) ${max} = ${value};`);
      });
      test(c.parts, keep);
      const reads = this.scans;
      readers = scan.loops.filter((l) => {
        const r = reads.loops.get(l) ?? reads.extremes.get(l);
        return r !== undefined && (r.read === "min" || r.read === "max") && scan.values[r.value].condition === part;
      });
      what = `which keep the least or greatest values of the elements that meet ${c.parts.length === 0 ? "no condition (every element)" : textOf(c.parts)}`;
    }
    const listType = tsType(scan.list, modelType);
    const pairRole = part === "counts" ? "whether any a qualifies" : "its extreme";
    const uses = readers.map((l) => `${this.quoted(l)} (${at(l.span)})${this.scans.extremes.has(l) ? `, ${pairRole} (pass: ordered pairs)` : ""}`);
    this.hoisted.push(
      [
        `/** What one pass over a list finds about its elements \`${scan.variable}\` (pass: fused scans). */`,
        `interface ${type} {`,
        "/** The list scanned. */",
        `list: ${listType};`,
        ...fields.flatMap((f) => [`/** ${inlineDoc(f.doc)} */`, `${f.name}: ${f.type};`]),
        "}",
        "",
        "/**",
        ` * One pass over \`list\` for these loops, ${what} (pass: fused scans):`,
        ...uses.map((u) => ` * - ${inlineDoc(u)}`),
        " * The frame keeps the last list scanned: the loops that read one list in turn scan it once.",
        " */",
        `function ${name}(${this.inputParam}, list: ${listType}): ${type} {`,
        `let s = ${FRAME}.${name};`,
        "if (s !== undefined && s.list === list) return s;",
        ...fields.map((f) => `let ${f.name}: ${f.type} = ${f.type === "number" ? "0" : "null"};`),
        `for (const ${x} of list) {`,
        ...tests,
        "}",
        `if (s === undefined) ${FRAME}.${name} = s = { ${["list", ...fields.map((f) => f.name)].join(", ")} };`,
        `else { ${["list", ...fields.map((f) => f.name)].map((f) => `s.${f} = ${f};`).join(" ")} }`,
        "return s;",
        "}",
      ].join("\n"),
    );
    this.scanFields.push(`/** The last list \`${name}\` scanned, and what it found. */\n${name}: ${type} | undefined = undefined;`);
    return name;
  }

  /**
   * The body of an ordered-pairs loop (see ordered-pairs.ts): the least (or greatest) compared
   * value of the a's that qualify, then the c's that qualify compared with it, stopping at the
   * first that holds.
   */
  private orderedPairBody(p: OrderedPair, vars: Vars, outerVars: Vars, list: string): string {
    const a = N.variable(p.outer.variable.text);
    const c = N.variable(p.inner.variable.text);
    const aOperand = p.aSide === "left" ? p.comparison.left : p.comparison.right;
    const cOperand = p.aSide === "left" ? p.comparison.right : p.comparison.left;
    // The c's scope: the variables outside the pattern and `c`, not `a` (nothing there reads it).
    const innerVars = new Map(vars);
    const yType = this.type(p.inner.collection);
    innerVars.set(p.inner.variable.text, yType.kind === "list" ? yType.element : yType);
    const cTests = [...(p.inner.filter === undefined ? [] : [p.inner.filter]), ...p.innerFilters].map((x) => this.emit(x, innerVars));
    const valueType = this.type(aOperand);
    const t = tsType(valueType, modelType);
    const beyond = p.extreme === "min" ? "<" : ">";
    const better = valueType.kind === "datetime" ? (p.extreme === "min" ? "rt.instantBefore(x, best)" : "rt.instantBefore(best, x)") : `x ${beyond} best`;
    const cValue = this.emit(cOperand, innerVars);
    const [l, r] = p.aSide === "left" ? ["best", cValue] : [cValue, "best"];
    // Date-times: one instant comparison (rt.instantBefore), the same order as rt.compareInstants.
    const instants: Record<string, string> = { "<": `rt.instantBefore(${l}, ${r})`, ">": `rt.instantBefore(${r}, ${l})`, "<=": `!rt.instantBefore(${r}, ${l})`, ">=": `!rt.instantBefore(${l}, ${r})` };
    const holds = valueType.kind === "datetime" ? instants[p.comparison.operator] : this.binary(p.comparison, l, r);
    const found = p.outer.quantifier === "some";
    const guarded = (tests: readonly string[], body: string): string =>
      tests.length === 0 ? body : `if (${tests.length === 1 && tests[0].startsWith("(") ? tests[0] : joinChain(tests, "&&")}) { ${body} }`;
    // The extreme read from the scan of the a's list, when one stands for this loop (pass: fused scans).
    const extreme = this.constantContext ? undefined : this.scans.extremes.get(p.outer);
    let first: string[];
    if (extreme === undefined) {
      const aTests = [...(p.outer.filter === undefined ? [] : [p.outer.filter]), ...p.outerFilters].map((x) => this.emit(x, outerVars));
      const keep = `const x = ${this.emit(aOperand, outerVars)}; if (best === null || ${better}) best = x;`;
      first = [`let best: ${t} | null = null;`, `for (const ${a} of ${list}) { ${guarded(aTests, keep)} }`];
    } else {
      // None of the a's meets the condition (the cheap pass says so): no pair, and no extreme to look for.
      const k = extreme.scan.values[extreme.value].condition;
      const none = extreme.scan.conditions[k].counted ? [`if (${this.scanRead({ scan: extreme.scan, read: "count", condition: k }, list)} === 0) return ${p.outer.quantifier !== "some"};`] : [];
      first = [...none, `const best: ${t} | null = ${this.scanRead(extreme, list)};`];
    }
    return [
      ...first,
      `if (best === null) return ${!found};`,
      `for (const ${c} of ${this.emit(p.inner.collection, vars)}) { ${guarded([...cTests, holds], `return ${found};`)} }`,
      `return ${!found};`,
    ].join("\n");
  }

  // -------------------------------------------------------------------------------------------
  // Traced mode

  /** Traced code for a rule's `when`: a site of its own. */
  traceRoot(e: A.Expr, vars: Vars, clause: string | undefined): string {
    return this.point(e, vars, clause);
  }

  /**
   * Traced code for a definition body: the definition's own site stands for its root. `closed`
   * when the code ends that site itself (an `and`, pass "closing-ands"): the caller adds no exit.
   */
  traceBody(e: A.Expr, vars: Vars, clause: string | undefined): { code: string; closed: boolean } {
    return this.siteBody(e, vars, clause);
  }

  /**
   * The traced code of a site's whole condition `e` (its `enter` already recorded). An `and` ends
   * the site itself (pass "closing-ands": `closed`), so that where it stops at a false part one
   * event says so and closes the site (`t.exitSkipped`), not a `skip` and then the caller's `exit`.
   */
  private siteBody(e: A.Expr, vars: Vars, clause: string | undefined): { code: string; closed: boolean } {
    if (e.kind === "Binary" && e.operator === "and" && enabled(this.options, "closing-ands")) return { code: this.tracedAnd(e, vars, clause, true), closed: true };
    return { code: this.traced(e, vars, clause), closed: false };
  }

  private isDefinitionRef(e: A.Expr): boolean {
    return (e.kind === "NameRef" || e.kind === "Call") && this.ref(e)?.kind === "definition";
  }

  /** A trace site around `e`: `(t.enter(id), t.exit…(value, facts…))`, or `t.leaf…(id, value, facts…)` when `e` has no traced parts. */
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
    if (compared !== undefined && e.kind === "Binary") {
      // Both operands recorded (`40 >= 108`): computed once (`t.operands`), then compared as plain code would.
      const t = tsType(compared, modelType);
      const test = this.binary(e, `(t.l as ${t})`, `(t.r as ${t})`);
      return `(t.operands(${this.emit(e.left, vars)}, ${this.emit(e.right, vars)}), ${leafCall(id, test, facts)})`;
    }
    const { code: value, closed } = this.siteBody(e, vars, clause);
    if (closed) return `(t.enter(${id}), ${value})`;
    return tracesParts(value) ? `(t.enter(${id}), ${exitCall(value, facts)})` : leafCall(id, value, facts);
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
    const fields = [...(this.version.fieldTypes.get(t.element.name) ?? new Map<string, Type>())];
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
      if (this.version.narrowed.has(x)) found = true;
    });
    return found;
  }

  private readonly tracedLoops = new Map<A.Expr, string>();

  /**
   * A quantifier traced member by member: each element's predicate under `t.member` /
   * `t.endMember`; once the value is known, the remaining elements are explored for a complete
   * trace (`t.complete`), or counted as not evaluated (`t.skip`) for a trace as evaluated.
   */
  private tracedLoop(e: A.Expr & { kind: "Quantified" }, vars: Vars, clause: string | undefined): string {
    const args = ["t", FRAME, ...[...vars.keys()].map(N.variable)].join(", ");
    const existing = this.tracedLoops.get(e);
    if (existing !== undefined) return `${existing}(${args})`;
    const name = `traced_loop_${this.tracedLoops.size}`;
    this.tracedLoops.set(e, name);
    const collectionType = this.type(e.collection);
    const inner = new Map(vars);
    inner.set(e.variable.text, collectionType.kind === "list" ? collectionType.element : collectionType);
    const params = [`t: ${this.tracerType}`, this.inputParam, ...[...vars.entries()].map(([v, t]) => `${N.variable(v)}: ${tsType(t, modelType)}`)].join(", ");
    const list = this.emit(e.collection, vars);
    const filter = e.filter === undefined ? undefined : this.emit(e.filter, inner);
    const pred = this.point(e.predicate!, inner, clause);
    const x = N.variable(e.variable.text);
    const guard = (body: string): string => (filter === undefined ? body : `if (${filter}) { ${body} }`);
    const one = `t.member(${x}); t.endMember(${pred});`;
    const loop = (init: string, decided: string, update: string, type: string): string =>
      `let value: ${type} = ${init};\nlet skipped = 0;\nfor (const ${x} of ${list}) {\nif (${decided}) {\nif (t.complete) ${explored(guard(one))}\nelse skipped++;\n}\nelse ${filter === undefined ? "" : `if (${filter}) `}{ t.member(${x}); ${update} }\n}\nif (skipped > 0) t.skip(skipped);\nreturn value;`;
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
    const comment = inlineDoc(`${this.quoted(e)} (${at(e.span)}), traced member by member`);
    this.hoisted.push(`/** ${comment} */\nfunction ${name}(${params}): ${returnType} {\n${body}\n}`);
    return `${name}(${args})`;
  }

  private tracedAnds = 0;

  /**
   * `a and b and c` traced: one hoisted function (no closure per part), its parts in order, the
   * value plain evaluation gives (stopping at the first false part), and every part after a false
   * one explored (`explored`) for a complete trace (`t.complete`), unless it reads an optional
   * value an earlier part proved present; for a trace as evaluated, the parts after a false one
   * are counted as not evaluated (`t.skip`) and the function returns.
   * `a and b and …` is one list of conditions to a reader, not a nest of pairs.
   * When it `closes` its site (pass "closing-ands"), it returns through `t.exit(value)`, and
   * where it stops, through `t.exitSkipped(count)`: the count and the exit in one call.
   */
  private tracedAnd(e: A.Expr & { kind: "Binary" }, vars: Vars, clause: string | undefined, closes = false): string {
    const args = ["t", FRAME, ...[...vars.keys()].map(N.variable)].join(", ");
    const name = `traced_and_${this.tracedAnds++}`;
    const params = [`t: ${this.tracerType}`, this.inputParam, ...[...vars.entries()].map(([v, t]) => `${N.variable(v)}: ${tsType(t, modelType)}`)].join(", ");
    const operands = chainOperands(e, "and");
    const lines = operands.map((o, i) => {
      const part = this.point(o, vars, clause);
      if (i === 0) return `let value: boolean = ${part};`;
      const stop = closes ? `return t.exitSkipped(${operands.length - i});` : `{ t.skip(${operands.length - i}); return false; }`;
      return this.readsNarrowed(o) ? `if (value) value = ${part};\nelse if (!t.complete) ${stop}` : `if (value) value = ${part};\nelse if (t.complete) ${explored(`${part};`)}\nelse ${stop}`;
    });
    const comment = inlineDoc(`${this.quoted(e)} (${at(e.span)}), traced part by part${closes ? ", ending its site" : ""}`);
    this.hoisted.push(`/** ${comment} */\nfunction ${name}(${params}): boolean {\n${lines.join("\n")}\nreturn ${closes ? "t.exit(value)" : "value"};\n}`);
    return `${name}(${args})`;
  }

  private traced(e: A.Expr, vars: Vars, clause: string | undefined): string {
    switch (e.kind) {
      case "Binary":
        if (e.operator === "and") {
          // `a and b and c` is one list of conditions to a reader, not a nest of pairs; every part
          // is shown, also after a false one (tracedAnd), unless it needs an earlier one to hold.
          return this.tracedAnd(e, vars, clause);
        }
        if (e.operator === "or") return joinChain(chainOperands(e, e.operator).map((o) => this.point(o, vars, clause)), "||");
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
        if (this.ref(e)?.kind === "definition") return this.nameRef(e, true);
        return this.emit(e, vars);
      case "Call":
        return this.bang(e, `${this.tracedDefinition(e.callee.text)}(${["t", FRAME, ...e.args.map((a) => this.emit(a, vars))].join(", ")})`);
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
  freePaths(root: A.Expr, vars: Vars): { label: string; code: string }[] {
    const out = new Map<string, string>();
    const inputName = this.version.input.name.text;
    foldExpr<ReadonlySet<string>, null>(root, new Set(), {
      // A variable the condition binds hides nothing outside, but its paths are not facts.
      down: (parent, i, bound) => {
        const part = bindingPart(parent, i);
        return part === undefined || part === "collection" ? bound : new Set([...bound, (parent as Binding).variable.text]);
      },
      instead: (x, bound) => {
        const key = pathKey(x);
        if (key === undefined || (x.kind !== "MemberAccess" && x.kind !== "NameRef")) return undefined;
        const r = this.ref(x);
        if (r?.kind === "parameter") out.set(key, N.parameter(r.name));
        if (r?.kind === "enumMember" || r?.kind === "definition" || r?.kind === "parameter") return null;
        const head = key.split(".")[0];
        const free = !bound.has(head) && (head === inputName || vars.has(head));
        // The whole record is not a useful fact.
        if (free && !(x.kind === "NameRef" && head === inputName)) out.set(key, this.safePath(x));
        return null;
      },
      up: () => null,
    });
    return [...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([label, code]) => ({ label, code }));
  }

  /** A path read with `?.` after the root, so recording a fact never throws on an absent record. */
  private safePath(e: A.Expr): string {
    const members: string[] = [];
    let x = e;
    while (x.kind === "MemberAccess") {
      members.push(x.member.text);
      x = x.object;
    }
    const r = x.kind === "NameRef" ? this.ref(x) : undefined;
    let code = x.kind !== "NameRef" ? "undefined" : r?.kind === "input" ? INPUT : N.variable(x.name.text);
    members.reverse().forEach((m, i) => {
      if (N.isInherited(m)) code = `(${i === 0 ? "" : `${code} != null && `}Object.hasOwn(${code}, ${literal(m)}) ? ${code}[${literal(m)}] : null)`;
      else code = i === 0 ? `${code}.${m}` : `${code}?.${m}`;
    });
    return code;
  }
}

/**
 * `t.exit…(value, facts…)`: the site's value and the facts it read, in the order of its site's
 * `facts`, passed one by one up to three (no list per evaluation), as a list beyond.
 */
export function exitCall(value: string, facts: readonly { code: string }[]): string {
  if (facts.length === 0) return `t.exit(${value})`;
  if (facts.length <= 3) return `t.exit${facts.length}(${[value, ...facts.map((f) => f.code)].join(", ")})`;
  return `t.exitN(${value}, [${facts.map((f) => f.code).join(", ")}])`;
}

/** `t.leaf…(site, value, facts…)`: a site with no traced parts, as `exitCall` gives but one event. */
export function leafCall(site: number, value: string, facts: readonly { code: string }[]): string {
  if (facts.length === 0) return `t.leaf(${site}, ${value})`;
  if (facts.length <= 3) return `t.leaf${facts.length}(${[`${site}`, value, ...facts.map((f) => f.code)].join(", ")})`;
  return `t.leafN(${site}, ${value}, [${facts.map((f) => f.code).join(", ")}])`;
}

/**
 * Whether traced code records anything itself (calls the tracer `t` or passes it on). A variable
 * or field named `t` may make this true of code that records nothing: that code is then traced as
 * a site with parts (`enter`, `exit`), which gives the same trace.
 */
export function tracesParts(code: string): boolean {
  return /\bt\.|\(t, /.test(code);
}

/**
 * Code that evaluates a part whose value no longer matters, for the explanation only: plain
 * evaluation would not have evaluated it, so an error in it is swallowed and whatever it half
 * recorded is dropped (Tracer.mark / Tracer.unwind).
 */
function explored(statements: string): string {
  return `{ const mark = t.mark(); try { ${statements} } catch { t.unwind(mark); } }`;
}
