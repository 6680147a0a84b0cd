/**
 * Witness search: installations, found from the rules themselves, on which two versions (or two
 * conditions) disagree. The rules compare facts with constants from finite enums, booleans, dates
 * and bounded counts, so the search starts from clean baselines (the named installations of the
 * versions' examples) and changes facts to the values that matter: every other enum member, the
 * flipped boolean, the constants a number, date or text is compared with (and their neighbours),
 * absence for optional facts, and for lists of records (e.g. attempt histories) an empty list or
 * n copies of an element with one enum fact set, dated across s days, for n and s among the
 * rules' integer constants. It tries every single change first, then pairs of the changes that
 * made any rule fire differently (at most 300 per baseline), so a witness changes as few facts as
 * possible. Bounded: it
 * states how many candidates it tried, and says "no witness within these bounds" otherwise.
 */
import type * as A from "../ast/nodes.js";
import { forEachExpr } from "../ast/walk.js";
import type { CheckedProgram } from "../check/index.js";
import type { Type } from "../check/types.js";
import { foldParameters } from "./document.js";

export interface Mutation {
  readonly path: string;
  readonly value: unknown;
  /** Short description for people, e.g. `devices[1].configurationAttempts = 69 × {outcome: FAILED} over 9 days`. */
  readonly label: string;
}

export interface Candidate {
  readonly baseline: string;
  readonly mutations: readonly Mutation[];
  readonly record: unknown;
}

export interface SearchBounds {
  readonly baselines: number;
  readonly singleChanges: number;
  readonly pairs: number;
  readonly evaluated: number;
}

interface Constants {
  readonly numbers: number[];
  readonly dates: string[];
  readonly datetimes: string[];
  readonly texts: string[];
  /** Integers compared with a `count …` (list lengths worth trying), and their neighbours. */
  readonly counts: number[];
  /** Integers compared with a `days between …` (spans worth spreading a list over), and neighbours. */
  readonly spans: number[];
}

const MAX_PAIRS_FROM = 300;
const DAY = 86_400_000;

