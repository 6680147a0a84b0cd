/**
 * Generator pass "fused scans": the loops over one list that test the same condition of each
 * element become one pass over the list, remembered by the evaluation's frame.
 *
 * `failureDays(attempts)` reads `some a in attempts satisfies unsuccessful(a)`, then
 * `max a.at for a in attempts where unsuccessful(a)` and `min a.at …`, and `regimeExhausted` first
 * `count a in attempts where unsuccessful(a)`: four loops over one list of up to a hundred
 * attempts, testing one condition. They are one scan here: a function `scan_N(f, list)` that counts
 * the elements meeting the condition and keeps the least and greatest of each value read (in the
 * order the separate loops would: the first of equal values), once per list. The frame keeps the
 * last list scanned and what was found (an object reused by the evaluation, no allocation per list);
 * a `some` is `count > 0`, a `count` the count, a `min`/`max` the value kept.
 *
 * Where it applies (each a condition for the result to be the same function of the record):
 * - `some` and `count` (condition: `where` and `satisfies` parts), `min` and `max` (condition: the
 *   `where` part) of an ordered, non-optional value (number, date, date-time);
 * - the condition and the values read only the loop's variable, the record, parameters and
 *   definitions (no other variable, no nested quantifier), and cannot fail (no division, also not
 *   in a definition they call): a scan that goes past the element a `some` would stop at cannot
 *   raise an error the `some` would not;
 * - loops are grouped by variable name, element type and condition as printed (ast/print.ts), so
 *   the condition of one is the condition of all; a group is fused only when it has two loops or
 *   more and one of them reads the whole list anyway (a lone `some` keeps its early exit).
 */
import type * as A from "../ast/nodes.js";
import { printExpr } from "../ast/print.js";
import { expressionsOf, forEachExpr } from "../ast/walk.js";
import type { CheckedVersion } from "../check/index.js";
import type { Type } from "../check/types.js";
import { canFail } from "./ordered-pairs.js";

type Fusable = A.Expr & { kind: "Quantified" | "Aggregated" };

/** One value whose least or greatest a scan keeps. */
export interface ScanValue {
  /** The value as written (of the group's first loop that reads it). */
  readonly value: A.Expr;
  readonly type: Type;
  /** Whether the least is kept (`min`), the greatest (`max`), or both. */
  readonly min: boolean;
  readonly max: boolean;
}

/** One scan: the loops it stands for share the variable, the element type and the condition. */
export interface Scan {
  /** Position among the version's scans: `scan_<index>`. */
  readonly index: number;
  readonly variable: string;
  /** The list's type. */
  readonly list: Type;
  /** The condition's parts, of the group's first loop (an empty list: every element counts). */
  readonly condition: readonly A.Expr[];
  readonly values: readonly ScanValue[];
  /** The loops it stands for, in source order. */
  readonly loops: readonly Fusable[];
}

/** What a fused loop reads from its scan. */
export type ScanRead = { readonly scan: Scan; readonly read: "count" | "some" } | { readonly scan: Scan; readonly read: "min" | "max"; readonly value: number };

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

/** Whether loop `e` may be read from a scan, and its group's key. */
function keyOf(version: CheckedVersion, e: A.Expr): string | undefined {
  if (e.kind === "Quantified") {
    if (e.quantifier !== "some" && e.quantifier !== "count") return undefined;
  } else if (e.kind === "Aggregated") {
    if (e.aggregate !== "min" && e.aggregate !== "max") return undefined;
    const t = version.types.get(e.value);
    if (t === undefined || !ORDERED.has(t.kind) || !local(version, e.value, e.variable.text)) return undefined;
  } else return undefined;
  const list = version.types.get(e.collection);
  if (list === undefined || list.kind !== "list") return undefined;
  const condition = conditionOf(e);
  if (condition.length === 0 || !condition.every((c) => local(version, c, e.variable.text))) return undefined;
  return JSON.stringify([e.variable.text, JSON.stringify(list), condition.map((c) => printExpr(c))]);
}

/**
 * The version's scans, by the loops they stand for: every loop in a definition, a rule's condition
 * or result, or the default result (parameters' values are computed without a frame).
 */
export function fusedScans(version: CheckedVersion): ReadonlyMap<A.Expr, ScanRead> {
  const groups = new Map<string, Fusable[]>();
  const roots = [...version.definitions.map((d) => d.body), ...version.rules.flatMap((r) => expressionsOf(r.decl)), ...(version.defaultResult === undefined ? [] : expressionsOf(version.defaultResult.decl))];
  const seen = new Set<A.Expr>();
  for (const root of roots) {
    forEachExpr(root, (x) => {
      if (seen.has(x)) return undefined;
      seen.add(x);
      const key = keyOf(version, x);
      if (key !== undefined) {
        const group = groups.get(key);
        if (group === undefined) groups.set(key, [x as Fusable]);
        else group.push(x as Fusable);
      }
      return undefined;
    });
  }
  const reads = new Map<A.Expr, ScanRead>();
  let index = 0;
  for (const loops of groups.values()) {
    if (loops.length < 2 || loops.every((l) => l.kind === "Quantified" && l.quantifier === "some")) continue;
    const values: { value: A.Expr; type: Type; min: boolean; max: boolean; text: string }[] = [];
    const valueOf = new Map<Fusable, number>();
    for (const l of loops) {
      if (l.kind !== "Aggregated") continue;
      const text = printExpr(l.value);
      let i = values.findIndex((v) => v.text === text);
      if (i < 0) i = values.push({ value: l.value, type: version.types.get(l.value)!, min: false, max: false, text }) - 1;
      if (l.aggregate === "min") values[i].min = true;
      else values[i].max = true;
      valueOf.set(l, i);
    }
    const first = loops[0];
    const scan: Scan = {
      index: index++,
      variable: first.variable.text,
      list: version.types.get(first.collection)!,
      condition: conditionOf(first),
      values: values.map(({ value, type, min, max }) => ({ value, type, min, max })),
      loops,
    };
    for (const l of loops) {
      if (l.kind === "Aggregated") reads.set(l, { scan, read: l.aggregate === "min" ? "min" : "max", value: valueOf.get(l)! });
      else reads.set(l, { scan, read: l.quantifier === "some" ? "some" : "count" });
    }
  }
  return reads;
}
