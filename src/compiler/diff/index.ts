/**
 * The version diff: two compiled versions → DiffReport. Answers the three questions a reader of a
 * new TMAD version asks: which clauses changed (document), do the rules do what the new words say
 * (rule changes and drift), and whose installations are affected (witnesses found from the rules,
 * and the effect on a population when one is given). The report's JSON form is versioned
 * (`schema: "tmad-diff/1"`, documented in docs/diff.md).
 */
import { evaluateRecord, type Decision, type VersionModule } from "../../runtime/index.js";
import type { CheckedVersion } from "../check/index.js";
import type { VersionMeta } from "../extract/index.js";
import type { LoadedVersion } from "../load.js";
import { documentChanges, type DocumentChanges } from "./document.js";
import { populationImpact, sameDecision, type PopulationImpact } from "./population.js";
import { drift, ruleChanges, type Drift, type RuleChange } from "./rules.js";
import { constantsOf, SearchSpace, type Mutation, type SearchBounds } from "./witness.js";

export const DIFF_SCHEMA = "tmad-diff/1";

/** One side of a diff: the checked version (its named installations are the witness search's clean baselines) and its loaded evaluator. */
export interface DiffSide {
  readonly checked: CheckedVersion;
  readonly loaded: LoadedVersion;
}

export interface Witness {
  readonly baseline: string;
  readonly changes: readonly string[];
  readonly record: unknown;
  readonly a: Decision;
  readonly b: Decision;
}

export interface BehaviourChange {
  readonly rule: string;
  readonly clause: string;
  readonly witness?: Witness;
  /** When there is no witness: what was established, and how. */
  readonly statement?: string;
  readonly bounds?: SearchBounds;
}

export interface DiffReport {
  readonly schema: typeof DIFF_SCHEMA;
  readonly from: VersionSummary;
  readonly to: VersionSummary;
  readonly document: DocumentChanges;
  readonly rules: readonly RuleChange[];
  readonly drift: readonly Drift[];
  readonly behaviour: readonly BehaviourChange[];
  readonly population?: PopulationImpact;
  /** True when some installation's decision differs: a witness was found, or a population record flipped. */
  readonly behaviourChanged: boolean;
}

export interface VersionSummary {
  readonly id: string;
  readonly document?: string;
  readonly version?: string;
  readonly status?: string;
  readonly published?: string;
  readonly effectiveFrom?: string;
}

function summary(v: CheckedVersion): VersionSummary {
  const m: VersionMeta | undefined = v.meta;
  return {
    id: v.id,
    ...(m === undefined ? {} : { document: m.document, version: m.version, status: m.status, published: m.published }),
    ...(m?.effectiveFrom === undefined ? {} : { effectiveFrom: m.effectiveFrom }),
  };
}

type Module = VersionModule<unknown, Record<string, unknown>>;

function decide(m: Module, record: unknown): Decision | undefined {
  const o = evaluateRecord(m, record);
  return o.ok ? o.decision : undefined;
}

function describeChanges(ms: readonly Mutation[]): string[] {
  return ms.map((m) => m.label);
}

export interface DiffOptions {
  readonly population?: Iterable<{ record: number; value?: unknown; parseError?: string }>;
}

