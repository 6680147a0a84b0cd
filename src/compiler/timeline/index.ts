/**
 * Time in a checked program: CheckedVersion → Timeline (src/runtime/timeline.ts), emitted in the
 * manifest for the runtime.
 *
 * - Dated facts: the `dated by` declarations of the data model, as data the fact cutter reads.
 * - Waiting rules and their regimes: a rule "waits" when its condition holds until thresholds over
 *   dated lists are reached, i.e. a comparison of a count of list entries (of at least 2: `> 0` is
 *   an existence test), or of a number computed from the entries' dates, with a constant appears
 *   under a negation (4.26: PENDING while neither
 *   prepared nor persistently failed). For each such rule the thresholds are found by reading its
 *   condition through definitions (arguments bound to parameters) and parameters (folded to
 *   numbers), and grouped per list and per definition call into regimes: "at least 108 entries
 *   that are FAILED or TIMED_OUT, covering at least 18 days, in devices[*].firmwareAttempts". The
 *   counted entries are found by trying the filter on every combination of the element's enum and
 *   boolean fields. Nothing here knows the corpus; what it cannot read, it leaves out (docs/time.md).
 */
import * as A from "../ast/nodes.js";
import type { CheckedVersion, Ref, Type } from "../check/index.js";
import { formatSpan } from "../source/span.js";
import type { DatedField, DatingField, Regime, Timeline } from "../../runtime/timeline.js";

/** What a name stands for while reading through definitions. */
type Binding =
  /** A definition parameter: the argument expression, read where it was written. */
  | { readonly kind: "argument"; readonly expr: A.Expr; readonly env: Env }
  /** A quantifier variable over a list of the input: the path of its elements, and which elements. */
  | { readonly kind: "element"; readonly path: readonly string[]; readonly filters: readonly ElementFilter[] }
  /** A variable whose list could not be traced to the input. */
  | { readonly kind: "opaque" };
type Env = ReadonlyMap<string, Binding>;

/** The elements a `*` step of a path keeps (its index in the path), as alternatives of field values. */
interface ElementFilter {
  readonly step: number;
  readonly match: readonly Readonly<Record<string, unknown>>[];
}

/** An input path an expression denotes, with the filters on its `*` steps. */
interface Traced {
  readonly path: readonly string[];
  readonly filters: readonly ElementFilter[];
}

interface Atom {
  readonly list: readonly string[];
  readonly filters: readonly ElementFilter[];
  readonly kind: "count" | "days";
  readonly threshold: number;
  /** +1: the condition holds more as the threshold is reached; -1: less; 0: both. */
  readonly polarity: number;
  readonly call: number;
  readonly name: string;
  readonly span: A.Expr["span"];
  /** For counts: the quantifier (its variable, filter and predicate) and where it was read. */
  readonly counting?: { readonly q: A.Expr & { kind: "Quantified" }; readonly env: Env };
}

const EMPTY: Env = new Map();
const MAX_DEPTH = 64;
const MAX_COMBINATIONS = 512;

export function timelineOf(program: CheckedVersion): Timeline | undefined {
  const records: Record<string, DatingField> = {};
  const fields: Record<string, DatedField[]> = {};
  for (const r of program.records) {
    const types = program.fieldTypes.get(r.name.text);
    if (types === undefined) continue;
    if (r.datedBy !== undefined) records[r.name.text] = dating(types, r.datedBy.text);
    for (const f of r.fields) {
      if (f.dated === undefined) continue;
      const before = f.dated.otherwise;
      const dated: DatedField = {
        field: f.name.text,
        by: dating(types, f.dated.by.text),
        before: before === undefined ? { absent: true } : before.kind === "NameRef" && types.has(before.name.text) ? { field: before.name.text } : { value: literal(before, program) },
      };
      (fields[r.name.text] ??= []).push(dated);
    }
  }
  if (Object.keys(records).length === 0 && Object.keys(fields).length === 0) return undefined;
  return { records, fields, waits: new Reader(program, records).waits() };
}

function dating(types: ReadonlyMap<string, Type>, field: string): DatingField {
  const t = types.get(field)!;
  return { field, type: (t.kind === "optional" ? t.inner : t).kind === "date" ? "date" : "datetime" };
}

/** The value of a literal (or enum member) written after `otherwise`. */
function literal(e: A.Expr, program: CheckedVersion): unknown {
  const value = A.literalValue(e);
  if (value !== undefined) return value;
  const ref = program.refs.get(e);
  return ref?.kind === "enumMember" ? ref.member : null;
}

