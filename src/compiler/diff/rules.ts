/**
 * Rule changes between two versions, structurally: each rule's condition and result printed
 * canonically with the definitions and parameters it uses inlined (so a changed definition or
 * parameter shows as a changed rule), and its precedence relations. Also drift: a clause whose text
 * changed while its rules did not, and a rule that changed while its clause text did not.
 */
import type * as A from "../ast/nodes.js";
import { printAssignments, printExpr } from "../ast/print.js";
import { forEachExpr } from "../ast/walk.js";
import type { CheckedVersion, CheckedRule } from "../check/index.js";
import type { ClauseChange } from "./document.js";
import { foldParameters } from "./document.js";

export type ConditionChange = "same" | "widened" | "narrowed" | "changed" | "no-witness";

export interface RuleChange {
  readonly rule: string;
  readonly clause: string;
  readonly kind: "added" | "removed" | "changed";
  /** Filled by the witness search for changed rules: how the set of installations it applies to moved. */
  condition: ConditionChange;
  readonly resultChanged: boolean;
  readonly precedenceChanged: boolean;
  readonly oldCondition?: string;
  readonly newCondition?: string;
  readonly oldResult?: string;
  readonly newResult?: string;
  readonly oldPrecedence?: readonly string[];
  readonly newPrecedence?: readonly string[];
  /** The rule's own `when`, as written (definitions not inlined), where it changed. */
  readonly oldWhen?: string;
  readonly newWhen?: string;
  /** Definitions the rule uses, directly or not, whose body changed (or that were added or removed). */
  readonly changedDefinitions: readonly { readonly name: string; readonly old?: string; readonly new?: string }[];
}

export interface Drift {
  readonly clause: string;
  readonly kind: "text-changed-rules-unchanged" | "rules-changed-text-unchanged";
  readonly rules: readonly string[];
}

/** Prints with definitions and parameters inlined: `{…}` marks an inlined definition body. */
function expander(program: CheckedVersion): (e: A.Expr) => string {
  const defs = new Map(program.definitions.map((d) => [d.name.text, d]));
  const params = foldParameters(program);
  const make =
    (subst: ReadonlyMap<string, string>, depth: number) =>
    (name: string, args: readonly string[]): string | undefined => {
      if (args.length === 0 && subst.has(name)) return subst.get(name);
      if (args.length === 0 && params.has(name)) return params.get(name);
      const d = defs.get(name);
      if (d === undefined || depth > 32) return undefined;
      const inner = new Map(d.params.map((p, i) => [p.name.text, args[i] ?? "?"]));
      return `{${printExpr(d.body, make(inner, depth + 1))}}`;
    };
  return (e) => printExpr(e, make(new Map(), 0));
}

function precedenceOf(program: CheckedVersion, rule: string): string[] {
  return program.precedence
    .filter((p) => p.winner === rule || p.loser === rule)
    .map((p) => (p.winner === rule ? `over ${p.loser}` : `under ${p.winner}`))
    .sort();
}

/** Names of the definitions an expression uses, directly or through other definitions. */
function definitionsUsed(program: CheckedVersion, e: A.Expr): Set<string> {
  const defs = new Map(program.definitions.map((d) => [d.name.text, d]));
  const out = new Set<string>();
  const walk = (root: A.Expr): void =>
    forEachExpr(root, (x) => {
      const name = x.kind === "NameRef" ? x.name.text : x.kind === "Call" ? x.callee.text : undefined;
      if (name !== undefined && defs.has(name) && !out.has(name)) {
        out.add(name);
        walk(defs.get(name)!.body);
      }
    });
  walk(e);
  return out;
}

function changedDefinitions(pa: CheckedVersion, pb: CheckedVersion, ra: CheckedRule | undefined, rb: CheckedRule | undefined): { name: string; old?: string; new?: string }[] {
  const body = (p: CheckedVersion, name: string): string | undefined => {
    const d = p.definitions.find((x) => x.name.text === name);
    return d === undefined ? undefined : printExpr(d.body);
  };
  const names = new Set([...(ra === undefined ? [] : definitionsUsed(pa, ra.decl.condition)), ...(rb === undefined ? [] : definitionsUsed(pb, rb.decl.condition))]);
  return [...names]
    .sort()
    .map((name) => ({ name, old: body(pa, name), new: body(pb, name) }))
    .filter((d) => d.old !== d.new)
    .map((d) => ({ name: d.name, ...(d.old === undefined ? {} : { old: d.old }), ...(d.new === undefined ? {} : { new: d.new }) }));
}