export function diffVersions(a: DiffSide, b: DiffSide, options: DiffOptions = {}): DiffReport {
  const document = documentChanges(a.checked, b.checked);
  const rules = ruleChanges(a.checked, b.checked);
  const drifts = drift(document.clauses, rules, a.checked, b.checked);
  const ma = a.loaded.version;
  const mb = b.loaded.version;
  // Both versions must accept a witness: it is a valid Installation for each.
  const valid = (r: unknown): boolean => ma.validator.validate(r).ok && mb.validator.validate(r).ok;
  // Clean baselines are the named installations on which both versions agree: a witness is then
  // built by the search, never an example someone wrote to show the difference.
  const named = [...[...a.checked.installations].map(([k, v]) => [`${a.checked.id}:${k}`, v] as const), ...[...b.checked.installations].map(([k, v]) => [`${b.checked.id}:${k}`, v] as const)];
  const seen = new Set<string>();
  const baselines = new Map(
    named.filter(([, v]) => {
      const key = JSON.stringify(v);
      if (seen.has(key) || !valid(v)) return false;
      seen.add(key);
      return sameDecision(ma.evaluate(v, null), mb.evaluate(v, null));
    }),
  );
  const constants = constantsOf([a.checked, b.checked]);
  // The search validates each candidate once; goals and effects then evaluate it directly.
  const firedKey = (m: Module, r: unknown): string => m.evaluate(r, null).fired.join(",");
  const baseKeys = new Map<unknown, string>();
  const keyOfBase = (base: unknown): string => {
    let k = baseKeys.get(base);
    if (k === undefined) {
      k = `${firedKey(ma, base)}|${firedKey(mb, base)}`;
      baseKeys.set(base, k);
    }
    return k;
  };
  const effect = (r: unknown, base: unknown): boolean => `${firedKey(ma, r)}|${firedKey(mb, r)}` !== keyOfBase(base);
  let space: SearchSpace | undefined;
  const search = (goal: (r: unknown) => boolean): ReturnType<SearchSpace["search"]> => {
    space ??= new SearchSpace(baselines, b.checked, constants, effect);
    return space.search(goal, valid);
  };

  // Classify each changed condition: did the set of installations it applies to grow, shrink, or both?
  for (const change of rules) {
    if (change.kind !== "changed" || change.condition !== "changed") continue;
    const ca = a.loaded.conditions.get(change.rule);
    const cb = b.loaded.conditions.get(change.rule);
    if (ca === undefined || cb === undefined) continue;
    const widening = search((r) => cb(r) && !ca(r));
    const narrowing = search((r) => ca(r) && !cb(r));
    change.condition = widening.found !== undefined ? (narrowing.found !== undefined ? "changed" : "widened") : narrowing.found !== undefined ? "narrowed" : "no-witness";
  }

  const behaviour: BehaviourChange[] = [];
  for (const change of rules) {
    const differs = (r: unknown): boolean => {
      const da = ma.evaluate(r, null);
      const db = mb.evaluate(r, null);
      return !sameDecision(da, db) && (da.rule === change.rule || db.rule === change.rule);
    };
    const result = search(differs);
    if (result.found !== undefined) {
      const w = result.found;
      behaviour.push({ rule: change.rule, clause: change.clause, witness: { baseline: w.baseline, changes: describeChanges(w.mutations), record: w.record, a: decide(ma, w.record)!, b: decide(mb, w.record)! }, bounds: result.bounds });
    } else {
      const bounds = result.bounds;
      behaviour.push({
        rule: change.rule,
        clause: change.clause,
        statement: `no installation found whose decision differs because of rule ${change.rule}: searched ${bounds.evaluated} valid installations (${bounds.baselines} baselines, ${bounds.singleChanges} single-fact changes, ${bounds.pairs} pairs of effective changes)`,
        bounds,
      });
    }
  }
  if (rules.length === 0) {
    behaviour.push({
      rule: "",
      clause: "",
      statement: "no rule, definition or parameter differs once layout, comments and spans are ignored: every installation gets the same decision under both versions (structural equality, not a bounded search)",
    });
  }

  let population: PopulationImpact | undefined;
  if (options.population !== undefined) {
    const changedClauses = new Set<string>([...document.clauses.map((c) => c.number), ...document.clauses.flatMap((c) => (c.from === undefined ? [] : [c.from])), ...rules.map((r) => r.clause)]);
    const reportBy = b.checked.meta.reportBy ?? a.checked.meta.reportBy ?? [];
    population = populationImpact(
      options.population,
      ma,
      mb,
      reportBy,
      changedClauses,
      new Map(a.checked.rules.map((r) => [r.id, r.clause])),
      new Map(b.checked.rules.map((r) => [r.id, r.clause])),
    );
  }
  const behaviourChanged = behaviour.some((x) => x.witness !== undefined) || (population?.changed ?? 0) > 0;
  return {
    schema: DIFF_SCHEMA,
    from: summary(a.checked),
    to: summary(b.checked),
    document,
    rules,
    drift: drifts,
    behaviour,
    ...(population === undefined ? {} : { population }),
    behaviourChanged,
  };
}