/** Reads rules' conditions through definitions, for thresholds on dated lists. */
class Reader {
  private readonly defs: ReadonlyMap<string, A.DefinitionDecl>;
  private readonly params: ReadonlyMap<string, A.ParameterDecl>;
  private readonly enums: ReadonlyMap<string, readonly string[]>;
  private calls = 0;

  constructor(
    private readonly program: CheckedVersion,
    private readonly dated: Readonly<Record<string, DatingField>>,
  ) {
    this.defs = new Map(program.definitions.map((d) => [d.name.text, d]));
    this.params = new Map(program.parameters.map((p) => [p.name.text, p]));
    this.enums = new Map(program.enums.map((e) => [e.name.text, e.members.map((m) => m.name.text)]));
  }

  waits(): Record<string, Regime[]> {
    const out: Record<string, Regime[]> = {};
    for (const r of this.program.rules) {
      const atoms: Atom[] = [];
      this.visit(r.decl.condition, EMPTY, 1, { call: this.calls++, name: r.id }, atoms, 0);
      if (!atoms.some((a) => a.polarity <= 0)) continue;
      const regimes = this.regimes(atoms);
      if (regimes.length > 0) out[r.id] = regimes;
    }
    return out;
  }

  private ref(e: A.Expr): Ref | undefined {
    return this.program.refs.get(e);
  }

  /** Walks a boolean condition, recording threshold comparisons with their polarity. */
  private visit(e: A.Expr, env: Env, polarity: number, ctx: { call: number; name: string }, atoms: Atom[], depth: number): void {
    if (depth > MAX_DEPTH) return;
    const next = depth + 1;
    switch (e.kind) {
      case "Binary":
        if (e.operator === "and" || e.operator === "or") {
          this.visit(e.left, env, polarity, ctx, atoms, next);
          this.visit(e.right, env, polarity, ctx, atoms, next);
        } else if (["<", "<=", ">", ">="].includes(e.operator)) {
          const atom = this.threshold(e, env, polarity, ctx);
          if (atom !== undefined) atoms.push(atom);
        } else if (e.operator === "=" || e.operator === "!=") {
          this.visit(e.left, env, 0, ctx, atoms, next);
          this.visit(e.right, env, 0, ctx, atoms, next);
        }
        return;
      case "Unary":
        if (e.operator === "not") this.visit(e.operand, env, -polarity, ctx, atoms, next);
        return;
      case "If":
        this.visit(e.condition, env, 0, ctx, atoms, next);
        this.visit(e.then, env, polarity, ctx, atoms, next);
        this.visit(e.else, env, polarity, ctx, atoms, next);
        return;
      case "Quantified": {
        if (e.quantifier === "count") return;
        const inner = this.bind(env, e.variable.text, e.collection, e.filter);
        if (e.filter !== undefined) this.visit(e.filter, inner, 0, ctx, atoms, next);
        if (e.predicate !== undefined) this.visit(e.predicate, inner, e.quantifier === "no" ? -polarity : polarity, ctx, atoms, next);
        return;
      }
      case "NameRef":
      case "Call": {
        const ref = this.ref(e);
        if (ref?.kind === "definition") {
          const d = this.defs.get(ref.name);
          if (d !== undefined) this.visit(d.body, this.enter(d, e, env), polarity, { call: this.calls++, name: d.name.text }, atoms, next);
        } else if (e.kind === "NameRef") {
          const b = env.get(e.name.text);
          if (b?.kind === "argument") this.visit(b.expr, b.env, polarity, ctx, atoms, next);
        }
        return;
      }
      default:
        return;
    }
  }

  /** The environment of a definition's body: its parameters bound to the call's arguments. */
  private enter(d: A.DefinitionDecl, e: A.Expr, env: Env): Env {
    if (e.kind !== "Call") return EMPTY;
    return new Map(d.params.map((p, i) => [p.name.text, e.args[i] === undefined ? { kind: "opaque" as const } : { kind: "argument" as const, expr: e.args[i], env }]));
  }

  /**
   * The environment inside a quantifier, aggregate or `collect`: its variable bound to the elements
   * of the collection, with the collection's own filters and the quantifier's `where`.
   */
  private bind(env: Env, variable: string, collection: A.Expr, where?: A.Expr): Env {
    const list = this.traced(collection, env, 0);
    const out = new Map(env);
    if (list === undefined) {
      out.set(variable, { kind: "opaque" });
      return out;
    }
    const own = where === undefined ? undefined : this.filterOf(where, variable, env, list.path);
    out.set(variable, { kind: "element", path: [...list.path, "*"], filters: own === undefined ? list.filters : [...list.filters, own] });
    return out;
  }

