/**
 * Explanations for people: a traced Decision rendered as text — the outcome, the deciding clause
 * with its text, the conditions and facts that made it so, and why each other rule did not apply.
 */
import { timeLines } from "./explain-time.js";
import { firstFailure, type Manifest, type RecordOutcome, type TraceNode, type VersionModule } from "./runtime/index.js";

function value(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? "absent" : s.length > 160 ? `${s.slice(0, 157)}...` : s;
}

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((l) => prefix + l)
    .join("\n");
}

function factsLine(node: TraceNode): string | undefined {
  if (node.facts.length === 0) return undefined;
  return `facts: ${node.facts.map((f) => `${f.path} = ${value(f.value)}`).join("; ")}`;
}

function renderNode(node: TraceNode, depth: number, out: string[]): void {
  const pad = "  ".repeat(depth);
  const mark = node.value === true ? "✓" : node.value === false ? "✗" : "•";
  const label = node.kind === "definition" ? `definition ${node.text}` : node.text;
  out.push(`${pad}${mark} ${label}  → ${value(node.value)}  [${node.at}]`);
  const facts = factsLine(node);
  if (facts !== undefined) out.push(`${pad}    ${facts}`);
  for (const c of node.children) renderNode(c, depth + 1, out);
}

function clauseOf(m: Manifest, n: string | null): { title: string; text: string; at: string } | undefined {
  return n === null ? undefined : m.clauses.find((c) => c.number === n);
}

export function renderExplanation(version: VersionModule<any, any>, outcome: RecordOutcome): string {
  const m = version.manifest;
  const out: string[] = [];
  if (!outcome.ok) {
    out.push(`Installation ${outcome.installationId ?? "(no id)"}: invalid input, not evaluated (${m.document} ${m.version})`);
    for (const e of outcome.errors) out.push(`  ✗ ${e.path}: ${e.message} [${e.code}]`);
    return out.join("\n");
  }
  const d = outcome.decision;
  out.push(`Installation ${d.installationId}`);
  out.push(`  ${m.document} ${m.version} (${m.status}${d.asOf === null ? "" : `, as of ${d.asOf}`}), source sha256 ${d.sourceHash.slice(0, 12)}`);
  if (d.status === "conflict") {
    out.push(`Outcome: CONFLICT — rules ${d.conflict!.join(", ")} all apply and no precedence is declared between them`);
    out.push(...timeLines(d, outcome.trace));
  } else {
    const fields = Object.entries(d.result ?? {}).map(([k, v]) => `${k} = ${value(v)}`);
    out.push(`Outcome: ${fields.join(", ")}`);
    const clause = clauseOf(m, d.clause);
    const by = d.status === "decided" ? `rule ${d.rule}` : "the default (no rule applied)";
    out.push(`Decided by ${by}${d.clause === null ? "" : `, clause ${d.clause}${clause === undefined ? "" : ` "${clause.title}" [${clause.at}]`}`}`);
    out.push(...timeLines(d, outcome.trace));
    if (clause !== undefined) {
      out.push(`Clause ${d.clause} text (${m.paraphrase}):`);
      out.push(indent(clause.text, "  | "));
    }
  }
  const trace = outcome.trace?.rules ?? [];
  const winners = trace.filter((r) => r.fired && (r.rule === d.rule || (d.conflict ?? []).includes(r.rule)));
  for (const r of winners) {
    out.push(`Why rule ${r.rule} (clause ${r.clause}) applies [${r.at}]:`);
    const lines: string[] = [];
    renderNode(r.condition, 1, lines);
    out.push(...lines);
  }
  const setAside = trace.filter((r) => r.fired && r.setAsideBy.length > 0);
  if (setAside.length > 0) {
    out.push("Rules that applied but were set aside by precedence:");
    for (const r of setAside) out.push(`  • ${r.rule} (clause ${r.clause}) set aside by ${r.setAsideBy.join(", ")}`);
  }
  const notApplied = trace.filter((r) => !r.fired);
  if (notApplied.length > 0) {
    out.push("Rules that did not apply:");
    for (const r of notApplied) {
      const failed = firstFailure(r.condition);
      out.push(`  ✗ ${r.rule} (clause ${r.clause} ${r.clauseTitle}): \`${failed.text}\` is ${value(failed.value)} [${failed.at}]`);
      const facts = factsLine(failed);
      if (facts !== undefined) out.push(`      ${facts}`);
    }
  }
  return out.join("\n");
}
