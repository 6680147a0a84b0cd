/**
 * Running the examples of a version and measuring how well they cover its legal text.
 *
 * Takes the CheckedVersion (its examples, rules and clauses) and its evaluator; gives each
 * example's result (with what did not match) and a coverage report: per clause its examples and
 * rules, per rule whether it fired in some example and failed to fire in a near miss under its
 * clause, and per precedence relation whether an example had both rules apply. The report lists as
 * failures the failing examples, the clauses without examples and the rules never seen firing or
 * missing. An example inherited from the base chain that the base decides as expected but this
 * version does not is not a failure: it is "changed by this amendment", with the declarations the
 * amendment replaced that its decision depends on.
 */
import type { Decision, VersionModule } from "../../runtime/index.js";
import { citedClauses, evaluateRecord } from "../../runtime/index.js";
import { transitiveDependencies, type CheckedVersion, type DeclarationKey } from "../check/index.js";
import { compareClauseNumbers } from "../extract/index.js";
import type { Span } from "../source/span.js";
import type { ResolvedExample } from "./resolve.js";

type Module = VersionModule<unknown, Record<string, unknown>>;

export interface ExampleResult {
  readonly name: string;
  readonly clause?: string;
  readonly span: Span;
  /** The version of the base chain the example comes from, when it is inherited. */
  readonly inherited?: string;
  readonly passed: boolean;
  /** An inherited example this version decides differently from its base. */
  readonly changed?: {
    /** What the base decided. */
    readonly was: string;
    /** The declarations this version replaced or extended that the decision depends on (`parameter x`…). */
    readonly replaced: readonly string[];
  };
  readonly problems: readonly string[];
  readonly decision?: Decision;
}

export interface RunOptions {
  /**
   * The base version (asked for only when an inherited example fails): its evaluator and its
   * examples as it resolves them (a replaced named installation changes an inherited example's
   * record). An inherited example the base decides as expected is "changed by this amendment".
   */
  readonly base?: () => { readonly version: Module; readonly examples: readonly ResolvedExample[] } | undefined;
  /** The examples to run (default: the version's own). */
  readonly examples?: readonly ResolvedExample[];
}

export interface RuleCoverage {
  readonly rule: string;
  readonly firedIn: readonly string[];
  /** Examples under the rule's clause in which it did not fire: its near misses. */
  readonly missedIn: readonly string[];
}

export interface ClauseCoverage {
  readonly number: string;
  readonly title: string;
  readonly examples: readonly string[];
  readonly rules: readonly RuleCoverage[];
}

export interface PrecedenceCoverage {
  readonly winner: string;
  readonly loser: string;
  /** Examples in which both rules applied, so the relation decided the outcome. */
  readonly exercisedBy: readonly string[];
}

export interface TestReport {
  readonly version: string;
  readonly examples: readonly ExampleResult[];
  readonly clauses: readonly ClauseCoverage[];
  readonly precedence: readonly PrecedenceCoverage[];
  readonly failures: readonly string[];
  /** Inherited examples this amendment changed, one line each. */
  readonly changed: readonly string[];
}

function equalValue(expected: unknown, actual: unknown): boolean {
  if (typeof expected === "number" && typeof actual === "string") return String(expected) === actual;
  return JSON.stringify(expected) === JSON.stringify(actual);
}

function show(v: unknown): string {
  return v === undefined ? "absent" : JSON.stringify(v);
}

/** What did not match between an example's expectations and a decision (empty: it passes). */
function problemsOf(ex: ResolvedExample, version: Module, decisionFields: ReadonlySet<string>): { problems: string[]; decision?: Decision } {
  const outcome = evaluateRecord(version, ex.record, {});
  if (!outcome.ok) return { problems: outcome.errors.map((e) => `invalid installation: ${e.path}: ${e.message}`) };
  const d = outcome.decision;
  const problems: string[] = [];
  for (const [key, want] of Object.entries(ex.expect.fields)) {
    let got: unknown;
    if (key === "status") got = d.status;
    else if (key === "rule") got = d.rule;
    else if (key === "clause") got = d.clause;
    else if (!decisionFields.has(key)) {
      problems.push(`expects \`${key}\`, which is not a field of the decision`);
      continue;
    } else got = d.result === null ? undefined : (d.result as Record<string, unknown>)[key];
    if (!equalValue(want, got)) problems.push(`${key}: expected ${show(want)}, got ${show(got)}`);
  }
  const cited = new Set(citedClauses(d, version.manifest));
  for (const c of ex.expect.cites) if (!cited.has(c)) problems.push(`must cite clause ${c}, but cites ${[...cited].join(", ") || "nothing"}`);
  for (const c of ex.expect.notCites) if (cited.has(c)) problems.push(`must not cite clause ${c}, but does`);
  if (d.status === "conflict" && !("status" in ex.expect.fields)) problems.push(`conflict between ${d.conflict!.join(", ")}`);
  return { problems, decision: d };
}

