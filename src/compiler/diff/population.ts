/**
 * Population impact: every record evaluated under both versions, and the transition matrix of
 * (outcome, clause) under A → under B with counts, broken down by the version's reporting facts
 * (e.g. cohort and Responsible Supplier), each flip attributed to the changed clauses that caused it.
 * Records that fail validation are counted and listed, never dropped: counts always reconcile.
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
  readonly ids: readonly string[];
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
  readonly invalid: readonly InvalidRecord[];
  /** The reporting dimensions: names, and the fact paths they read. */
  readonly reportBy: readonly ReportDimension[];
  /** Every (from, to) pair, unchanged ones included, so the counts add up to the records. */
  readonly transitions: readonly Transition[];
}

/** A transition's end: the outcome and the deciding clause, e.g. `EXCLUDED 18.10`. */
export function decisionLabel(d: Decision): string {
  if (d.status === "conflict") return `CONFLICT (${(d.conflict ?? []).join(", ")})`;
  const outcome = decisionOutcome(d);
  return d.clause === null ? outcome : `${outcome} ${d.clause}`;
}

export function sameDecision(a: Decision, b: Decision): boolean {
  return a.status === b.status && a.clause === b.clause && JSON.stringify(a.result) === JSON.stringify(b.result);
}

export function populationImpact(
  records: Iterable<{ record: number; value?: unknown; parseError?: string }>,
  a: VersionModule<unknown, Record<string, unknown>>,
  b: VersionModule<unknown, Record<string, unknown>>,
  reportBy: readonly ReportDimension[],
  changedClauses: ReadonlySet<string>,
  ruleClauseA: ReadonlyMap<string, string>,
  ruleClauseB: ReadonlyMap<string, string>,
): PopulationImpact {
  const cells = new Map<string, { from: string; to: string; count: number; causes: Set<string>; by: Map<string, Map<string, number>>; ids: string[] }>();
  const invalid: InvalidRecord[] = [];
  let total = 0;
  let changed = 0;
  for (const input of records) {
    total++;
    if (input.parseError !== undefined) {
      invalid.push({ record: input.record, id: null, error: input.parseError });
      continue;
    }
    const oa = evaluateRecord(a, input.value);
    const ob = evaluateRecord(b, input.value);
    if (!oa.ok || !ob.ok) {
      const bad = !oa.ok ? oa : ob;
      if (!bad.ok) invalid.push({ record: input.record, id: bad.installationId, error: bad.errors.map((e) => `${e.path}: ${e.message}`).join("; ") });
      continue;
    }
    const da = oa.decision;
    const db = ob.decision;
    const from = decisionLabel(da);
    const to = decisionLabel(db);
    const key = `${from}\u0000${to}`;
    let cell = cells.get(key);
    if (cell === undefined) {
      cell = { from, to, count: 0, causes: new Set(), by: new Map(reportBy.map((d) => [d.name, new Map()])), ids: [] };
      cells.set(key, cell);
    }
    cell.count++;
    cell.ids.push(da.installationId);
    for (const dim of reportBy) {
      const m = cell.by.get(dim.name)!;
      const v = factAt(input.value, dim.path);
      m.set(v, (m.get(v) ?? 0) + 1);
    }
    if (!sameDecision(da, db)) {
      changed++;
      const firedA = new Set(da.fired);
      const firedB = new Set(db.fired);
      const involved = new Set<string>([da.clause ?? "", db.clause ?? ""]);
      for (const r of firedA) if (!firedB.has(r)) involved.add(ruleClauseA.get(r) ?? "");
      for (const r of firedB) if (!firedA.has(r)) involved.add(ruleClauseB.get(r) ?? "");
      for (const c of involved) if (changedClauses.has(c)) cell.causes.add(c);
    }
  }
  const sortedCount = (m: Map<string, number>): Record<string, number> => Object.fromEntries([...m].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  const transitions = [...cells.values()]
    .map((c) => ({ from: c.from, to: c.to, count: c.count, causes: [...c.causes].sort(), by: Object.fromEntries([...c.by].map(([p, m]) => [p, sortedCount(m)])), ids: c.ids }))
    .sort((x, y) => Number(x.from === x.to) - Number(y.from === y.to) || y.count - x.count || (x.from + x.to < y.from + y.to ? -1 : 1));
  const evaluated = total - invalid.length;
  return { records: total, evaluated, changed, unchanged: evaluated - changed, invalid, reportBy, transitions };
}
