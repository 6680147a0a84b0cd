/**
 * Rule changes between two versions, structurally: (CheckedVersion A, CheckedVersion B) →
 * RuleChange[]. Each rule's condition is compared in canonical form (search/canonical.ts: definitions and
 * parameters inlined, normalized), its result with parameters folded, its precedence relations and
 * its clause. A changed condition is also compared by implication (search/implies.ts): when the old one
 * implies the new one it cannot have narrowed, and the reverse; when both, it is equivalent and the
 * rule is not a behaviour change. The default result counts as a rule named `default`.
 * Also drift: a clause whose text changed while its rules did not, and a rule that changed while
 * its clause text did not.
 */
import type * as A from "../ast/nodes.js";
import { printAssignments, printExpr } from "../ast/print.js";
import { forEachExpr } from "../ast/walk.js";
import type { CheckedVersion, CheckedRule } from "../check/index.js";
import { canonical, implies, inline, parameterValues } from "../search/index.js";
import type { ClauseChange } from "./document.js";

/**
 * How the set of installations a changed rule applies to moved. `equivalent`: shown equal from
 * the rules' structure; `widened` / `narrowed` / `changed`: by witnesses (each direction found by
 * the search, or excluded by implication); `no-witness`: the conditions differ in form but the
 * search found no installation that tells them apart.
 */
export type ConditionChange = "same" | "equivalent" | "widened" | "narrowed" | "changed" | "no-witness";

/** The id a default result is reported under. */
export const DEFAULT_RULE = "default";

export interface RuleChange {
  readonly rule: string;
  readonly clause: string;
  readonly kind: "added" | "removed" | "changed";
  /** Filled by the witness search for changed conditions. */
  condition: ConditionChange;
  /** For a changed condition, what the rules' structure shows without searching. */
  readonly implication?: { readonly oldImpliesNew: boolean; readonly newImpliesOld: boolean };
  readonly resultChanged: boolean;
  readonly precedenceChanged: boolean;
  readonly clauseChanged?: boolean;
  /** Canonical conditions (definitions and parameters inlined, normalized): what is compared. */
  readonly oldCondition?: string;
  readonly newCondition?: string;
  readonly oldResult?: string;
  readonly newResult?: string;
  readonly oldPrecedence?: readonly string[];
  readonly newPrecedence?: readonly string[];
  /** The rule's own `when`, as written (definitions not inlined), where it changed or the rule is new or gone. */
  readonly oldWhen?: A.Expr;
  readonly newWhen?: A.Expr;
  /** Definitions the rule uses, directly or not, whose body changed (or that were added or removed). */
  readonly changedDefinitions: readonly { readonly name: string; readonly old?: A.Expr; readonly new?: A.Expr }[];
  /** Parameters the rule uses, directly or through definitions, whose value changed. */
  readonly changedParameters: readonly { readonly name: string; readonly old?: string; readonly new?: string }[];
}

export interface Drift {
  readonly clause: string;
  readonly kind: "text-changed-rules-unchanged" | "rules-changed-text-unchanged";
  readonly rules: readonly string[];
}

/** Whether a change can change a decision: anything but a condition shown equivalent with all else equal. */
export function isBehaviourChange(c: RuleChange): boolean {
  return c.kind !== "changed" || c.condition !== "equivalent" || c.resultChanged || c.precedenceChanged || c.clauseChanged === true;
}

/**
 * A rule's precedence relations with the rules of `among`. A changed rule is compared only with
 * rules both versions have: a relation with an added or removed rule is that rule's change.
 */
function precedenceOf(program: CheckedVersion, rule: string, among?: ReadonlySet<string>, edges: readonly CheckedVersion["precedence"][number][] = program.precedence): string[] {
  return edges
    .filter((p) => (p.winner === rule && (among === undefined || among.has(p.loser))) || (p.loser === rule && (among === undefined || among.has(p.winner))))
    .map((p) => (p.winner === rule ? `over ${p.loser}` : `under ${p.winner}`))
    .sort();
}