/** A decision in a few words: `EXCLUDED (rule x, clause 18.10)`. */
function summarise(d: Decision | undefined): string {
  if (d === undefined) return "an invalid installation";
  const outcome = d.result !== null && typeof d.result === "object" ? Object.values(d.result)[0] : undefined;
  const head = outcome === undefined ? d.status : String(outcome);
  return d.status === "conflict" ? `a conflict between ${d.conflict?.join(", ")}` : `${head} (${d.rule === null ? "the default" : `rule ${d.rule}`}${d.clause === null ? "" : `, clause ${d.clause}`})`;
}

/**
 * The declarations this version replaced that an example's decisions depend on: those the rules
 * that fired or decided (under the base or here) use, directly or through definitions and
 * parameters, and the named installations the example is built from.
 */
function replacedBehind(version: CheckedVersion, ex: ResolvedExample, decisions: readonly (Decision | undefined)[]): string[] {
  const own = version.replacements.filter((r) => r.by === version.id);
  const rules = new Set<DeclarationKey>();
  let usesDefault = false;
  for (const d of decisions) {
    for (const r of [...(d?.fired ?? []), ...(d?.rule === null || d?.rule === undefined ? [] : [d.rule])]) rules.add(`rule ${r}`);
    if (d?.status === "default") usesDefault = true;
  }
  const deps = transitiveDependencies(version, [...rules]);
  const hits = own.filter((r) =>
    r.kind === "installation" ? ex.installations.includes(r.name) : r.kind === "default" ? usesDefault : r.kind === "enum" || r.kind === "record" ? false : deps.has(`${r.kind} ${r.name}` as DeclarationKey),
  );
  return [...new Set(hits.map((r) => `${r.kind === "default" ? "the default result" : `${r.kind} ${r.name}`}`))];
}

export function runExamples(program: CheckedVersion, version: Module, options: RunOptions = {}): TestReport {
  const clauses = program.clauses;
  const examples = options.examples ?? program.examples;
  const decisionFields = new Set(program.fieldTypes.get(program.decision.name.text)!.keys());
  const results: ExampleResult[] = examples.map((ex) => {
    const inherited = ex.version !== undefined && ex.version !== program.id ? ex.version : undefined;
    const base = { name: ex.name, span: ex.span, ...(ex.clause === undefined ? {} : { clause: ex.clause }), ...(inherited === undefined ? {} : { inherited }) };
    const { problems, decision } = problemsOf(ex, version, decisionFields);
    const withDecision = decision === undefined ? {} : { decision };
    if (problems.length === 0) return { ...base, passed: true, problems, ...withDecision };
    const previous = inherited === undefined ? undefined : options.base?.();
    const asBefore = previous?.examples.find((b) => b.name === ex.name && b.span.file === ex.span.file && b.span.start.line === ex.span.start.line);
    if (previous !== undefined && asBefore !== undefined) {
      const before = problemsOf(asBefore, previous.version, decisionFields);
      if (before.problems.length === 0) {
        return { ...base, passed: false, changed: { was: summarise(before.decision), replaced: replacedBehind(program, ex, [before.decision, decision]) }, problems, ...withDecision };
      }
    }
    return { ...base, passed: false, problems, ...withDecision };
  });

  const firedBy = new Map<string, string[]>();
  for (const r of results) for (const rule of r.decision?.fired ?? []) firedBy.set(rule, [...(firedBy.get(rule) ?? []), r.name]);
  const coverage: ClauseCoverage[] = [...clauses]
    .sort((a, b) => compareClauseNumbers(a.number, b.number))
    .map((c) => {
      const under = results.filter((r) => r.clause === c.number);
      const rules = program.rules
        .filter((r) => r.clause === c.number)
        .map((r) => ({
          rule: r.id,
          firedIn: firedBy.get(r.id) ?? [],
          missedIn: under.filter((e) => e.decision !== undefined && !e.decision.fired.includes(r.id)).map((e) => e.name),
        }));
      return { number: c.number, title: c.title, examples: under.map((e) => e.name), rules };
    });
  const precedence = program.precedence.map((p) => ({
    winner: p.winner,
    loser: p.loser,
    exercisedBy: results.filter((r) => r.decision !== undefined && r.decision.fired.includes(p.winner) && r.decision.fired.includes(p.loser)).map((r) => r.name),
  }));

  const failures: string[] = [];
  const changed: string[] = [];
  for (const r of results) {
    if (r.passed) continue;
    const where = `${r.span.file}:${r.span.start.line}`;
    if (r.changed !== undefined) {
      const because = r.changed.replaced.length === 0 ? "" : `; it depends on ${r.changed.replaced.join(", ")}, which this version replaces`;
      changed.push(`example "${r.name}" (${where}, from ${r.inherited}) changed by this amendment: ${r.changed.was} in ${r.inherited}, now ${r.problems.join("; ")}${because}`);
    } else failures.push(`example "${r.name}" (${where}) failed: ${r.problems.join("; ")}`);
  }
  for (const c of coverage) {
    if (c.examples.length === 0) failures.push(`clause ${c.number} (${c.title}) has no example`);
    for (const r of c.rules) {
      if (r.firedIn.length === 0) failures.push(`rule ${r.rule} (clause ${c.number}) fires in no example`);
      if (r.missedIn.length === 0) failures.push(`rule ${r.rule} (clause ${c.number}) has no near miss: no example under ${c.number} in which it does not fire`);
    }
  }
  return { version: version.manifest.id, examples: results, clauses: coverage, precedence, failures, changed };
}

