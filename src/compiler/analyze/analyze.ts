/**
 * Stage 5 (for `tmad check`), analyze: CheckedVersion + its loaded evaluator → warnings about what
 * authors cannot see in the text:
 * - TMAD6001: two rules with no precedence between them that can apply to the same installation
 *   (a runtime `conflict` waiting to happen), with a witness;
 * - TMAD6002: a rule that never applies to any installation the search tried;
 * - TMAD6004: a rule that applies, but always alongside a rule that sets it aside;
 * - TMAD6003: an enum member that no rule or definition mentions while a sibling member is
 *   (a likely omission).
 * The search is the one `tmad diff` uses (src/compiler/search, docs/diff.md), over one version:
 * the named installations and the examples as they are, then changes of the named installations'
 * facts; each candidate is built when needed and evaluated once, and every question (which rules
 * apply, which decide, which apply together) is answered from that one evaluation. The search
 * stops as soon as every rule has applied and decided somewhere and every pair of rules without
 * precedence has been found together or shown unable to apply together (search/exclusive.ts): on
 * the corpus, after a few dozen installations. Its bounds are stated in each message.
 * A finding is suppressed, with a reason, by a comment in a rule block:
 *   -- allow TMAD6003 Cohort.FOC: FOC installations follow clause 4.1 like any other.
 * (subjects: a rule id; `rule_a,rule_b` for a pair; `Enum.MEMBER`). TMAD6005: a suppression
 * that matches nothing.
 */
import type * as A from "../ast/nodes.js";
import { forEachExpr } from "../ast/walk.js";
import type { CheckedVersion } from "../check/index.js";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { LoadedVersion } from "../load.js";
import type { Suppression } from "../parse/index.js";
import { canonical, expressionConstants, Exclusion, SearchSpace, searchModel, type Baseline, type Candidate } from "../search/index.js";
import type { Span } from "../source/span.js";

function describe(c: Candidate): string {
  const where = c.baseline === "" ? "an installation" : c.baseline;
  return c.mutations.length === 0 ? where : `${where} with ${c.mutations.map((m) => m.label).join("; ")}`;
}

/** Enum members referred to in rule conditions and definitions. */
function mentionedMembers(program: CheckedVersion): Set<string> {
  const out = new Set<string>();
  const walk = (e: A.Expr): void =>
    forEachExpr(e, (x) => {
      const ref = program.refs.get(x);
      if (ref?.kind === "enumMember" && ref.member !== "") out.add(`${ref.enumName}.${ref.member}`);
    });
  // Conditions only: a member that results merely produce (an outcome) is not a case to distinguish.
  for (const r of program.rules) walk(r.decl.condition);
  for (const d of program.definitions) walk(d.body);
  return out;
}

/**
 * The pairs of rules without precedence between them, for the question "can they apply together":
 * settled when each was found together or is shown exclusive (search/exclusive.ts). The pairs are
 * walked in order, lazily, only once the search has nothing else left to find; first by the
 * conjuncts `fact = constant` of each condition (another cohort, another region: a look-up, so a
 * version of a thousand rules costs little), then by the exclusion test. A pair it cannot show
 * exclusive is not asked again: the search goes on until it finds the pair, or ends.
 */
class OpenPairs {
  private readonly exclusion: Exclusion;
  private readonly byId: ReadonlyMap<string, CheckedVersion["rules"][number]>;
  private readonly ids: readonly string[];
  private readonly index: ReadonlyMap<string, number>;
  /** Per rule, the rules with precedence over it or under it (either way). */
  private readonly related: readonly ReadonlySet<number>[];
  private readonly conditions: (A.Expr | undefined)[];
  /** Per rule, its conjuncts `fact = constant`: term id → the constant ids it may take. */
  private readonly units: (Map<number, ReadonlySet<number>> | undefined)[];
  private readonly terms = new Map<string, number>();
  private readonly values = new Map<string, number>();
  /** Pairs found applying together, `i * n + j` with i < j. */
  private readonly found = new Set<number>();
  /** The walk's position: pairs before (i, j) are settled. */
  private i = 0;
  private j = 1;
  /** Set while the pair at the position is open (not shown exclusive, not yet found). */
  private open = false;

  constructor(
    private readonly program: CheckedVersion,
    ids: readonly string[],
    beats: ReadonlySet<string>,
  ) {
    this.exclusion = new Exclusion(expressionConstants(program));
    this.byId = new Map(program.rules.map((r) => [r.id, r]));
    this.ids = [...ids].sort();
    this.index = new Map(this.ids.map((id, k) => [id, k]));
    const related = this.ids.map(() => new Set<number>());
    for (const pair of beats) {
      const [w, l] = pair.split(">").map((x) => this.index.get(x));
      if (w !== undefined && l !== undefined) {
        related[w].add(l);
        related[l].add(w);
      }
    }
    this.related = related;
    this.conditions = this.ids.map(() => undefined);
    this.units = this.ids.map(() => undefined);
  }

