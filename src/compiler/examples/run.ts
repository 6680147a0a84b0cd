/**
 * Running the examples of a version and measuring how well they cover its legal text.
 *
 * Takes the resolved examples, the version's evaluator and its checked rules; gives each example's
 * result (with what did not match) and a coverage report: per clause its examples and rules, per
 * rule whether it fired in some example and failed to fire in a near miss under its clause, and per
 * precedence relation whether an example had both rules apply. The report lists as failures the
 * failing examples, the clauses without examples and the rules never seen firing or missing.
 */
import type { Decision, VersionModule } from "../../runtime/index.js";
import { citedClauses, evaluateRecord } from "../../runtime/index.js";
import type { CheckedProgram } from "../check/index.js";
import { compareClauseNumbers, type Clause } from "../extract/index.js";
import type { Span } from "../source/span.js";
import type { ResolvedExample } from "./index.js";

export interface ExampleResult {
  readonly name: string;
  readonly clause?: string;
  readonly span: Span;
  readonly passed: boolean;
  readonly problems: readonly string[];
  readonly decision?: Decision;
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
}

function equalValue(expected: unknown, actual: unknown): boolean {
  if (typeof expected === "number" && typeof actual === "string") return String(expected) === actual;
  return JSON.stringify(expected) === JSON.stringify(actual);
}

function show(v: unknown): string {
  return v === undefined ? "absent" : JSON.stringify(v);
}

export function runExamples(version: VersionModule<unknown, Record<string, unknown>>, program: CheckedProgram, clauses: readonly Clause[], examples: readonly ResolvedExample[]): TestReport {
  const decisionFields = program.fieldTypes.get(program.decision.name.text)!;
  const results: ExampleResult[] = examples.map((ex) => {
    const base = { name: ex.name, span: ex.span, ...(ex.clause === undefined ? {} : { clause: ex.clause }) };
    const outcome = evaluateRecord(version, ex.record, {});
    if (!outcome.ok) return { ...base, passed: false, problems: outcome.errors.map((e) => `invalid installation: ${e.path}: ${e.message}`) };
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
    return { ...base, passed: problems.length === 0, problems, decision: d };
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
  for (const r of results) if (!r.passed) failures.push(`example "${r.name}" (${r.span.file}:${r.span.start.line}) failed: ${r.problems.join("; ")}`);
  for (const c of coverage) {
    if (c.examples.length === 0) failures.push(`clause ${c.number} (${c.title}) has no example`);
    for (const r of c.rules) {
      if (r.firedIn.length === 0) failures.push(`rule ${r.rule} (clause ${c.number}) fires in no example`);
      if (r.missedIn.length === 0) failures.push(`rule ${r.rule} (clause ${c.number}) has no near miss: no example under ${c.number} in which it does not fire`);
    }
  }
  return { version: version.manifest.id, examples: results, clauses: coverage, precedence, failures };
}

/** The report as text for the terminal. */
export function formatReport(report: TestReport): string {
  const lines: string[] = [];
  const passed = report.examples.filter((e) => e.passed).length;
  lines.push(`${report.version}: ${report.examples.length} examples, ${passed} passed, ${report.examples.length - passed} failed`);
  for (const e of report.examples.filter((x) => !x.passed)) {
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