/** Names of the definitions and parameters an expression uses, directly or through definitions. */
function namesUsed(program: CheckedVersion, roots: readonly A.Expr[]): { definitions: Set<string>; parameters: Set<string> } {
  const defs = new Map(program.definitions.map((d) => [d.name.text, d]));
  const definitions = new Set<string>();
  const parameters = new Set<string>();
  const walk = (root: A.Expr): void =>
    forEachExpr(root, (x) => {
      const ref = program.refs.get(x);
      if (ref?.kind === "parameter") parameters.add(ref.name);
      const name = x.kind === "NameRef" ? x.name.text : x.kind === "Call" ? x.callee.text : undefined;
      if (name !== undefined && defs.has(name) && !definitions.has(name)) {
        definitions.add(name);
        walk(defs.get(name)!.body);
      }
    });
  roots.forEach(walk);
  return { definitions, parameters };
}

function rootsOf(r: CheckedRule | undefined): A.Expr[] {
  return r === undefined ? [] : [r.decl.condition, ...r.decl.result.map((a) => a.value)];
}

function changedNames(pa: CheckedVersion, pb: CheckedVersion, ra: CheckedRule | undefined, rb: CheckedRule | undefined): Pick<RuleChange, "changedDefinitions" | "changedParameters"> {
  const ua = namesUsed(pa, rootsOf(ra));
  const ub = namesUsed(pb, rootsOf(rb));
  const body = (p: CheckedVersion, name: string): A.Expr | undefined => p.definitions.find((x) => x.name.text === name)?.body;
  const changedDefinitions = [...new Set([...ua.definitions, ...ub.definitions])]
    .sort()
    .map((name) => ({ name, old: body(pa, name), new: body(pb, name) }))
    .filter((d) => (d.old === undefined ? "" : printExpr(d.old)) !== (d.new === undefined ? "" : printExpr(d.new)))
    .map((d) => ({ name: d.name, ...(d.old === undefined ? {} : { old: d.old }), ...(d.new === undefined ? {} : { new: d.new }) }));
  const va = parameterValues(pa);
  const vb = parameterValues(pb);
  const changedParameters = [...new Set([...ua.parameters, ...ub.parameters])]
    .sort()
    .filter((n) => va.get(n) !== vb.get(n))
    .map((name) => ({ name, ...(va.has(name) ? { old: va.get(name)! } : {}), ...(vb.has(name) ? { new: vb.get(name)! } : {}) }));
  return { changedDefinitions, changedParameters };
}

/** Each rule's precedence edges (either side), so a rule's relations are found without a scan. */
function edgesByRule(program: CheckedVersion): Map<string, CheckedVersion["precedence"][number][]> {
  const out = new Map<string, CheckedVersion["precedence"][number][]>();
  for (const e of program.precedence) {
    for (const r of e.winner === e.loser ? [e.winner] : [e.winner, e.loser]) {
      const list = out.get(r);
      if (list === undefined) out.set(r, [e]);
      else list.push(e);
    }
  }
  return out;
}

/**
 * Everything a rule's canonical condition and result are made of: its `when` and `then` as
 * written, each definition it uses (directly or not) with its parameters and body, and each
 * parameter's value. Two rules with the same print here have the same canonical condition and
 * result (canonical.ts inlines exactly these), so comparing them needs no canonical form: a
 * version of a thousand rules, of which a few changed, is compared at the cost of printing it.
 */
class Ingredients {
  private readonly defs: ReadonlyMap<string, A.DefinitionDecl>;
  private readonly values: ReadonlyMap<string, string>;
  /** Per definition: the definitions and parameters its body uses, directly or not. */
  private readonly closures = new Map<string, { definitions: Set<string>; parameters: Set<string> }>();
  private readonly printed = new Map<string, string>();