  /** The elements of the list at `path` that `test` (on `variable`) keeps, when it reads only their enum and boolean fields. */
  private filterOf(test: A.Expr, variable: string, env: Env, path: readonly string[]): ElementFilter | undefined {
    const record = this.elementRecord(path);
    const match = record === undefined ? undefined : this.solve([test], variable, env, record);
    return match === undefined ? undefined : { step: path.length, match };
  }

  /** The input path an expression denotes (a list or a record), if it can be traced. */
  private pathOf(e: A.Expr, env: Env, depth: number): readonly string[] | undefined {
    return this.traced(e, env, depth)?.path;
  }

  /** The input path an expression denotes, with the filters on its elements, if it can be traced. */
  private traced(e: A.Expr, env: Env, depth: number): Traced | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const ref = this.ref(e);
    switch (e.kind) {
      case "NameRef": {
        if (ref?.kind === "input") return { path: [], filters: [] };
        const b = env.get(e.name.text);
        if (b !== undefined) return b.kind === "element" ? { path: b.path, filters: b.filters } : b.kind === "argument" ? this.traced(b.expr, b.env, depth + 1) : undefined;
        if (ref?.kind === "definition") {
          const d = this.defs.get(ref.name);
          return d === undefined ? undefined : this.traced(d.body, EMPTY, depth + 1);
        }
        return undefined;
      }
      case "MemberAccess": {
        if (ref?.kind !== "field") return undefined;
        const base = this.traced(e.object, env, depth + 1);
        return base === undefined ? undefined : { path: [...base.path, e.member.text], filters: base.filters };
      }
      case "Call": {
        const d = ref?.kind === "definition" ? this.defs.get(ref.name) : undefined;
        return d === undefined ? undefined : this.traced(d.body, this.enter(d, e, env), depth + 1);
      }
      case "Collect": {
        // `collect m for m in xs where …` keeps some elements of xs: the same path, filtered.
        if (e.value.kind !== "NameRef" || e.value.name.text !== e.variable.text) return undefined;
        const base = this.traced(e.collection, env, depth + 1);
        if (base === undefined || e.filter === undefined) return base;
        const own = this.filterOf(e.filter, e.variable.text, env, base.path);
        return own === undefined ? base : { path: base.path, filters: [...base.filters, own] };
      }
      default:
        return undefined;
    }
  }

  /** The record type of the elements of the list at `path`, if it is a list of records. */
  private elementRecord(path: readonly string[]): string | undefined {
    let t: Type = { kind: "record", name: this.program.input.type.text };
    for (const step of path) {
      while (t.kind === "optional") t = t.inner;
      if (step === "*") {
        if (t.kind !== "list") return undefined;
        t = t.element;
      } else {
        if (t.kind !== "record") return undefined;
        const f: Type | undefined = this.program.fieldTypes.get(t.name)?.get(step);
        if (f === undefined) return undefined;
        t = f;
      }
    }
    while (t.kind === "optional") t = t.inner;
    return t.kind === "list" && t.element.kind === "record" ? t.element.name : undefined;
  }

  /** The element record type of the list at `path` when it is dated, else undefined. */
  private datedList(path: readonly string[]): string | undefined {
    const record = this.elementRecord(path);
    return record !== undefined && this.dated[record] !== undefined ? record : undefined;
  }

  /** A number the expression always has: literals and parameters, through arguments. */
  private constant(e: A.Expr, env: Env, depth = 0): number | undefined {
    if (depth > MAX_DEPTH) return undefined;
    switch (e.kind) {
      case "NumberLiteral":
        return Number(e.text);
      case "NameRef": {
        const b = env.get(e.name.text);
        if (b !== undefined) return b.kind === "argument" ? this.constant(b.expr, b.env, depth + 1) : undefined;
        const p = this.ref(e)?.kind === "parameter" ? this.params.get(e.name.text) : undefined;
        return p === undefined ? undefined : this.constant(p.value, EMPTY, depth + 1);
      }
      case "Unary":
        if (e.operator !== "-") return undefined;
        return negate(this.constant(e.operand, env, depth + 1));
      case "Binary": {
        const l = this.constant(e.left, env, depth + 1);
        const r = this.constant(e.right, env, depth + 1);
        if (l === undefined || r === undefined) return undefined;
        return e.operator === "+" ? l + r : e.operator === "-" ? l - r : e.operator === "*" ? l * r : e.operator === "/" && r !== 0 ? l / r : undefined;
      }
      default:
        return undefined;
    }
  }

  /** `E >= n` (or `<`, `<=`, `>`, either way round) where E counts entries of a dated list or reads their dates. */
  private threshold(e: A.Expr & { kind: "Binary" }, env: Env, polarity: number, ctx: { call: number; name: string }): Atom | undefined {
    for (const [side, other, flipped] of [
      [e.left, e.right, false],
      [e.right, e.left, true],
    ] as const) {
      const n = this.constant(other, env);
      if (n === undefined) continue;
      // Normalise to "side >= threshold holds": its polarity in the condition.
      const op = flipped ? ({ "<": ">", "<=": ">=", ">": "<", ">=": "<=" } as Record<string, string>)[e.operator] : e.operator;
      const threshold = op === ">" || op === "<=" ? Math.floor(n) + 1 : Math.ceil(n);
      const sign = op === ">" || op === ">=" ? 1 : -1;
      const counting = this.countOf(side, env, 0);
      if (counting !== undefined) {
        const list = this.traced(counting.q.collection, counting.env, 0);
        // `count … > 0` asks whether there is any entry at all: an existence test, not a regime.
        if (list !== undefined && this.datedList(list.path) !== undefined && threshold > 1) {
          return { list: list.path, filters: list.filters, kind: "count", threshold, polarity: polarity * sign, call: ctx.call, name: ctx.name, span: e.span, counting };
        }
        continue;
      }
      const lists = new Map<string, Traced>();
      this.datesRead(side, env, lists, 0);
      if (lists.size === 1) {
        const list = [...lists.values()][0];
        return { list: list.path, filters: list.filters, kind: "days", threshold, polarity: polarity * sign, call: ctx.call, name: ctx.name, span: e.span };
      }
    }
    return undefined;
  }

  /** The `count` quantifier an expression is, through definitions. */
  private countOf(e: A.Expr, env: Env, depth: number): { q: A.Expr & { kind: "Quantified" }; env: Env } | undefined {
    if (depth > MAX_DEPTH) return undefined;
    if (e.kind === "Quantified") return e.quantifier === "count" ? { q: e, env } : undefined;
    if (e.kind === "NameRef" || e.kind === "Call") {
      const b = e.kind === "NameRef" ? env.get(e.name.text) : undefined;
      if (b?.kind === "argument") return this.countOf(b.expr, b.env, depth + 1);
      const ref = this.ref(e);
      const d = ref?.kind === "definition" ? this.defs.get(ref.name) : undefined;
      if (d !== undefined) return this.countOf(d.body, this.enter(d, e, env), depth + 1);
    }
    return undefined;
  }

  /** Every dated list whose elements' dating field the expression reads, through definitions. */
  private datesRead(e: A.Expr, env: Env, lists: Map<string, Traced>, depth: number): void {
    if (depth > MAX_DEPTH) return;
    const next = depth + 1;
    const ref = this.ref(e);
    if (e.kind === "MemberAccess" && ref?.kind === "field" && this.dated[ref.recordName]?.field === ref.field) {
      const element = this.traced(e.object, env, 0);
      if (element !== undefined && element.path[element.path.length - 1] === "*") {
        const list = element.path.slice(0, -1);
        if (this.datedList(list) !== undefined) lists.set(list.join("."), { path: list, filters: element.filters.filter((f) => f.step < list.length) });
      }
    }
    switch (e.kind) {
      case "NameRef": {
        const b = env.get(e.name.text);
        if (b?.kind === "argument") return this.datesRead(b.expr, b.env, lists, next);
        const d = ref?.kind === "definition" ? this.defs.get(ref.name) : undefined;
        if (d !== undefined) this.datesRead(d.body, EMPTY, lists, next);
        return;
      }
      case "Call": {
        const d = ref?.kind === "definition" ? this.defs.get(ref.name) : undefined;
        if (d !== undefined) this.datesRead(d.body, this.enter(d, e, env), lists, next);
        return;
      }
      case "Quantified":
      case "Aggregated":
      case "Collect": {
        this.datesRead(e.collection, env, lists, next);
        const inner = this.bind(env, e.variable.text, e.collection, e.filter);
        for (const x of [e.kind === "Quantified" ? e.predicate : e.value, e.filter]) if (x !== undefined) this.datesRead(x, inner, lists, next);
        return;
      }
      default:
        for (const x of children(e)) this.datesRead(x, env, lists, next);
    }
  }

  /** Atoms grouped per definition call and list into regimes; duplicates dropped. */
  private regimes(atoms: readonly Atom[]): Regime[] {
    const groups = new Map<string, Atom[]>();
    for (const a of atoms) {
      const key = `${a.call}|${a.list.join(".")}|${JSON.stringify(a.filters)}`;
      groups.set(key, [...(groups.get(key) ?? []), a]);
    }
    const out: Regime[] = [];
    const seen = new Set<string>();
    const nextByList = new Map<string, Readonly<Record<string, unknown>>>();
    const pending: { group: Atom[]; record: string; dating: DatingField; counted?: Record<string, unknown>[] }[] = [];
    for (const group of groups.values()) {
      const record = this.datedList(group[0].list)!;
      const counting = group.find((a) => a.kind === "count");
      const counted = counting?.counting === undefined ? undefined : this.counted(counting.counting.q, counting.counting.env, record);
      if (counting !== undefined && counted === undefined) continue; // the counted entries could not be read
      pending.push({ group, record, dating: this.dated[record], ...(counted === undefined ? {} : { counted }) });
      const next = counted === undefined ? undefined : this.entry(record, counted[0]);
      if (next !== undefined && !nextByList.has(group[0].list.join("."))) nextByList.set(group[0].list.join("."), next);
    }
    for (const p of pending) {
      const key = p.group[0].list.join(".");
      const next = p.counted === undefined ? nextByList.get(key) : this.entry(p.record, p.counted[0]);
      if (next === undefined) continue; // no known shape for a failing entry still to come
      const counts = p.group.filter((a) => a.kind === "count").map((a) => a.threshold);
      const days = p.group.filter((a) => a.kind === "days").map((a) => a.threshold);
      const where = p.group[0].filters;
      const regime: Regime = {
        list: p.group[0].list,
        ...(where.length === 0 ? {} : { where }),
        record: p.record,
        dating: p.dating,
        ...(p.counted === undefined ? {} : { counted: p.counted }),
        ...(counts.length === 0 ? {} : { count: Math.max(...counts) }),
        ...(days.length === 0 ? {} : { days: Math.max(...days) }),
        next,
        name: p.group[0].name,
        at: formatSpan(p.group[0].span),
      };
      const identity = JSON.stringify([regime.list, regime.where, regime.counted, regime.count, regime.days]);
      if (seen.has(identity)) continue;
      seen.add(identity);
      out.push(regime);
    }
    return out;
  }

  /** The entries a `count` counts, as alternatives over the fields its filter reads (see `solve`). */
  private counted(q: A.Expr & { kind: "Quantified" }, env: Env, record: string): Record<string, unknown>[] | undefined {
    const tests = [q.filter, q.predicate].filter((x): x is A.Expr => x !== undefined);
    return tests.length === 0 ? [{}] : this.solve(tests, q.variable.text, env, record);
  }

  /**
   * The values of a record's enum and boolean fields for which all `tests` (on `variable`) hold, as
   * alternatives over the fields they read: every combination is tried. Undefined when a test reads
   * anything else, or nothing satisfies them.
   */
  private solve(tests: readonly A.Expr[], variable: string, env: Env, record: string): Record<string, unknown>[] | undefined {
    const types = this.program.fieldTypes.get(record);
    if (types === undefined) return undefined;
    const choices: [string, unknown[]][] = [];
    for (const [field, t] of types) {
      if (t.kind === "enum") choices.push([field, [...(this.enums.get(t.name) ?? [])]]);
      else if (t.kind === "boolean") choices.push([field, [false, true]]);
    }
    const read = new Set<string>();
    const out: Record<string, unknown>[] = [];
    let combos = 0;
    const inner = new Map(env);
    inner.set(variable, { kind: "element", path: ["(entry)"], filters: [] });
    const tryAll = (i: number, entry: Record<string, unknown>): boolean => {
      if (i === choices.length) {
        if (++combos > MAX_COMBINATIONS) return false;
        let holds = true;
        for (const t of tests) {
          const v = this.truth(t, inner, entry, read, 0);
          if (v === undefined) return false;
          holds &&= v;
        }
        if (holds) out.push({ ...entry });
        return true;
      }
      const [field, values] = choices[i];
      for (const v of values) if (!tryAll(i + 1, { ...entry, [field]: v })) return false;
      return true;
    };
    if (!tryAll(0, {}) || out.length === 0) return undefined;
    // Keep only the fields the tests read, without duplicates.
    const fields = [...read].sort();
    const keyed = new Map(out.map((o) => [JSON.stringify(fields.map((f) => o[f])), Object.fromEntries(fields.map((f) => [f, o[f]]))]));
    return [...keyed.values()];
  }

  /** A whole entry still to come: the counted values, other enum and boolean fields at their first value. */
  private entry(record: string, counted: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> | undefined {
    const types = this.program.fieldTypes.get(record);
    if (types === undefined || counted === undefined) return undefined;
    const out: Record<string, unknown> = {};
    for (const [field, t] of types) {
      if (field === this.dated[record]?.field || t.kind === "optional") continue;
      if (field in counted) out[field] = counted[field];
      else if (t.kind === "enum") out[field] = this.enums.get(t.name)?.[0];
      else if (t.kind === "boolean") out[field] = false;
      else if (t.kind === "list") out[field] = [];
      else return undefined; // a required fact nothing says anything about
    }
    return out;
  }

  /** The truth of a filter on one entry (`(entry)` in the environment), or undefined when it reads anything else. */
  private truth(e: A.Expr, env: Env, entry: Readonly<Record<string, unknown>>, read: Set<string>, depth: number): boolean | undefined {
    const v = this.valueOn(e, env, entry, read, depth);
    return typeof v === "boolean" ? v : undefined;
  }

  private valueOn(e: A.Expr, env: Env, entry: Readonly<Record<string, unknown>>, read: Set<string>, depth: number): unknown {
    if (depth > MAX_DEPTH) return undefined;
    const next = depth + 1;
    const ref = this.ref(e);
    switch (e.kind) {
      case "BooleanLiteral":
        return e.value;
      case "TextLiteral":
        return e.value;
      case "NumberLiteral":
        return Number(e.text);
      case "NameRef": {
        if (ref?.kind === "enumMember") return ref.member;
        const b = env.get(e.name.text);
        if (b?.kind === "argument") return this.valueOn(b.expr, b.env, entry, read, next);
        if (b?.kind === "element" && b.path[0] === "(entry)") return ENTRY;
        return undefined;
      }
      case "MemberAccess": {
        if (ref?.kind === "enumMember") return ref.member;
        if (ref?.kind !== "field" || this.valueOn(e.object, env, entry, read, next) !== ENTRY) return undefined;
        if (!(e.member.text in entry)) return undefined;
        read.add(e.member.text);
        return entry[e.member.text];
      }
      case "Call": {
        const d = ref?.kind === "definition" ? this.defs.get(ref.name) : undefined;
        return d === undefined ? undefined : this.valueOn(d.body, this.enter(d, e, env), entry, read, next);
      }
      case "Unary": {
        if (e.operator !== "not") return undefined;
        const v = this.valueOn(e.operand, env, entry, read, next);
        return typeof v === "boolean" ? !v : undefined;
      }
      case "Binary": {
        const l = this.valueOn(e.left, env, entry, read, next);
        const r = this.valueOn(e.right, env, entry, read, next);
        if (e.operator === "and") return l === false || r === false ? false : l === true && r === true ? true : undefined;
        if (e.operator === "or") return l === true || r === true ? true : l === false && r === false ? false : undefined;
        if (l === undefined || r === undefined || l === ENTRY || r === ENTRY) return undefined;
        if (e.operator === "=") return l === r;
        if (e.operator === "!=") return l !== r;
        return undefined;
      }
      case "Membership": {
        const el = this.valueOn(e.element, env, entry, read, next);
        if (el === undefined || el === ENTRY) return undefined;
        const values = e.set.map((x) => this.valueOn(x, env, entry, read, next));
        if (values.some((x) => x === undefined)) return undefined;
        return values.includes(el) !== e.negated;
      }
      default:
        return undefined;
    }
  }
}

/** Marks the entry itself while evaluating a filter on it. */
const ENTRY = Symbol("entry");

function negate(n: number | undefined): number | undefined {
  return n === undefined ? undefined : -n;
}

/** The direct sub-expressions of an expression. */
function children(e: A.Expr): A.Expr[] {
  const out: A.Expr[] = [];
  for (const [k, v] of Object.entries(e)) {
    if (k === "span") continue;
    if (Array.isArray(v)) for (const x of v) if (isExpr(x)) out.push(x);
    if (isExpr(v)) out.push(v);
  }
  return out;
}

function isExpr(v: unknown): v is A.Expr {
  return v !== null && typeof v === "object" && !Array.isArray(v) && "kind" in v && "span" in v;
}