export function ruleChanges(pa: CheckedVersion, pb: CheckedVersion): RuleChange[] {
  const ea = expander(pa);
  const eb = expander(pb);
  const before = new Map(pa.rules.map((r) => [r.id, r]));
  const after = new Map(pb.rules.map((r) => [r.id, r]));
  const out: RuleChange[] = [];
  const folded = new Map([pa, pb].map((p) => [p, foldParameters(p)]));
  const describe = (r: CheckedRule, e: (x: A.Expr) => string, p: CheckedVersion) => ({
    condition: e(r.decl.condition),
    result: printAssignments(r.decl.result, (name, args) => (args.length === 0 ? folded.get(p)!.get(name) : undefined)),
    precedence: precedenceOf(p, r.id),
  });
  for (const r of pb.rules) {
    const old = before.get(r.id);
    const n = describe(r, eb, pb);
    if (old === undefined) {
      out.push({ rule: r.id, clause: r.clause, kind: "added", condition: "changed", resultChanged: true, precedenceChanged: n.precedence.length > 0, newCondition: n.condition, newResult: n.result, newPrecedence: n.precedence, newWhen: printExpr(r.decl.condition), changedDefinitions: [] });
      continue;
    }
    const o = describe(old, ea, pa);
    const resultChanged = o.result !== n.result;
    const precedenceChanged = o.precedence.join("|") !== n.precedence.join("|");
    if (o.condition === n.condition && !resultChanged && !precedenceChanged && old.clause === r.clause) continue;
    out.push({
      rule: r.id,
      clause: r.clause,
      kind: "changed",
      condition: o.condition === n.condition ? "same" : "changed",
      resultChanged,
      precedenceChanged,
      oldCondition: o.condition,
      newCondition: n.condition,
      oldResult: o.result,
      newResult: n.result,
      oldPrecedence: o.precedence,
      newPrecedence: n.precedence,
      ...(printExpr(old.decl.condition) === printExpr(r.decl.condition) ? {} : { oldWhen: printExpr(old.decl.condition), newWhen: printExpr(r.decl.condition) }),
      changedDefinitions: changedDefinitions(pa, pb, old, r),
    });
  }
  for (const r of pa.rules) {
    if (after.has(r.id)) continue;
    const o = describe(r, ea, pa);
    out.push({ rule: r.id, clause: r.clause, kind: "removed", condition: "changed", resultChanged: true, precedenceChanged: o.precedence.length > 0, oldCondition: o.condition, oldResult: o.result, oldPrecedence: o.precedence, oldWhen: printExpr(r.decl.condition), changedDefinitions: [] });
  }
  return out.sort((x, y) => (x.rule < y.rule ? -1 : 1));
}

/** Where the words and the rules of a clause moved apart: what a reviewer must look at. */
export function drift(clauseChanges: readonly ClauseChange[], changes: readonly RuleChange[], pa: CheckedVersion, pb: CheckedVersion): Drift[] {
  const out: Drift[] = [];
  const amended = new Set(clauseChanges.filter((c) => c.kind === "amended").map((c) => c.number));
  const changedRules = new Set(changes.map((c) => c.rule));
  const rulesOf = (clause: string): string[] => [...new Set([...pa.rules, ...pb.rules].filter((r) => r.clause === clause).map((r) => r.id))].sort();
  for (const clause of [...amended].sort()) {
    const rules = rulesOf(clause);
    if (!rules.some((r) => changedRules.has(r))) out.push({ clause, kind: "text-changed-rules-unchanged", rules });
  }
  const clausesTouched = new Set(clauseChanges.map((c) => c.number));
  const byClause = new Map<string, string[]>();
  for (const c of changes) if (c.kind === "changed" && !clausesTouched.has(c.clause)) byClause.set(c.clause, [...(byClause.get(c.clause) ?? []), c.rule]);
  for (const [clause, rules] of [...byClause].sort(([x], [y]) => (x < y ? -1 : 1))) out.push({ clause, kind: "rules-changed-text-unchanged", rules: rules.sort() });
  return out;
}