  constructor(private readonly program: CheckedVersion) {
    this.defs = new Map(program.definitions.map((d) => [d.name.text, d]));
    this.values = parameterValues(program);
  }

  private uses(roots: readonly A.Expr[], into: { definitions: Set<string>; parameters: Set<string> }): void {
    for (const root of roots) {
      forEachExpr(root, (x) => {
        const ref = this.program.refs.get(x);
        if (ref?.kind === "parameter") into.parameters.add(ref.name);
        const name = x.kind === "NameRef" ? x.name.text : x.kind === "Call" ? x.callee.text : undefined;
        if (name === undefined || !this.defs.has(name) || into.definitions.has(name)) return;
        into.definitions.add(name);
        const inner = this.closure(name);
        inner.definitions.forEach((d) => into.definitions.add(d));
        inner.parameters.forEach((p) => into.parameters.add(p));
      });
    }
  }

  private closure(name: string): { definitions: Set<string>; parameters: Set<string> } {
    let c = this.closures.get(name);
    if (c === undefined) {
      // Set before walking: a definition that (wrongly) reaches itself stops here.
      this.closures.set(name, (c = { definitions: new Set(), parameters: new Set() }));
      this.uses([this.defs.get(name)!.body], c);
    }
    return c;
  }

  private definition(name: string): string {
    let p = this.printed.get(name);
    if (p === undefined) {
      const d = this.defs.get(name)!;
      this.printed.set(name, (p = `definition ${name}(${d.params.map((x) => x.name.text).join(", ")}) = ${printExpr(d.body)}`));
    }
    return p;
  }

  of(r: CheckedRule): string {
    const used = { definitions: new Set<string>(), parameters: new Set<string>() };
    this.uses(rootsOf(r), used);
    return [`when ${printExpr(r.decl.condition)}`, `then ${printAssignments(r.decl.result)}`, ...[...used.definitions].sort().map((d) => this.definition(d)), ...[...used.parameters].sort().map((n) => `parameter ${n} = ${this.values.get(n) ?? "?"}`)].join("\n");
  }
}