/** The report as text for the terminal. */
export function formatReport(report: TestReport): string {
  const lines: string[] = [];
  const passed = report.examples.filter((e) => e.passed).length;
  const changed = report.examples.filter((e) => e.changed !== undefined).length;
  lines.push(`${report.version}: ${report.examples.length} examples, ${passed} passed, ${changed > 0 ? `${changed} changed by this amendment, ` : ""}${report.examples.length - passed - changed} failed`);
  for (const e of report.examples.filter((x) => !x.passed)) {
    if (e.changed !== undefined) {
      lines.push(`  ~ ${e.name} [${e.span.file}:${e.span.start.line}] (from ${e.inherited}): changed by this amendment`);
      lines.push(`      was ${e.changed.was} in ${e.inherited}; now:`);
      for (const p of e.problems) lines.push(`      ${p}`);
      if (e.changed.replaced.length > 0) lines.push(`      depends on ${e.changed.replaced.join(", ")}, which this version replaces`);
      continue;
    }
    lines.push(`  ✗ ${e.name} [${e.span.file}:${e.span.start.line}]`);
    for (const p of e.problems) lines.push(`      ${p}`);
  }
  lines.push("  Coverage of the legal text:");
  for (const c of report.clauses) {
    lines.push(`  ${c.examples.length === 0 ? "✗" : "✓"} ${c.number.padEnd(6)} ${c.title}: ${c.examples.length} example${c.examples.length === 1 ? "" : "s"}`);
    for (const r of c.rules) {
      const fired = r.firedIn.length > 0 ? `fired in ${r.firedIn.length}` : "NEVER FIRED";
      const missed = r.missedIn.length > 0 ? `near misses ${r.missedIn.length}` : "NO NEAR MISS";
      lines.push(`      rule ${r.rule}: ${fired}, ${missed}`);
    }
  }
  const exercised = report.precedence.filter((p) => p.exercisedBy.length > 0).length;
  lines.push(`  Precedence relations exercised: ${exercised}/${report.precedence.length}`);
  for (const p of report.precedence) lines.push(`    ${p.exercisedBy.length > 0 ? "✓" : "·"} ${p.winner} over ${p.loser}${p.exercisedBy.length > 0 ? ` (${p.exercisedBy[0]}${p.exercisedBy.length > 1 ? `, +${p.exercisedBy.length - 1}` : ""})` : ": not exercised"}`);
  const rules = report.clauses.flatMap((c) => c.rules);
  lines.push(
    `  Summary: ${report.clauses.filter((c) => c.examples.length > 0).length}/${report.clauses.length} clauses with examples, ` +
      `${rules.filter((r) => r.firedIn.length > 0 && r.missedIn.length > 0).length}/${rules.length} rules fired and missed, ` +
      `${exercised}/${report.precedence.length} precedence relations exercised`,
  );
  if (report.failures.length > 0) {
    lines.push(`  FAILED (${report.failures.length}):`);
    for (const f of report.failures) lines.push(`    - ${f}`);
  }
  return lines.join("\n");
}
