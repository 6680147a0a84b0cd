/**
 * Reading decisions and records the same way everywhere: a decision's outcome for summaries, the
 * clauses it cites, and an input fact by path for report dimensions.
 */
import type { Decision, Manifest } from "./version.js";

/** The decision's first declared field when it is text (e.g. `outcome`), else its status; `conflict` for a conflict. */
export function decisionOutcome(d: Decision): string {
  if (d.status === "conflict") return "conflict";
  const result: unknown = d.result;
  if (result !== null && result !== undefined) {
    // The first own enumerable member, as `Object.values(result)[0]`, without making the list (once a record).
    for (const key in result as object) {
      if (!Object.prototype.hasOwnProperty.call(result, key)) continue;
      const first: unknown = (result as Record<string, unknown>)[key];
      return typeof first === "string" ? first : d.status;
    }
  }
  return d.status;
}

/** The values of the decision's clause-typed fields that are set (e.g. the Excluded Category). */
export function clauseFieldValues(d: Decision, manifest: Manifest): string[] {
  const out: string[] = [];
  for (const f of manifest.clauseFields) {
    const v = d.result === null ? undefined : (d.result as Record<string, unknown>)[f];
    if (typeof v === "string") out.push(v);
  }
  return out;
}

/** Every clause a decision cites: the deciding clause and its clause-typed fields. */
export function citedClauses(d: Decision, manifest: Manifest): string[] {
  return [...new Set([...(d.clause === null ? [] : [d.clause]), ...clauseFieldValues(d, manifest)])];
}

/** A fact of an input record by dotted path, as text; `(absent)` when missing. */
export function factAt(record: unknown, path: string): string {
  let v: unknown = record;
  for (const step of path.split(".")) v = typeof v === "object" && v !== null ? (v as Record<string, unknown>)[step] : undefined;
  return v === undefined || v === null ? "(absent)" : typeof v === "string" ? v : JSON.stringify(v);
}