export function constantsOf(programs: readonly CheckedProgram[]): Constants {
  const numbers = new Set<number>();
  const dates = new Set<string>();
  const datetimes = new Set<string>();
  const texts = new Set<string>();
  const counts = new Set<number>([1]);
  const spans = new Set<number>([0]);
  for (const p of programs) {
    const params = foldParameters(p);
    const defs = new Map(p.definitions.map((d) => [d.name.text, d]));
    // Thresholds often reach a comparison as a definition's argument (`regimeExhausted(xs, 69, 9)`):
    // collect, per definition parameter, the constant values passed to it, to a fixpoint.
    const argValues = new Map<string, Set<number>>();
    const valuesOf = (e: A.Expr, owner: A.DefinitionDecl | undefined): number[] => {
      if (e.kind === "NumberLiteral") return [Number(e.text)];
      if (e.kind !== "NameRef") return [];
      if (owner !== undefined && owner.params.some((x) => x.name.text === e.name.text)) return [...(argValues.get(`${owner.name.text}.${e.name.text}`) ?? [])];
      const n = Number(params.get(e.name.text));
      return params.has(e.name.text) && Number.isFinite(n) ? [n] : [];
    };
    const scopes: { owner?: A.DefinitionDecl; roots: A.Expr[] }[] = [
      { roots: p.rules.flatMap((r) => [r.decl.condition, ...r.decl.result.map((a) => a.value)]) },
      ...p.definitions.map((d) => ({ owner: d, roots: [d.body] })),
    ];
    const each = (visit: (e: A.Expr, owner: A.DefinitionDecl | undefined) => void): void => {
      for (const sc of scopes) for (const r of sc.roots) forEachExpr(r, (e) => visit(e, sc.owner));
    };
    for (let pass = 0; pass < 4; pass++) {
      each((e, owner) => {
        if (e.kind !== "Call") return;
        const d = defs.get(e.callee.text);
        d?.params.forEach((param, i) => {
          const arg = e.args[i];
          if (arg === undefined) return;
          const key = `${d.name.text}.${param.name.text}`;
          const set = argValues.get(key) ?? new Set<number>();
          for (const v of valuesOf(arg, owner)) set.add(v);
          argValues.set(key, set);
        });
      });
    }
    // A count or a span is often behind a definition (`failureSpanDays(xs) >= 9`): look through.
    const underlying = (e: A.Expr, depth = 0): A.Expr => {
      const name = e.kind === "NameRef" ? e.name.text : e.kind === "Call" ? e.callee.text : undefined;
      const d = name === undefined ? undefined : defs.get(name);
      return d === undefined || depth > 16 ? e : underlying(d.body, depth + 1);
    };
    // A span may be computed from days between other values (`max dayNumber(a.at) … - min …`):
    // any `days between` inside the compared expression, through definitions, makes it a span.
    const measuresDays = (e: A.Expr, depth = 0): boolean => {
      let found = false;
      forEachExpr(e, (x) => {
        if (found) return;
        if (x.kind === "DaysBetween") found = true;
        const name = x.kind === "NameRef" ? x.name.text : x.kind === "Call" ? x.callee.text : undefined;
        const d = name === undefined ? undefined : defs.get(name);
        if (d !== undefined && depth < 16 && measuresDays(d.body, depth + 1)) found = true;
      });
      return found;
    };
    each((e, owner) => {
      if (e.kind === "NumberLiteral") numbers.add(Number(e.text));
      else if (e.kind === "DateLiteral") dates.add(e.text);
      else if (e.kind === "DateTimeLiteral") datetimes.add(e.text);
      else if (e.kind === "TextLiteral") texts.add(e.value);
      else if (e.kind === "Binary" && ["<", "<=", ">", ">=", "=", "!="].includes(e.operator)) {
        for (const [side, other] of [
          [e.left, e.right],
          [e.right, e.left],
        ] as const) {
          const u = underlying(side);
          for (const n of valuesOf(other, owner)) {
            if (!Number.isInteger(n) || n < 0 || n > 1000) continue;
            if (u.kind === "Quantified" && u.quantifier === "count") for (const x of [n - 1, n, n + 1]) if (x >= 1) counts.add(x);
            if (u.kind === "DaysBetween" || measuresDays(u)) for (const x of [n - 1, n]) if (x >= 0) spans.add(x);
          }
        }
      }
    });
    for (const v of params.values()) {
      const n = Number(v);
      if (v !== "" && Number.isFinite(n)) numbers.add(n);
    }
  }
  const byValue = (a: number, b: number): number => a - b;
  return { numbers: [...numbers].sort(byValue), dates: [...dates].sort(), datetimes: [...datetimes].sort(), texts: [...texts].sort(), counts: [...counts].sort(byValue), spans: [...spans].sort(byValue) };
}

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** Enumerates the single-fact changes of a baseline record, in a stable order. */
export function mutationsOf(record: unknown, program: CheckedProgram, constants: Constants, templates: ReadonlyMap<string, Record<string, unknown>>): Mutation[] {
  const out: Mutation[] = [];
  // Dates are also compared with each other (`s.installedOn < installation.installedOn`): the
  // record's own dates, and the days either side, are worth trying too.
  const ownDates = new Set<string>();
  const collectDates = (v: unknown): void => {
    if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v)) ownDates.add(v);
    else if (Array.isArray(v)) v.forEach(collectDates);
    else if (v !== null && typeof v === "object") Object.values(v).forEach(collectDates);
  };
  collectDates(record);
  const dateCandidates = [...new Set([...constants.dates, ...ownDates].flatMap((d) => [shiftDate(d, -1), d, shiftDate(d, 1)]))].sort();
  const enums = new Map(program.enums.map((e) => [e.name.text, e.members.map((m) => m.name.text)]));
  const fields = program.fieldTypes;

  const scalarCandidates = (t: Type, v: unknown): unknown[] => {
    switch (t.kind) {
      case "boolean":
        return [!v];
      case "enum":
        return (enums.get(t.name) ?? []).filter((m) => m !== v);
      case "integer":
      case "decimal": {
        const ns = new Set(constants.numbers.flatMap((n) => [n - 1, n, n + 1]).filter((n) => t.kind === "decimal" || Number.isInteger(n)));
        return [...ns].filter((n) => n !== v && n >= 0).slice(0, 40);
      }
      case "date":
        return dateCandidates.filter((d) => d !== v);
      case "datetime":
        return [...constants.datetimes, ...constants.dates.map((d) => `${d}T00:00:00Z`)].filter((d) => d !== v);
      case "text":
        return constants.texts.filter((s) => s !== v);
      default:
        return [];
    }
  };

  const listCandidates = (path: string, element: Type, v: unknown[]): void => {
    if (v.length > 0) out.push({ path, value: [], label: `${path} = []` });
    for (let i = 0; i < v.length; i++) {
      const removed = v.filter((_, j) => j !== i);
      out.push({ path, value: removed, label: `${path}: without element ${i}` });
    }
    if (element.kind !== "record") return;
    const template = (v[0] as Record<string, unknown> | undefined) ?? templates.get(element.name);
    if (template === undefined) return;
    const recordFields = fields.get(element.name);
    if (recordFields === undefined) return;
    const enumFields = [...recordFields].filter(([, t]) => t.kind === "enum") as [string, Type & { kind: "enum" }][];
    const dateFields = [...recordFields].filter(([, t]) => t.kind === "datetime" || t.kind === "date").map(([f, t]) => [f, t.kind] as const);
    const start = (() => {
      for (const [f] of dateFields) if (typeof template[f] === "string") return Date.parse(template[f] as string);
      return Date.parse("2022-01-01T00:00:00Z");
    })();
    for (const [field, t] of enumFields.length > 0 ? enumFields : [["", { kind: "enum", name: "" }] as const]) {
      const members = field === "" ? [undefined] : (enums.get(t.name) ?? []);
      for (const member of members) {
        for (const n of constants.counts) {
          for (const span of constants.spans) {
            if (n === 1 && span > 0) continue;
            const list = Array.from({ length: n }, (_, i) => {
              const e: Record<string, unknown> = { ...template };
              if (field !== "") e[field] = member;
              const at = start + (n === 1 ? 0 : Math.round((span * DAY * i) / (n - 1)));
              for (const [f, kind] of dateFields) e[f] = kind === "date" ? new Date(at).toISOString().slice(0, 10) : new Date(at).toISOString().replace(".000Z", "Z");
              return e;
            });
            out.push({ path, value: list, label: `${path} = ${n} × {${field === "" ? "" : `${field}: ${String(member)}`}}${dateFields.length > 0 && n > 1 ? ` over ${span} days` : ""}` });
          }
        }
      }
    }
  };

  const walk = (value: unknown, type: Type, path: string): void => {
    if (type.kind === "optional") {
      if (value !== null && value !== undefined) {
        out.push({ path, value: null, label: `${path} absent` });
        walk(value, type.inner, path);
      } else {
        // An absent scalar fact can become present, with the values the rules compare it with.
        for (const c of scalarCandidates(type.inner, undefined)) out.push({ path, value: c, label: `${path} = ${JSON.stringify(c)}` });
      }
      return;
    }
    if (type.kind === "record") {
      if (typeof value !== "object" || value === null) return;
      for (const [f, t] of fields.get(type.name) ?? []) walk((value as Record<string, unknown>)[f], t, path === "" ? f : `${path}.${f}`);
      return;
    }
    if (type.kind === "list") {
      if (!Array.isArray(value)) return;
      listCandidates(path, type.element, value);
      value.forEach((el, i) => {
        if (type.element.kind === "record") walk(el, type.element, `${path}[${i}]`);
      });
      return;
    }
    for (const c of scalarCandidates(type, value)) out.push({ path, value: c, label: `${path} = ${JSON.stringify(c)}` });
  };
  walk(record, { kind: "record", name: program.input.type.text }, "");
  return out;
}

