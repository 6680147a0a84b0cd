/**
 * Population impact, streamed: records one at a time → every record evaluated under both versions,
 * counted into the transition matrix of (outcome, clause) under A → under B, broken down by the
 * version's reporting facts (e.g. cohort and Responsible Supplier), each flip attributed to the
 * changed clauses that caused it. Memory does not grow with the number of records: a cell keeps
 * counts, installation ids only when asked for (`--ids`), and at most MAX_INVALID_LISTED invalid
 * records are listed (all are counted). Counts always reconcile: evaluated + invalid = records.
 */
import { decisionOutcome, evaluateRecord, factAt, type Decision, type ReportDimension, type VersionModule } from "../../runtime/index.js";

export interface Transition {
  readonly from: string;
  readonly to: string;
  readonly count: number;
  /** Changed clauses that caused these flips (deciding clauses, or clauses of rules whose firing changed). */
  readonly causes: readonly string[];
  /** Per reporting dimension (by name), counts per value. */
  readonly by: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** The installations, only when ids were asked for. */
  readonly ids?: readonly string[];
}

export interface InvalidRecord {
  readonly record: number;
  readonly id: string | null;
  readonly error: string;
}

export interface PopulationImpact {
  readonly records: number;
  readonly evaluated: number;
  readonly changed: number;
  readonly unchanged: number;
  /** How many records were invalid (under either version) or unreadable. */
  readonly invalidCount: number;
  /** The first MAX_INVALID_LISTED of them. */
  readonly invalid: readonly InvalidRecord[];
  /** The reporting dimensions: names, and the fact paths they read. */
  readonly reportBy: readonly ReportDimension[];
  /** Every (from, to) pair, unchanged ones included, so the counts add up to the records. */
  readonly transitions: readonly Transition[];
}

export const MAX_INVALID_LISTED = 1000;