export function ruleChanges(pa: CheckedVersion, pb: CheckedVersion): RuleChange[] {
  const before = new Map(pa.rules.map((r) => [r.id, r]));
  const after = new Map(pb.rules.map((r) => [r.id, r]));
  const out: RuleChange[] = [];
  const result = (p: CheckedVersion, assignments: readonly A.Assignment[]): string => printAssignments(assignments.map((a) => ({ ...a, value: canonical(p, a.value) })));
  const common = new Set(pa.rules.filter((r) => after.has(r.id)).map((r) => r.id));
  const edges = new Map([
    [pa, edgesByRule(pa)],
    [pb, edgesByRule(pb)],
  ]);
  const precedence = (r: CheckedRule, p: CheckedVersion): string[] => precedenceOf(p, r.id, common.has(r.id) ? common : undefined, edges.get(p)!.get(r.id) ?? []);
  const describe = (r: CheckedRule, p: CheckedVersion) => {
    const condition = canonical(p, r.decl.condition);
    return { canonical: condition, condition: printExpr(condition), result: result(p, r.decl.result), precedence: precedence(r, p) };
  };
  const ingredients = { a: new Ingredients(pa), b: new Ingredients(pb) };
  for (const r of pb.rules) {
    const old = before.get(r.id);
    // Unchanged when made of the same things, under the same precedence and clause: no canonical form needed.
    if (old !== undefined && old.clause === r.clause && ingredients.a.of(old) === ingredients.b.of(r) && precedence(old, pa).join("|") === precedence(r, pb).join("|")) continue;
    const n = describe(r, pb);
    if (old === undefined) {
      out.push({ rule: r.id, clause: r.clause, kind: "added", condition: "changed", resultChanged: true, precedenceChanged: n.precedence.length > 0, newCondition: n.condition, newResult: n.result, newPrecedence: n.precedence, newWhen: r.decl.condition, ...changedNames(pa, pb, undefined, r) });
      continue;
    }
    const o = describe(old, pa);
    const resultChanged = o.result !== n.result;
    const precedenceChanged = o.precedence.join("|") !== n.precedence.join("|");
    const clauseChanged = old.clause !== r.clause;
    const conditionSame = o.condition === n.condition;
    if (conditionSame && !resultChanged && !precedenceChanged && !clauseChanged) continue;
    const implication = conditionSame ? undefined : { oldImpliesNew: implies(o.canonical, n.canonical), newImpliesOld: implies(n.canonical, o.canonical) };
    out.push({
      rule: r.id,
      clause: r.clause,
      kind: "changed",
      condition: conditionSame ? "same" : implication!.oldImpliesNew && implication!.newImpliesOld ? "equivalent" : "no-witness",
      ...(implication === undefined ? {} : { implication }),
      resultChanged,
      precedenceChanged,
      ...(clauseChanged ? { clauseChanged } : {}),
      oldCondition: o.condition,
      newCondition: n.condition,
      oldResult: o.result,
      newResult: n.result,
      oldPrecedence: o.precedence,
      newPrecedence: n.precedence,
      ...(printExpr(old.decl.condition) === printExpr(r.decl.condition) ? {} : { oldWhen: old.decl.condition, newWhen: r.decl.condition }),
      ...changedNames(pa, pb, old, r),
    });
  }
  for (const r of pa.rules) {
    if (after.has(r.id)) continue;
    const o = describe(r, pa);
    out.push({ rule: r.id, clause: r.clause, kind: "removed", condition: "changed", resultChanged: true, precedenceChanged: o.precedence.length > 0, oldCondition: o.condition, oldResult: o.result, oldPrecedence: o.precedence, oldWhen: r.decl.condition, ...changedNames(pa, pb, r, undefined) });
  }
  const defaultChange = defaultResultChange(pa, pb);
  if (defaultChange !== undefined) out.push(defaultChange);
  return out.sort((x, y) => (x.rule < y.rule ? -1 : 1));
}

/** The default result (when no rule applies), compared like a rule's result. */
function defaultResultChange(pa: CheckedVersion, pb: CheckedVersion): RuleChange | undefined {
  const print = (p: CheckedVersion): string | undefined => (p.defaultResult === undefined ? undefined : printAssignments(p.defaultResult.decl.result.map((a) => ({ ...a, value: inline(p, a.value) }))));
  const o = print(pa);
  const n = print(pb);
  const oc = pa.defaultResult?.clause ?? "";
  const nc = pb.defaultResult?.clause ?? "";
  if (o === n && oc === nc) return undefined;
  if (o === undefined || n === undefined) {
    return { rule: DEFAULT_RULE, clause: nc || oc, kind: o === undefined ? "added" : "removed", condition: "changed", resultChanged: true, precedenceChanged: false, ...(o === undefined ? {} : { oldResult: o }), ...(n === undefined ? {} : { newResult: n }), changedDefinitions: [], changedParameters: [] };
  }
  return { rule: DEFAULT_RULE, clause: nc, kind: "changed", condition: "same", resultChanged: o !== n, precedenceChanged: false, ...(oc === nc ? {} : { clauseChanged: true }), oldResult: o, newResult: n, changedDefinitions: [], changedParameters: [] };
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
  for (const c of changes) if (c.kind === "changed" && c.rule !== DEFAULT_RULE && !clausesTouched.has(c.clause)) byClause.set(c.clause, [...(byClause.get(c.clause) ?? []), c.rule]);
  for (const [clause, rules] of [...byClause].sort(([x], [y]) => (x < y ? -1 : 1))) out.push({ clause, kind: "rules-changed-text-unchanged", rules: rules.sort() });
  return out;
}