/**
 * An element for each record type that lists can hold: the first one found in the baselines, or
 * one built from the schema (first enum member, false, 0, a date the rules use, an identifier value
 * seen in the baselines, absent optionals, empty lists) when no baseline has one.
 */
export function listTemplates(records: readonly unknown[], program: CheckedProgram, constants?: Constants): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  const identifierValues = new Map<string, unknown>();
  const walk = (value: unknown, type: Type): void => {
    if (type.kind === "optional") return walk(value, type.inner);
    if (type.kind === "identifier" && !identifierValues.has(type.name) && value !== undefined && value !== null) identifierValues.set(type.name, value);
    if (type.kind === "list" && Array.isArray(value)) {
      if (type.element.kind === "record" && value.length > 0 && !out.has(type.element.name)) out.set(type.element.name, value[0] as Record<string, unknown>);
      for (const v of value) walk(v, type.element);
      return;
    }
    if (type.kind === "record" && typeof value === "object" && value !== null) for (const [f, t] of program.fieldTypes.get(type.name) ?? []) walk((value as Record<string, unknown>)[f], t);
  };
  for (const r of records) walk(r, { kind: "record", name: program.input.type.text });
  const enums = new Map(program.enums.map((e) => [e.name.text, e.members.map((m) => m.name.text)]));
  const date = constants?.dates[0] ?? "2020-01-01";
  const synthesize = (name: string, depth: number): Record<string, unknown> | undefined => {
    if (depth > 4) return undefined;
    const rec: Record<string, unknown> = {};
    for (const [f, t] of program.fieldTypes.get(name) ?? []) {
      const v = valueFor(t, depth);
      if (v === undefined) return undefined;
      if (v !== null) rec[f] = v;
    }
    return rec;
  };
  const valueFor = (t: Type, depth: number): unknown => {
    switch (t.kind) {
      case "optional":
        return null;
      case "boolean":
        return false;
      case "integer":
      case "decimal":
        return 0;
      case "text":
        return "X";
      case "date":
        return date;
      case "datetime":
        return `${date}T00:00:00Z`;
      case "enum":
        return enums.get(t.name)?.[0];
      case "identifier":
        return identifierValues.get(t.name);
      case "list":
        return [];
      case "record":
        return synthesize(t.name, depth + 1);
      default:
        return undefined;
    }
  };
  for (const r of program.records) {
    if (out.has(r.name.text)) continue;
    const t = synthesize(r.name.text, 0);
    if (t !== undefined) out.set(r.name.text, t);
  }
  return out;
}

