/**
 * Witness search: installations, found from the rules themselves, on which two versions (or two
 * conditions) disagree. The rules compare facts with constants from finite enums, booleans, dates
 * and bounded counts, so the search starts from clean baselines (the named installations of the
 * versions' examples) and changes facts to the values that matter: every other enum member, the
 * flipped boolean, the constants a number, date or text is compared with (and their neighbours),
 * absence for optional facts, and for lists of records (e.g. attempt histories) an empty list or
 * n copies of an element with one enum fact set, dated across s days, for n and s among the
 * rules' integer constants. It tries every single change first, then pairs of the changes that
 * made any rule fire differently (at most 400 per baseline), so a witness changes as few facts as
 * possible. Bounded: it
 * states how many candidates it tried, and says "no witness within these bounds" otherwise.
 */
import type * as A from "../ast/nodes.js";
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

const MAX_PAIRS_FROM = 400;
const DAY = 86_400_000;

function walkExprs(program: CheckedProgram, visit: (e: A.Expr) => void): void {
  const walk = (e: A.Expr): void => {
    visit(e);
    for (const v of Object.values(e)) {
      if (Array.isArray(v)) for (const x of v) if (x !== null && typeof x === "object" && "kind" in x && "span" in x) walk(x as A.Expr);
      if (v !== null && typeof v === "object" && "kind" in v && "span" in v && (v as { kind: string }).kind !== "ScalarType") walk(v as A.Expr);
    }
  };
  for (const r of program.rules) {
    walk(r.decl.condition);
    for (const a of r.decl.result) walk(a.value);
  }
  for (const d of program.definitions) walk(d.body);
}

export function constantsOf(programs: readonly CheckedProgram[]): Constants {
  const numbers = new Set<number>();
  const dates = new Set<string>();
  const datetimes = new Set<string>();
  const texts = new Set<string>();
  const counts = new Set<number>([1]);
  const spans = new Set<number>([0]);
  for (const p of programs) {
    const params = foldParameters(p);
    const valueOf = (e: A.Expr): number | undefined => {
      if (e.kind === "NumberLiteral") return Number(e.text);
      if (e.kind === "NameRef" && params.has(e.name.text)) {
        const n = Number(params.get(e.name.text));
        return Number.isFinite(n) ? n : undefined;
      }
      return undefined;
    };
    const isCount = (e: A.Expr): boolean => e.kind === "Quantified" && e.quantifier === "count";
    walkExprs(p, (e) => {
      if (e.kind === "NumberLiteral") numbers.add(Number(e.text));
      else if (e.kind === "DateLiteral") dates.add(e.text);
      else if (e.kind === "DateTimeLiteral") datetimes.add(e.text);
      else if (e.kind === "TextLiteral") texts.add(e.value);
      else if (e.kind === "Binary" && ["<", "<=", ">", ">=", "=", "!="].includes(e.operator)) {
        for (const [side, other] of [
          [e.left, e.right],
          [e.right, e.left],
        ] as const) {
          const n = valueOf(other);
          if (n === undefined || !Number.isInteger(n) || n < 0 || n > 1000) continue;
          if (isCount(side)) for (const x of [n - 1, n, n + 1]) if (x >= 1) counts.add(x);
          if (side.kind === "DaysBetween") for (const x of [n - 1, n]) if (x >= 0) spans.add(x);
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
        return [...new Set(constants.dates.flatMap((d) => [shiftDate(d, -1), d, shiftDate(d, 1)]))].filter((d) => d !== v);
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

/** First elements of every list of records found in the baselines, by record type: list templates. */
export function listTemplates(records: readonly unknown[], program: CheckedProgram): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  const walk = (value: unknown, type: Type): void => {
    if (type.kind === "optional") return walk(value, type.inner);
    if (type.kind === "list" && Array.isArray(value)) {
      if (type.element.kind === "record" && value.length > 0 && !out.has(type.element.name)) out.set(type.element.name, value[0] as Record<string, unknown>);
      for (const v of value) walk(v, type.element);
      return;
    }
    if (type.kind === "record" && typeof value === "object" && value !== null) for (const [f, t] of program.fieldTypes.get(type.name) ?? []) walk((value as Record<string, unknown>)[f], t);
  };
  for (const r of records) walk(r, { kind: "record", name: program.input.type.text });
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

/**
 * Searches for the first candidate (fewest changes, then baseline and change order) that
 * satisfies `goal`. `effect` tells whether a single change did anything at all (made a rule fire
 * differently); only such changes are combined in pairs.
 */
export function search(
  baselines: ReadonlyMap<string, unknown>,
  program: CheckedProgram,
  constants: Constants,
  valid: (record: unknown) => boolean,
  goal: (record: unknown) => boolean,
  effect: (record: unknown, baseline: unknown) => boolean,
): { found?: Candidate; bounds: SearchBounds } {
  const templates = listTemplates([...baselines.values()], program);
  let evaluated = 0;
  let singles = 0;
  let pairs = 0;
  const effective: { baseline: string; record: unknown; mutations: Mutation[] }[] = [];
  for (const [name, base] of baselines) {
    if (!valid(base)) continue;
    evaluated++;
    if (goal(base)) return { found: { baseline: name, mutations: [], record: base }, bounds: { baselines: baselines.size, singleChanges: singles, pairs, evaluated } };
  }
  for (const [name, base] of baselines) {
    if (!valid(base)) continue;
    const ms = mutationsOf(base, program, constants, templates);
    for (const m of ms) {
      const r = apply(base, [m]);
      singles++;
      if (r === undefined || !valid(r)) continue;
      evaluated++;
      if (goal(r)) return { found: { baseline: name, mutations: [m], record: r }, bounds: { baselines: baselines.size, singleChanges: singles, pairs, evaluated } };
      if (effect(r, base)) effective.push({ baseline: name, record: base, mutations: [m] });
    }
  }
  for (const [name, base] of baselines) {
    const mine = effective.filter((e) => e.baseline === name).slice(0, MAX_PAIRS_FROM);
    for (let i = 0; i < mine.length; i++) {
      const e = mine[i];
      for (const { mutations: [m] } of mine.slice(i + 1)) {
        if (m.path === e.mutations[0].path || m.path.startsWith(`${e.mutations[0].path}[`) || e.mutations[0].path.startsWith(`${m.path}[`)) continue;
        pairs++;
        const r = apply(base, [e.mutations[0], m]);
        if (r === undefined || !valid(r)) continue;
        evaluated++;
        if (goal(r)) return { found: { baseline: name, mutations: [e.mutations[0], m], record: r }, bounds: { baselines: baselines.size, singleChanges: singles, pairs, evaluated } };
      }
    }
  }
  return { bounds: { baselines: baselines.size, singleChanges: singles, pairs, evaluated } };
}
