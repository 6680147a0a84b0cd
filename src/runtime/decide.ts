/**
 * Building Decisions from what a generated evaluator found: which rule won, or none, or several with
 * no precedence between them (a conflict). Kept here so every version builds Decisions alike.
 */
import type { RuleTrace, TraceNode } from "./trace.js";
import type { Decision, Manifest } from "./version.js";

export function decided<R>(m: Manifest, installationId: string, asOf: string | null, rule: string, clause: string, result: R, fired: readonly string[]): Decision<R> {
  return { installationId, document: m.document, version: m.version, versionId: m.id, asOf, sourceHash: m.sourceHash, status: "decided", result, rule, clause, fired };
}

export function defaulted<R>(m: Manifest, installationId: string, asOf: string | null, result: R, fired: readonly string[]): Decision<R> {
  return {
    installationId,
    document: m.document,
    version: m.version,
    versionId: m.id,
    asOf,
    sourceHash: m.sourceHash,
    status: "default",
    result,
    rule: null,
    clause: m.defaultClause ?? null,
    fired,
  };
}

export function conflicted<R>(m: Manifest, installationId: string, asOf: string | null, winners: readonly string[], fired: readonly string[]): Decision<R> {
  return { installationId, document: m.document, version: m.version, versionId: m.id, asOf, sourceHash: m.sourceHash, status: "conflict", result: null, rule: null, clause: null, fired, conflict: winners };
}

/** One RuleTrace per rule, in document order, from the conditions' trace nodes. */
const titlesOf = new WeakMap<Manifest, ReadonlyMap<string, string>>();

export function ruleTraces(m: Manifest, conditions: readonly TraceNode[], fired: readonly string[]): RuleTrace[] {
  const firedSet = new Set(fired);
  // Built once per version, not per traced evaluation.
  let titles = titlesOf.get(m);
  if (titles === undefined) {
    titles = new Map(m.clauses.map((c) => [c.number, c.title]));
    titlesOf.set(m, titles);
  }
  return m.rules.map((r, i) => ({
    rule: r.id,
    clause: r.clause,
    clauseTitle: titles.get(r.clause) ?? "",
    at: r.at,
    fired: firedSet.has(r.id),
    setAsideBy: firedSet.has(r.id) ? r.overriddenBy.filter((w) => firedSet.has(w)) : [],
    condition: conditions[i],
  }));
}