/** The record with `path` set to `value`, copying only the objects and lists along the path. */
function withPath(record: unknown, steps: readonly (string | number)[], value: unknown): unknown {
  if (steps.length === 0) return value;
  const [head, ...rest] = steps;
  if (typeof head === "number") {
    if (!Array.isArray(record) || head >= record.length) return undefined;
    const copy = record.slice();
    copy[head] = withPath(record[head], rest, value);
    return copy[head] === undefined && rest.length > 0 ? undefined : copy;
  }
  if (typeof record !== "object" || record === null || Array.isArray(record)) return undefined;
  const inner = withPath((record as Record<string, unknown>)[head], rest, value);
  if (inner === undefined && rest.length > 0) return undefined;
  return { ...(record as Record<string, unknown>), [head]: inner };
}

const stepCache = new Map<string, (string | number)[]>();
function steps(path: string): (string | number)[] {
  let s = stepCache.get(path);
  if (s === undefined) {
    s = (path.match(/[A-Za-z_$][\w$]*|\[\d+\]/g) ?? []).map((x) => (x.startsWith("[") ? Number(x.slice(1, -1)) : x));
    stepCache.set(path, s);
  }
  return s;
}

function apply(record: unknown, mutations: readonly Mutation[]): unknown {
  let r = record;
  for (const m of mutations) {
    r = withPath(r, steps(m.path), m.value);
    if (r === undefined) return undefined;
  }
  return r;
}

interface Single {
  readonly baseline: string;
  readonly base: unknown;
  readonly mutation: Mutation;
  readonly record: unknown;
}

/**
 * The candidates of one diff, built once and shared by its searches: every baseline, every single
 * change of each, and (lazily) which single changes had any effect, for the pairs.
 */
export class SearchSpace {
  private readonly singles: Single[] = [];
  private readonly effects = new Map<number, boolean>();

  private readonly templates: ReadonlyMap<string, Record<string, unknown>>;

  constructor(
    private readonly baselines: ReadonlyMap<string, unknown>,
    private readonly program: CheckedProgram,
    private readonly constants: Constants,
    /** Whether a change did anything at all (made some rule fire differently). */
    private readonly effect: (record: unknown, baseline: unknown) => boolean,
    /** How many effective single changes per baseline are combined in pairs. */
    private readonly maxPairsFrom = MAX_PAIRS_FROM,
  ) {
    const templates = listTemplates([...baselines.values()], program, constants);
    this.templates = templates;
    for (const [name, base] of baselines) {
      for (const m of mutationsOf(base, program, constants, templates)) {
        const r = apply(base, [m]);
        if (r !== undefined) this.singles.push({ baseline: name, base, mutation: m, record: r });
      }
    }
  }

  private readonly refinements = new Map<Single, Mutation[]>();

  /**
   * Visits every candidate once, in search order (baselines, single changes, pairs), for analyses
   * that look at all candidates rather than stop at the first that meets a goal. Returns the bounds.
   */
  sweep(visit: (candidate: Candidate) => void): SearchBounds {
    let evaluated = 0;
    const found = this.search(
      (record) => {
        evaluated++;
        visit(this.current(record));
        return false;
      },
      () => true,
    );
    return { ...found.bounds, evaluated };
  }