  /** Records that rules `a` and `b` applied together. */
  together(a: string, b: string): void {
    const [x, y] = [this.index.get(a)!, this.index.get(b)!].sort((p, q) => p - q);
    this.found.add(x * this.ids.length + y);
  }

  private condition(k: number): A.Expr {
    let c = this.conditions[k];
    if (c === undefined) this.conditions[k] = c = canonical(this.program, this.byId.get(this.ids[k])!.decl.condition);
    return c;
  }

  private unitsOf(k: number): Map<number, ReadonlySet<number>> {
    let u = this.units[k];
    if (u === undefined) {
      u = new Map();
      const id = (map: Map<string, number>, key: string): number => {
        let n = map.get(key);
        if (n === undefined) map.set(key, (n = map.size));
        return n;
      };
      for (const [term, values] of this.exclusion.units(this.condition(k))) u.set(id(this.terms, term), new Set([...values].map((v) => id(this.values, v))));
      this.units[k] = u;
    }
    return u;
  }

  private exclusive(a: number, b: number): boolean {
    const [ua, ub] = [this.unitsOf(a), this.unitsOf(b)];
    const [small, large] = ua.size <= ub.size ? [ua, ub] : [ub, ua];
    for (const [term, values] of small) {
      const other = large.get(term);
      if (other === undefined) continue;
      let meet = false;
      for (const v of values) if (other.has(v)) meet = true;
      if (!meet) return true;
    }
    return this.exclusion.exclusive(this.condition(a), this.condition(b));
  }

  /** True when every pair is settled. */
  settled(): boolean {
    const n = this.ids.length;
    for (; this.i < n; this.i++, this.j = this.i + 1) {
      for (; this.j < n; this.j++) {
        const i = this.i;
        const j = this.j;
        if (this.related[i].has(j) || this.found.has(i * n + j)) {
          this.open = false;
          continue;
        }
        if (this.open || !this.exclusive(i, j)) {
          this.open = true;
          return false;
        }
      }
    }
    return true;
  }
}

export interface AnalysisResult {
  readonly diagnostics: Diagnostic[];
  /** How many installations were evaluated, for the report. */
  readonly evaluated: number;
}

/** Pairs of changes combined per named installation: enough for the corpus, bounded for large versions. */
const ANALYSIS_PAIRS_FROM = 120;

/**
 * The analysis of one version: its named installations (changed fact by fact) and its examples'
 * records (as they are) are the search's starting points.
 */
