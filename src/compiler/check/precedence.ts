/**
 * Check pass "precedence": `unless` and `overrides` → winner/loser edges between rules, and for
 * each rule every rule that sets it aside (transitively). Reports a name that is no rule
 * (TMAD3007) and a cycle (TMAD3011), which would leave "which rule wins" undefined.
 */
import type * as A from "../ast/nodes.js";
import { type Report } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/suggest.js";

export interface Precedence {
  /** Direct edges as written, sorted. */
  readonly edges: { winner: string; loser: string }[];
  /** For each rule, every rule that sets it aside, directly or through others (sorted). */
  readonly overriddenBy: Map<string, string[]>;
}

/** Undefined when precedence is circular. */
export function checkPrecedence(rules: ReadonlyMap<string, A.RuleDecl>, report: Report): Precedence | undefined {
  const edges: { winner: string; loser: string }[] = [];
  const resolve = (n: A.Name): boolean => {
    if (rules.has(n.text)) return true;
    report("TMAD3007", n.span, `no rule named \`${n.text}\``, didYouMean(n.text, rules.keys()) ?? "name a rule of this version");
    return false;
  };
  for (const rule of rules.values()) {
    for (const n of rule.unless) if (resolve(n)) edges.push({ winner: n.text, loser: rule.name.text });
    for (const n of rule.overrides) if (resolve(n)) edges.push({ winner: rule.name.text, loser: n.text });
  }
  const unique = [...new Map(edges.map((e) => [`${e.winner}>${e.loser}`, e])).values()];
  const next = new Map<string, string[]>();
  for (const e of unique) next.set(e.winner, [...(next.get(e.winner) ?? []), e.loser]);
  const state = new Map<string, "visiting" | "done">();
  let cyclic = false;
  for (const start of [...rules.keys()].sort()) {
    if (state.has(start)) continue;
    const stack: { rule: string; next: number }[] = [{ rule: start, next: 0 }];
    state.set(start, "visiting");
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const losers = next.get(top.rule) ?? [];
      if (top.next >= losers.length) {
        state.set(top.rule, "done");
        stack.pop();
        continue;
      }
      const l = losers[top.next++];
      if (state.get(l) === "done") continue;
      if (state.get(l) === "visiting") {
        cyclic = true;
        const path = stack.map((f) => f.rule);
        const cycle = [...path.slice(path.indexOf(l)), l];
        report("TMAD3011", rules.get(l)!.name.span, `precedence is circular: ${cycle.join(" over ")}`, "one of these `unless`/`overrides` relations must go");
        continue;
      }
      state.set(l, "visiting");
      stack.push({ rule: l, next: 0 });
    }
  }
  if (cyclic) return undefined;
  const sorted = unique.sort((a, b) => (a.winner + ">" + a.loser < b.winner + ">" + b.loser ? -1 : 1));
  return { edges: sorted, overriddenBy: transitiveWinners(sorted, [...rules.keys()]) };
}

/** For each rule, every rule that sets it aside: the transitive closure of winner → loser. */
function transitiveWinners(edges: readonly { winner: string; loser: string }[], rules: readonly string[]): Map<string, string[]> {
  const winnersOf = new Map<string, string[]>();
  for (const e of edges) winnersOf.set(e.loser, [...(winnersOf.get(e.loser) ?? []), e.winner]);
  const out = new Map<string, string[]>();
  for (const r of rules) {
    const seen = new Set<string>();
    const stack = [...(winnersOf.get(r) ?? [])];
    while (stack.length > 0) {
      const w = stack.pop()!;
      if (seen.has(w)) continue;
      seen.add(w);
      stack.push(...(winnersOf.get(w) ?? []));
    }
    out.set(r, [...seen].sort());
  }
  return out;
}