  /** The candidate being visited: set by `search` just before it calls the goal. */
  private candidate: Candidate | undefined;
  private current(record: unknown): Candidate {
    return this.candidate !== undefined && this.candidate.record === record ? this.candidate : { baseline: "", mutations: [], record };
  }

  /**
   * What to combine an effective change with: the other effective changes; changes of a sibling
   * fact of the same record (`devices[0].firmwareUpgradePossible` with `devices[0].firmwareAttempts`);
   * and, when the change made a short list, changes inside its new elements.
   */
  private partners(first: Single, laterEffective: readonly Single[], scalars: readonly Single[]): Mutation[] {
    const parent = (p: string): string => p.replace(/(\.[A-Za-z_$][\w$]*|\[\d+\])$/, "");
    const out = laterEffective.map((s) => s.mutation);
    const fp = parent(first.mutation.path);
    for (const s of scalars) if (parent(s.mutation.path) === fp && s.mutation.path !== first.mutation.path) out.push(s.mutation);
    const v = first.mutation.value;
    if (Array.isArray(v) && v.length > 0 && v.length <= 2) {
      let refined = this.refinements.get(first);
      if (refined === undefined) {
        refined = mutationsOf(first.record, this.program, this.constants, this.templates).filter((m) => m.path.startsWith(`${first.mutation.path}[`) && !Array.isArray(m.value));
        this.refinements.set(first, refined);
      }
      out.push(...refined);
    }
    return out;
  }

  /**
   * The first candidate (fewest changes, then baseline and change order) that meets `goal` and that
   * `valid` accepts. Changes are built from the schema's own values, so candidates are valid by
   * construction; `valid` is still asked of the one returned.
   */
  search(goal: (record: unknown) => boolean, valid: (record: unknown) => boolean): { found?: Candidate; bounds: SearchBounds } {
    let evaluated = 0;
    let pairs = 0;
    const bounds = (): SearchBounds => ({ baselines: this.baselines.size, singleChanges: this.singles.length, pairs, evaluated });
    for (const [name, base] of this.baselines) {
      evaluated++;
      this.candidate = { baseline: name, mutations: [], record: base };
      if (goal(base) && valid(base)) return { found: this.candidate, bounds: bounds() };
    }
    for (const s of this.singles) {
      evaluated++;
      this.candidate = { baseline: s.baseline, mutations: [s.mutation], record: s.record };
      if (goal(s.record) && valid(s.record)) return { found: this.candidate, bounds: bounds() };
    }
    for (const [name, base] of this.baselines) {
      // Effective changes taken round-robin over the facts they change, so that the cap does not
      // spend every pair on the many list shapes of the first list in the record.
      const byPath = new Map<string, Single[]>();
      this.singles.forEach((s, i) => {
        if (s.baseline !== name) return;
        let e = this.effects.get(i);
        if (e === undefined) {
          e = this.effect(s.record, base);
          this.effects.set(i, e);
        }
        if (!e) return;
        const list = byPath.get(s.mutation.path);
        if (list === undefined) byPath.set(s.mutation.path, [s]);
        else list.push(s);
      });
      const mine: Single[] = [];
      for (let round = 0; mine.length < this.maxPairsFrom; round++) {
        let any = false;
        for (const list of byPath.values()) {
          if (round < list.length && mine.length < this.maxPairsFrom) {
            mine.push(list[round]);
            any = true;
          }
        }
        if (!any) break;
      }
      const scalars = this.singles.filter((s) => s.baseline === name && !Array.isArray(s.mutation.value));
      for (let i = 0; i < mine.length; i++) {
        const first = mine[i].mutation;
        for (const second of this.partners(mine[i], mine.slice(i + 1), scalars)) {
          if (second.path === first.path || (second.path.startsWith(`${first.path}[`) && !Array.isArray(first.value)) || first.path.startsWith(`${second.path}[`)) continue;
          const r = apply(base, [first, second]);
          if (r === undefined) continue;
          pairs++;
          evaluated++;
          this.candidate = { baseline: name, mutations: [first, second], record: r };
          if (goal(r) && valid(r)) return { found: this.candidate, bounds: bounds() };
        }
      }
    }
    return { bounds: bounds() };
  }
}
