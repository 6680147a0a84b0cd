/**
 * Stage 5 (for `tmad check`), analyze: CheckedVersion + its loaded evaluator → warnings about what
 * authors cannot see in the text:
 * - TMAD6001: two rules with no precedence between them that can apply to the same installation
 *   (a runtime `conflict` waiting to happen), with a witness;
 * - TMAD6002: a rule that never applies to any installation the search tried;
 * - TMAD6004: a rule that applies, but always alongside a rule that sets it aside;
 * - TMAD6003: an enum member that no rule or definition mentions while a sibling member is
 *   (a likely omission).
 * The search is the diff's witness search (docs/diff.md), over one version: every candidate built
 * from the version's named installations is evaluated once. Its bounds are stated in each message.
 * A finding is suppressed, with a reason, by a comment in a rule block:
 *   -- allow TMAD6003 Cohort.FOC: FOC installations follow clause 4.1 like any other.
 * (subjects: a rule id; `rule_a,rule_b` for a pair; `Enum.MEMBER`). TMAD6005: a suppression
 * that matches nothing.
 */
import type * as A from "../ast/nodes.js";
import { forEachExpr } from "../ast/walk.js";
import type { CheckedVersion } from "../check/index.js";
import { constantsOf, SearchSpace, type Candidate } from "../diff/witness.js";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { LoadedVersion } from "../load.js";
import type { Suppression } from "../parse/index.js";
import type { Span } from "../source/span.js";

function describe(c: Candidate): string {
  const where = c.baseline === "" ? "an installation" : `installation ${c.baseline}`;
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

export interface AnalysisResult {
  readonly diagnostics: Diagnostic[];
  /** How many installations were evaluated, for the report. */
  readonly evaluated: number;
}

export function analyze(program: CheckedVersion, loaded: LoadedVersion): AnalysisResult {
  const installations = program.installations;
  const findings: { code: "TMAD6001" | "TMAD6002" | "TMAD6003" | "TMAD6004"; subject: string; span: Span; message: string; hint: string }[] = [];
  const version = loaded.version;
  const valid = new Map([...installations].filter(([, v]) => version.validator.validate(v).ok));
  const rules = program.rules;
  const beats = (w: string, l: string): boolean => rules.find((r) => r.id === l)!.overriddenBy.includes(w);
  let evaluated = 0;
  if (valid.size > 0) {
    const firedKey = (r: unknown): string => version.evaluate(r, null).fired.join(",");
    const baseKeys = new Map<unknown, string>();
    const effect = (r: unknown, base: unknown): boolean => {
      let k = baseKeys.get(base);
      if (k === undefined) baseKeys.set(base, (k = firedKey(base)));
      return firedKey(r) !== k;
    };
    const space = new SearchSpace(valid, program, constantsOf([program]), effect, 120);
    const fires = new Map<string, Candidate>();
    const decides = new Map<string, Candidate>();
    const together = new Map<string, Candidate>();
    const bounds = space.sweep((c) => {
      const d = version.evaluate(c.record, null);
      for (const r of d.fired) if (!fires.has(r)) fires.set(r, c);
      if (d.rule !== null && !decides.has(d.rule)) decides.set(d.rule, c);
      for (let i = 0; i < d.fired.length; i++) {
        for (let j = i + 1; j < d.fired.length; j++) {
          const key = [d.fired[i], d.fired[j]].sort().join(",");
          if (!together.has(key)) together.set(key, c);
        }
      }
    });
    evaluated = bounds.evaluated;
    const within = `within the search's bounds: ${bounds.evaluated} installations from ${bounds.baselines} named installations, ${bounds.singleChanges} single-fact changes and ${bounds.pairs} pairs`;
    for (const [key, c] of [...together].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const [a, b] = key.split(",");
      if (beats(a, b) || beats(b, a)) continue;
      const rule = rules.find((r) => r.id === a)!;
      findings.push({
        code: "TMAD6001",
        subject: key,
        span: rule.decl.name.span,
        message: `rules ${a} (clause ${rule.clause}) and ${b} (clause ${rules.find((r) => r.id === b)!.clause}) both apply to ${describe(c)}, and neither has precedence: such an installation gets a \`conflict\` decision`,
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