export function analyze(program: CheckedVersion, loaded: LoadedVersion): AnalysisResult {
  const installations = program.installations;
  const examples = program.examples;
  const findings: { code: "TMAD6001" | "TMAD6002" | "TMAD6003" | "TMAD6004"; subject: string; span: Span; message: string; hint: string }[] = [];
  const version = loaded.version;
  const valid = (r: unknown): boolean => version.validator.validate(r).ok;
  const rules = program.rules;
  const byId = new Map(rules.map((r) => [r.id, r]));
  // Ordered pairs `winner>loser`, transitively: a pair with precedence either way cannot conflict.
  const beats = new Set(rules.flatMap((r) => r.overriddenBy.map((w) => `${w}>${r.id}`)));
  const related = (a: string, b: string): boolean => beats.has(`${a}>${b}`) || beats.has(`${b}>${a}`);
  let evaluated = 0;
  const seen = new Set<string>();
  const baselines: Baseline[] = [];
  for (const [name, record] of installations) {
    const key = JSON.stringify(record);
    if (seen.has(key) || !valid(record)) continue;
    seen.add(key);
    baselines.push({ name: `installation ${name}`, record, mutate: true });
  }
  for (const { name, record } of examples) {
    const key = JSON.stringify(record);
    if (seen.has(key) || !valid(record)) continue;
    seen.add(key);
    baselines.push({ name: `the installation of example "${name}"`, record, mutate: false });
  }
  if (baselines.length > 0) {
    const fires = new Map<string, Candidate>();
    const decides = new Map<string, Candidate>();
    const together = new Map<string, Candidate>();
    const pairs = new OpenPairs(program, rules.map((r) => r.id), beats);
    const space = new SearchSpace(searchModel([program]), baselines, { maxPairsFrom: ANALYSIS_PAIRS_FROM });
    const bounds = space.search({
      visit(c) {
        let d;
        try {
          d = version.evaluate(c.record, null);
        } catch {
          return undefined;
        }
        // Only a candidate that passes the validator may stand as an example in a message.
        let ok: boolean | undefined;
        const isValid = (): boolean => (ok ??= valid(c.record));
        for (const r of d.fired) if (!fires.has(r) && isValid()) fires.set(r, c);
        if (d.rule !== null && !decides.has(d.rule) && isValid()) decides.set(d.rule, c);
        for (let i = 0; i < d.fired.length; i++) {
          for (let j = i + 1; j < d.fired.length; j++) {
            const [a, b] = [d.fired[i], d.fired[j]].sort();
            const key = `${a},${b}`;
            if (!together.has(key) && !related(a, b) && isValid()) {
              together.set(key, c);
              pairs.together(a, b);
            }
          }
        }
        return d.fired.join(",");
      },
      // Done when every rule applied and decided somewhere, and every pair without precedence was
      // found together or is shown unable to apply together (exclusive conditions).
      done: () => fires.size === rules.length && decides.size === rules.length && pairs.settled(),
    });
    evaluated = bounds.evaluated;
    const within = `within the search's bounds: ${bounds.evaluated} installations from ${bounds.mutated} named installations and ${bounds.baselines - bounds.mutated} examples, ${bounds.singleChanges} single-fact changes and ${bounds.pairs} pairs`;
    for (const [key, c] of [...together].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const [a, b] = key.split(",");
      const rule = byId.get(a)!;
      findings.push({
        code: "TMAD6001",
        subject: key,
        span: rule.decl.name.span,
        message: `rules ${a} (clause ${rule.clause}) and ${b} (clause ${byId.get(b)!.clause}) both apply to ${describe(c)}, and neither has precedence: such an installation gets a \`conflict\` decision`,
        hint: `say which wins: \`unless ${b}\` on ${a}, or \`overrides ${b}\``,
      });
    }
    for (const r of rules) {
      if (!fires.has(r.id)) {
        findings.push({ code: "TMAD6002", subject: r.id, span: r.decl.name.span, message: `rule ${r.id} (clause ${r.clause}) applies to no installation ${within}`, hint: "check its condition can hold; add a named installation (`define:` example block) close to where it should apply" });
      } else if (!decides.has(r.id)) {
        const c = fires.get(r.id)!;
        const d = version.evaluate(c.record, null);
        findings.push({ code: "TMAD6004", subject: r.id, span: r.decl.name.span, message: `rule ${r.id} (clause ${r.clause}) applies (e.g. to ${describe(c)}) but is always set aside, there by ${d.rule ?? d.conflict?.join(", ") ?? "another rule"}, ${within}`, hint: "check its precedence: a rule that never decides has no effect" });
      }
    }
  }
  const mentioned = mentionedMembers(program);
  for (const e of program.enums) {
    const members = e.members.map((m) => m.name.text);
    const used = members.filter((m) => mentioned.has(`${e.name.text}.${m}`));
    if (used.length === 0 || used.length === members.length) continue;
    for (const m of e.members.filter((x) => !mentioned.has(`${e.name.text}.${x.name.text}`))) {
      findings.push({
        code: "TMAD6003",
        subject: `${e.name.text}.${m.name.text}`,
        span: m.name.span,
        message: `no rule or definition mentions ${e.name.text}.${m.name.text}, while ${used.map((u) => `${e.name.text}.${u}`).join(", ")} ${used.length === 1 ? "is" : "are"}: is a case missing?`,
        hint: `if it needs no rule of its own, say why: \`-- allow TMAD6003 ${e.name.text}.${m.name.text}: reason\` in a rule block`,
      });
    }
  }

  const suppressions = program.suppressions;
  const used = new Set<Suppression>();
  const diagnostics: Diagnostic[] = [];
  for (const f of findings) {
    const s = suppressions.find((x) => x.code === f.code && x.subject === f.subject);
    if (s !== undefined) used.add(s);
    else diagnostics.push(diagnostic(f.code, f.span, f.message, f.hint));
  }
  for (const s of suppressions) {
    // An amending version inherits its base's suppressions; only its own can be unused here.
    if (!used.has(s) && s.code.startsWith("TMAD600") && s.span.file.startsWith(`${program.dir}/`)) diagnostics.push(diagnostic("TMAD6005", s.span, `\`allow ${s.code} ${s.subject}\` suppresses nothing`, "remove it, or correct its code or subject"));
  }
  return { diagnostics, evaluated };
}
