/**
 * Generator pass "fused scans": the loops over lists of one element type, with one loop variable,
 * become one pass over the list, remembered by the evaluation's frame; each condition they test is
 * tested once per element in that pass.
 *
 * `failureDays(attempts)` reads `some a in attempts satisfies unsuccessful(a)`, then
 * `max a.at for a in attempts where unsuccessful(a)` and `min a.at …`, and `regimeExhausted` first
 * `count a in attempts where unsuccessful(a)`; `stepSucceeded` reads
 * `some a in attempts satisfies a.outcome = SUCCEEDED` and the least `a.at` of the timed-out attempts
 * (pass: ordered pairs), `stepPersistentlyFailed` `some a in attempts satisfies a.outcome = TIMED_OUT`.
 * Seven loops over one list of up to a hundred attempts, testing three conditions. They are one
 * scan here, in two kinds of pass over a list, each made once per list and only when read:
 * - `scan_N(f, list)` tests every counted condition of each element once and counts the elements
 *   meeting it (cheap: a field compared with a constant); a `some` is `count > 0`, a `count` the
 *   count, and an ordered pair (ordered-pairs.ts) asks it first whether any a qualifies;
 * - `scan_N_K(f, list)` keeps the least and greatest of each value read under condition K (in the
 *   order the separate loops would: the first of equal values); a `min`/`max` is the value kept, an
 *   ordered pair's extreme the value kept under the pair's filter (no condition: every element).
 *   Kept apart because they compare date-times: `stepSucceeded` never pays for the failure days
 *   `regimeExhausted` reads only once the count reaches the regime.
 * The frame keeps each pass's last list and what it found (an object reused by the evaluation, no
 * allocation per list).
 *
 * Where it applies (each a condition for the result to be the same function of the record):
 * - `some` and `count` (condition: `where` and `satisfies` parts), `min` and `max` (condition: the
 *   `where` part) of an ordered, non-optional value (number, date, date-time), and the outer loop of
 *   an ordered pair (condition: its `where` part and the other conjuncts of its `satisfies` part);
 * - the condition and the values read only the loop's variable, the record, parameters and
 *   definitions (no other variable, no nested quantifier), and cannot fail (no division, also not
 *   in a definition they call): a scan that goes past the element a `some` would stop at, or tests
 *   a condition another loop would not have tested, cannot raise an error the loops would not;
 * - loops are grouped by variable name and list type, and within a group by condition as printed
 *   (ast/print.ts); a group is fused only when it has two loops or more and one of them reads the
 *   whole list anyway (a `count`, `min`, `max` or an ordered pair's extreme): `some` loops alone
 *   keep their early exit. A `some` in a fused group gives it up: one pass that reads every element
 *   once costs less than several that each stop early (a hundred attempts are read once, not thrice).
 */
import type * as A from "../ast/nodes.js";
import { printExpr } from "../ast/print.js";
import { expressionsOf, forEachExpr } from "../ast/walk.js";
import type { CheckedVersion } from "../check/index.js";
import type { Type } from "../check/types.js";
import { canFail, orderedPair } from "./ordered-pairs.js";

type Fusable = A.Expr & { kind: "Quantified" | "Aggregated" };

/** One value whose least or greatest a scan keeps, under one of its conditions. */
export interface ScanValue {
  /** The value as written (of the first loop that reads it). */
  readonly value: A.Expr;
  readonly type: Type;
  /** The position of its condition in the scan's conditions. */
  readonly condition: number;
  /** Whether the least is kept (`min`), the greatest (`max`), or both. */
  readonly min: boolean;
  readonly max: boolean;
}

/** One condition a scan tests of each element. */
export interface ScanCondition {
  /** The condition's parts, of the first loop that tests it (an empty list: every element counts). */
  readonly parts: readonly A.Expr[];
  /** Whether a loop reads how many elements meet it (`some`, `count`, an ordered pair before its extreme). */
  readonly counted: boolean;
}

/** One scan: the loops it stands for share the variable and the list's type. */
export interface Scan {
  /** Position among the version's scans: `scan_<index>`. */
  readonly index: number;
  readonly variable: string;
  /** The list's type. */
  readonly list: Type;
  readonly conditions: readonly ScanCondition[];
  readonly values: readonly ScanValue[];
  /** The loops it stands for, in source order (an ordered pair: its outer loop). */
  readonly loops: readonly A.Expr[];
}

/** What a fused loop reads from its scan: the count of elements meeting a condition, or a kept value. */
export type ScanRead = { readonly scan: Scan; readonly read: "count" | "some"; readonly condition: number } | { readonly scan: Scan; readonly read: "min" | "max"; readonly value: number };

/** The version's scans, by what reads them. */
export interface FusedScans {
  /** Quantifiers and aggregates read from a scan. */
  readonly loops: ReadonlyMap<A.Expr, ScanRead>;
  /** Ordered pairs (by their outer loop) whose extreme is read from a scan. */
  readonly extremes: ReadonlyMap<A.Expr, ScanRead & { read: "min" | "max" }>;
}

const ORDERED = new Set(["integer", "decimal", "date", "datetime"]);

function conditionOf(e: Fusable): A.Expr[] {
  const parts: A.Expr[] = [];
  if (e.filter !== undefined) parts.push(e.filter);
  if (e.kind === "Quantified" && e.predicate !== undefined) parts.push(e.predicate);
  return parts;
}

/** Whether `e` reads no variable but `variable`, binds none, and cannot fail. */
function local(version: CheckedVersion, e: A.Expr, variable: string): boolean {
  let ok = true;
  forEachExpr(e, (x) => {
    if (!ok) return false;
    if (x.kind === "Quantified" || x.kind === "Aggregated" || x.kind === "Collect") ok = false;
    if (x.kind === "NameRef") {
      const r = version.refs.get(x);
      if (r === undefined || (r.kind === "variable" && r.name !== variable)) ok = false;
    }
    return undefined;
  });
  return ok && !canFail(version, e);
}

