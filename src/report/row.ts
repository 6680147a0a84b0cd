/**
 * One record as `tmad report` needs it, computed where the record is evaluated (a worker thread):
 * its reporting dimensions (Responsible Supplier, cohort), the decision's outcome and clause-typed
 * fields, and, for an installation the supplier's list shows (an outcome not in the version's
 * `reportOmit`), the list's columns (MPAN, MPRN, GroupID…), the decision's other fields (devices
 * deregistered…) and a one-line reason in plain English from a traced evaluation. Takes the
 * version, the record's outcome and its parsed input; gives one compact JSON line (ReportLine).
 */
import { buildExplanation } from "../explanation/build.js";
import { decisionOutcome, evaluateRecord, type RecordOutcome, type VersionModule } from "../runtime/index.js";

export interface ReportLine {
  readonly record: number;
  readonly id: string | null;
  /** For an invalid record: what is wrong with it. */
  readonly invalid?: string;
  /** The version's reportBy values, in its order (`null` when absent). */
  readonly dims: readonly (string | null)[];
  readonly outcome?: string;
  /** The values of the decision's clause-typed fields, in declaration order (e.g. the Excluded Category). */
  readonly categories?: readonly (string | null)[];
  readonly clause?: string | null;
  readonly rule?: string | null;
  /** Only for a listed installation: */
  readonly columns?: readonly (string | null)[];
  readonly fields?: Readonly<Record<string, unknown>>;
  readonly reason?: string;
}

/** A fact of a record by dotted path; null when absent. */
export function readPath(record: unknown, path: string): string | null {
  let v: unknown = record;
  for (const step of path.split(".")) v = typeof v === "object" && v !== null && Object.hasOwn(v, step) ? (v as Record<string, unknown>)[step] : undefined;
  return v === undefined || v === null ? null : typeof v === "string" ? v : JSON.stringify(v);
}

export function reportLine(version: VersionModule<any, any>, record: number, o: RecordOutcome<any>, input: unknown): string {
  const m = version.manifest;
  const dims = (m.reportBy ?? []).map((d) => readPath(input, d.path));
  if (!o.ok) {
    const line: ReportLine = { record, id: o.installationId, invalid: o.errors.map((e) => `${e.path}: ${e.message}`).join("; "), dims };
    return JSON.stringify(line);
  }
  const d = o.decision;
  const outcome = decisionOutcome(d);
  const categories = m.clauseFields.map((f) => {
    const v = d.result === null ? undefined : (d.result as Record<string, unknown>)[f];
    return typeof v === "string" ? v : null;
  });
  const base = { record, id: d.installationId, dims, outcome, categories, clause: d.clause, rule: d.rule };
  if ((m.reportOmit ?? []).includes(outcome)) return JSON.stringify(base);
  // Listed: the reason needs the trace; only listed installations pay for it.
  const traced = o.trace === undefined ? evaluateRecord(version, input, { asOf: d.asOf, trace: true }) : o;
  const reason = buildExplanation(version, traced, { reasonOnly: true }).reason;
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((d.result ?? {}) as Record<string, unknown>)) if (k !== m.decisionFields[0] && !m.clauseFields.includes(k)) fields[k] = v;
  const line: ReportLine = { ...base, columns: (m.reportColumns ?? []).map((c) => readPath(input, c.path)), fields, reason };
  return JSON.stringify(line);
}