/** A transition's end: the outcome and the deciding clause, e.g. `EXCLUDED 18.10`. */
export function decisionLabel(d: Decision): string {
  if (d.status === "conflict") return `CONFLICT (${(d.conflict ?? []).join(", ")})`;
  const outcome = decisionOutcome(d);
  return d.clause === null ? outcome : `${outcome} ${d.clause}`;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object" && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

/** The same decision for an installation: status, deciding clause and every result field. */
export function sameDecision(a: Decision, b: Decision): boolean {
  return a.status === b.status && a.clause === b.clause && sameValue(a.result, b.result);
}

/**
 * Which open questions of the diff a record decided `a` and `b` (valid under both) can answer, as a
 * key: two records with the same key answer the same questions (the rules that applied on one side
 * only; whether the decision differs, and then the deciding, conflicting and default rules).
 * Undefined when it can answer none (the same decision from the same rules). A worker sends the
 * first record of each key only: the first record to answer a question is always among those.
 */
export function answerKey(a: Decision, b: Decision): string | undefined {
  const same = sameDecision(a, b);
  if (same && a.fired.length === b.fired.length && a.fired.every((r, i) => r === b.fired[i])) return undefined;
  const onlyA = a.fired.filter((r) => !b.fired.includes(r));
  const onlyB = b.fired.filter((r) => !a.fired.includes(r));
  if (same && onlyA.length === 0 && onlyB.length === 0) return undefined;
  return JSON.stringify(same ? [onlyA.sort(), onlyB.sort()] : [onlyA.sort(), onlyB.sort(), a.rule, b.rule, a.conflict ?? null, b.conflict ?? null, a.status === "default", b.status === "default"]);
}

/** A population record that may answer a question of the diff, sent by a worker with its decisions. */
export interface PopulationAnswer {
  readonly record: number;
  readonly value: unknown;
  readonly a: Decision;
  readonly b: Decision;
}

/** What a PopulationTally needs besides the two versions: plain data, to send to a worker. */
export interface TallySetup {
  readonly reportBy: readonly ReportDimension[];
  readonly changedClauses: readonly string[];
  readonly ruleClauseA: readonly (readonly [string, string])[];
  readonly ruleClauseB: readonly (readonly [string, string])[];
  readonly ids: boolean;
}

export interface PopulationInput {
  readonly record: number;
  readonly value?: unknown;
  readonly parseError?: string;
}

interface Cell {
  readonly from: string;
  readonly to: string;
  count: number;
  readonly causes: Set<string>;
  readonly by: Map<string, Map<string, number>>;
  readonly ids?: string[];
}

/**
 * A tally's counts as plain data, to send between threads (a worker counts its batches, the main
 * thread merges them in input order): cells as (from, to, count, causes, counts per dimension, ids).
 */
export interface TallyPart {
  readonly total: number;
  readonly changed: number;
  readonly invalidCount: number;
  readonly invalid: readonly InvalidRecord[];
  readonly cells: readonly { readonly from: string; readonly to: string; readonly count: number; readonly causes: readonly string[]; readonly by: readonly (readonly [string, readonly (readonly [string, number])[]])[]; readonly ids?: readonly string[] }[];
}

/** Accumulates a population's impact one record at a time. */
export class PopulationTally {
  private readonly cells = new Map<string, Cell>();
  private readonly invalid: InvalidRecord[] = [];
  private invalidCount = 0;
  private total = 0;
  private changed = 0;

  constructor(
    private readonly a: VersionModule<unknown, Record<string, unknown>>,
    private readonly b: VersionModule<unknown, Record<string, unknown>>,
    private readonly reportBy: readonly ReportDimension[],
    private readonly changedClauses: ReadonlySet<string>,
    private readonly ruleClauseA: ReadonlyMap<string, string>,
    private readonly ruleClauseB: ReadonlyMap<string, string>,
    private readonly options: {
      readonly ids?: boolean;
      /** Sees each record valid under both versions with its two decisions, without `reviewOn` (the diff looks for witnesses there). */
      readonly onRecord?: (input: PopulationInput, da: Decision, db: Decision) => void;
    } = {},
  ) {}

  get records(): number {
    return this.total;
  }

  private reject(record: number, id: string | null, error: string): void {
    this.invalidCount++;
    if (this.invalid.length < MAX_INVALID_LISTED) this.invalid.push({ record, id, error });
  }

  add(input: PopulationInput): void {
    this.total++;
    if (input.parseError !== undefined) return this.reject(input.record, null, input.parseError);
    // Decisions only: the date a waiting decision can change (reviewOn) is no part of the comparison.
    const oa = evaluateRecord(this.a, input.value, { review: false });
    const ob = evaluateRecord(this.b, input.value, { review: false });
    if (!oa.ok || !ob.ok) {
      const bad = !oa.ok ? oa : ob;
      if (!bad.ok) this.reject(input.record, bad.installationId, bad.errors.map((e) => `${e.path}: ${e.message}`).join("; "));
      return;
    }
    const da = oa.decision;
    const db = ob.decision;
    const from = decisionLabel(da);
    const to = decisionLabel(db);
    const cell = this.cell(from, to);
    cell.count++;
    cell.ids?.push(da.installationId);
    for (const dim of this.reportBy) {
      const m = cell.by.get(dim.name)!;
      const v = factAt(input.value, dim.path);
      m.set(v, (m.get(v) ?? 0) + 1);
    }
    if (!sameDecision(da, db)) {
      this.changed++;
      const firedA = new Set(da.fired);
      const firedB = new Set(db.fired);
      const involved = new Set<string>([da.clause ?? "", db.clause ?? ""]);
      for (const r of firedA) if (!firedB.has(r)) involved.add(this.ruleClauseA.get(r) ?? "");
      for (const r of firedB) if (!firedA.has(r)) involved.add(this.ruleClauseB.get(r) ?? "");
      for (const c of involved) if (this.changedClauses.has(c)) cell.causes.add(c);
    }
    this.options.onRecord?.(input, da, db);
  }

  /** The counts so far as plain data, and a fresh start (a worker sends one part per batch). */
  takePart(): TallyPart {
    const part: TallyPart = {
      total: this.total,
      changed: this.changed,
      invalidCount: this.invalidCount,
      invalid: this.invalid.splice(0),
      cells: [...this.cells.values()].map((c) => ({ from: c.from, to: c.to, count: c.count, causes: [...c.causes], by: [...c.by].map(([d, m]) => [d, [...m]] as const), ...(c.ids === undefined ? {} : { ids: c.ids }) })),
    };
    this.cells.clear();
    this.total = this.changed = this.invalidCount = 0;
    return part;
  }

  /** Adds the counts of records that came after every record counted so far (ids and invalid records stay in input order). */
  merge(part: TallyPart): void {
    this.total += part.total;
    this.changed += part.changed;
    this.invalidCount += part.invalidCount;
    for (const r of part.invalid) if (this.invalid.length < MAX_INVALID_LISTED) this.invalid.push(r);
    for (const p of part.cells) {
      const cell = this.cell(p.from, p.to);
      cell.count += p.count;
      for (const c of p.causes) cell.causes.add(c);
      for (const [d, values] of p.by) {
        const m = cell.by.get(d)!;
        for (const [v, n] of values) m.set(v, (m.get(v) ?? 0) + n);
      }
      if (p.ids !== undefined) for (const id of p.ids) cell.ids?.push(id);
    }
  }

  private cell(from: string, to: string): Cell {
    const key = `${from}\u0000${to}`;
    let cell = this.cells.get(key);
    if (cell === undefined) {
      cell = { from, to, count: 0, causes: new Set(), by: new Map(this.reportBy.map((d) => [d.name, new Map()])), ...(this.options.ids === true ? { ids: [] } : {}) };
      this.cells.set(key, cell);
    }
    return cell;
  }

  result(): PopulationImpact {
    const sortedCount = (m: Map<string, number>): Record<string, number> => Object.fromEntries([...m].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
    const transitions = [...this.cells.values()]
      .map((c) => ({ from: c.from, to: c.to, count: c.count, causes: [...c.causes].sort(), by: Object.fromEntries([...c.by].map(([p, m]) => [p, sortedCount(m)])), ...(c.ids === undefined ? {} : { ids: c.ids }) }))
      .sort((x, y) => Number(x.from === x.to) - Number(y.from === y.to) || y.count - x.count || (x.from + x.to < y.from + y.to ? -1 : 1));
    const evaluated = this.total - this.invalidCount;
    return { records: this.total, evaluated, changed: this.changed, unchanged: evaluated - this.changed, invalidCount: this.invalidCount, invalid: this.invalid, reportBy: this.reportBy, transitions };
  }
}

/** Keys a PopulationPart remembers at most: past this many, every record that may answer is sent (slower, the same report). */
const MAX_ANSWER_KEYS = 100_000;

/**
 * One worker's share of a population (src/cli/diff-worker.ts): counts the batches it is given and
 * keeps the records that may answer a question of the diff, the first of each answerKey it has seen,
 * so the main thread, merging the parts in input order (VersionDiff.addPart), finds the witnesses a
 * single thread finds.
 */
export class PopulationPart {
  private readonly tally: PopulationTally;
  private readonly seen = new Set<string>();
  private answers: PopulationAnswer[] = [];

  constructor(a: VersionModule<unknown, Record<string, unknown>>, b: VersionModule<unknown, Record<string, unknown>>, s: TallySetup) {
    this.tally = new PopulationTally(a, b, s.reportBy, new Set(s.changedClauses), new Map(s.ruleClauseA), new Map(s.ruleClauseB), {
      ids: s.ids,
      onRecord: (input, da, db) => {
        const key = answerKey(da, db);
        if (key === undefined || this.seen.has(key)) return;
        if (this.seen.size < MAX_ANSWER_KEYS) this.seen.add(key);
        this.answers.push({ record: input.record, value: input.value, a: da, b: db });
      },
    });
  }

  add(input: PopulationInput): void {
    this.tally.add(input);
  }

  /** The counts and possible witnesses since the last take. */
  take(): { part: TallyPart; answers: PopulationAnswer[] } {
    const answers = this.answers;
    this.answers = [];
    return { part: this.tally.takePart(), answers };
  }
}