/** A loop a scan may stand for: what it reads, under which condition. */
interface Member {
  readonly loop: A.Expr;
  readonly variable: string;
  readonly list: Type;
  readonly condition: readonly A.Expr[];
  /** `some` and `count` read the count; `min`, `max` (an aggregate or an ordered pair's extreme) a value. */
  readonly read: "count" | "some" | "min" | "max";
  readonly value?: A.Expr;
  readonly pair: boolean;
}

/** Loop `e` as a member of a scan, or undefined when it may not be read from one. */
function memberOf(version: CheckedVersion, e: A.Expr, orderedPairs: boolean): Member | undefined {
  if (e.kind !== "Quantified" && e.kind !== "Aggregated") return undefined;
  const list = version.types.get(e.collection);
  if (list === undefined || list.kind !== "list") return undefined;
  const variable = e.variable.text;
  const pair = e.kind === "Quantified" && orderedPairs ? orderedPair(version, e) : undefined;
  if (pair !== undefined) {
    if (pair.outer.quantifier !== "some" && pair.outer.quantifier !== "no") return undefined;
    const condition = [...(e.filter === undefined ? [] : [e.filter]), ...pair.outerFilters];
    const value = pair.aSide === "left" ? pair.comparison.left : pair.comparison.right;
    if (!condition.every((c) => local(version, c, variable)) || !local(version, value, variable)) return undefined;
    return { loop: e, variable, list, condition, read: pair.extreme, value, pair: true };
  }
  let read: Member["read"];
  let value: A.Expr | undefined;
  if (e.kind === "Quantified") {
    if (e.quantifier !== "some" && e.quantifier !== "count") return undefined;
    read = e.quantifier;
  } else {
    if (e.aggregate !== "min" && e.aggregate !== "max") return undefined;
    const t = version.types.get(e.value);
    if (t === undefined || !ORDERED.has(t.kind) || !local(version, e.value, variable)) return undefined;
    read = e.aggregate;
    value = e.value;
  }
  const condition = conditionOf(e);
  if (condition.length === 0 || !condition.every((c) => local(version, c, variable))) return undefined;
  return { loop: e, variable, list, condition, read, value, pair: false };
}

/**
 * The version's scans, by the loops they stand for: every loop in a definition, a rule's condition
 * or result, or the default result (parameters' values are computed without a frame). Ordered
 * pairs take part only when that pass runs too.
 */
export function fusedScans(version: CheckedVersion, orderedPairs: boolean): FusedScans {
  const groups = new Map<string, Member[]>();
  const roots = [...version.definitions.map((d) => d.body), ...version.rules.flatMap((r) => expressionsOf(r.decl)), ...(version.defaultResult === undefined ? [] : expressionsOf(version.defaultResult.decl))];
  const seen = new Set<A.Expr>();
  for (const root of roots) {
    forEachExpr(root, (x) => {
      if (seen.has(x)) return undefined;
      seen.add(x);
      const m = memberOf(version, x, orderedPairs);
      if (m !== undefined) {
        const key = JSON.stringify([m.variable, JSON.stringify(m.list)]);
        const group = groups.get(key);
        if (group === undefined) groups.set(key, [m]);
        else group.push(m);
      }
      return undefined;
    });
  }
  const loops = new Map<A.Expr, ScanRead>();
  const extremes = new Map<A.Expr, ScanRead & { read: "min" | "max" }>();
  let index = 0;
  for (const members of groups.values()) {
    if (members.length < 2 || members.every((m) => m.read === "some")) continue;
    const conditions: { parts: readonly A.Expr[]; counted: boolean; text: string }[] = [];
    const values: { value: A.Expr; type: Type; condition: number; min: boolean; max: boolean; text: string }[] = [];
    /** What each member reads, once its scan exists. */
    const reads: ((scan: Scan) => ScanRead)[] = [];
    for (const m of members) {
      const text = JSON.stringify(m.condition.map((c) => printExpr(c)));
      let k = conditions.findIndex((c) => c.text === text);
      if (k < 0) k = conditions.push({ parts: m.condition, counted: false, text }) - 1;
      // An ordered pair first asks whether any element meets its condition (the cheap pass), and
      // reads the extreme only then: its condition is counted too (every element: no need).
      if (m.read === "count" || m.read === "some" || (m.pair && m.condition.length > 0)) conditions[k].counted = true;
      if (m.read === "count" || m.read === "some") {
        const read = m.read;
        reads.push((scan) => ({ scan, read, condition: k }));
        continue;
      }
      const valueText = printExpr(m.value!);
      let i = values.findIndex((v) => v.condition === k && v.text === valueText);
      if (i < 0) i = values.push({ value: m.value!, type: version.types.get(m.value!)!, condition: k, min: false, max: false, text: valueText }) - 1;
      const read = m.read;
      if (read === "min") values[i].min = true;
      else values[i].max = true;
      reads.push((scan) => ({ scan, read, value: i }));
    }
    const scan: Scan = {
      index: index++,
      variable: members[0].variable,
      list: members[0].list,
      conditions: conditions.map(({ parts, counted }) => ({ parts, counted })),
      values: values.map(({ value, type, condition, min, max }) => ({ value, type, condition, min, max })),
      loops: members.map((m) => m.loop),
    };
    members.forEach((m, i) => {
      const read = reads[i](scan);
      if (m.pair && (read.read === "min" || read.read === "max")) extremes.set(m.loop, read);
      else loops.set(m.loop, read);
    });
  }
  return { loops, extremes };
}
