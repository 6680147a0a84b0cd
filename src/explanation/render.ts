/**
 * An Explanation as text for people: the summary paragraph first, then the outcome, the deciding
 * clause's text (without the authors' notes unless they were asked for), the reasons with the
 * facts read, the members of each quantified condition, the meters still being retried, and each
 * rule that did not apply with every part of it that failed. Takes an Explanation; gives text.
 */
import { negate } from "../runtime/index.js";
import { EXPLORED_NOTE } from "./explored.js";
import { formatDate, pathWords } from "./facts.js";
import type { Explanation, FactView, Reason } from "./types.js";

const WIDTH = 100;
/** How deep the reasons for the deciding rule are shown in text (JSON has them all). */
const WHY_DEPTH = 5;

export function renderExplanationText(e: Explanation): string {
  const out: string[] = [];
  const v = e.version;
  out.push(`Installation ${e.installationId ?? "(no id)"}${e.record === null ? "" : ` (record ${e.record})`}`);
  out.push(`${v.document} ${v.version} (${v.status}${v.asOf === null ? "" : `, facts as of ${v.asOf}`}), source sha256 ${v.sourceHash.slice(0, 12)}`);
  out.push("");
  out.push(...wrap(e.summary, ""));
  if (e.explored === "evaluated") {
    out.push("", ...wrap(EXPLORED_NOTE, ""));
  }
  if (e.status === "invalid") {
    out.push("", "Problems:");
    for (const p of e.errors ?? []) out.push(`  ✗ ${p.path}: ${p.message} [${p.code}]`);
    return out.join("\n");
  }
  if (e.outcome.length > 0) {
    out.push("", "Outcome:");
    for (const f of e.outcome) {
      const value = Array.isArray(f.value) ? (f.value.length === 0 ? "none" : f.value.join(", ")) : typeof f.value === "boolean" ? (f.value ? "yes" : "no") : f.value === null ? "none" : String(f.value);
      const note = f.label ?? f.title;
      out.push(`  ${f.field}: ${value}${note === undefined ? "" : ` (${note})`}`);
    }
  }
  if (e.time.lines.length > 0) out.push("", ...e.time.lines);
  if (e.conflict !== undefined) out.push("", `Conflict: rules ${e.conflict.join(", ")} all apply and no precedence is declared between them.`);
  const clause = e.decidedBy?.clause ?? null;
  if (e.decidedBy !== null) {
    out.push("", `Decided by ${e.decidedBy.rule === null ? "the default (no rule applied)" : `rule ${e.decidedBy.rule}`}${clause === null ? "" : `, clause ${clause.number} "${clause.title}" [${clause.at}]`}`);
  }
  if (clause !== null) {
    out.push(`Clause ${clause.number} text (${v.paraphrase}${clause.notes === undefined ? " Authors' notes left out; --notes shows them." : ""}):`);
    for (const line of clause.text.split("\n")) out.push(`  | ${line}`.trimEnd());
    if (clause.notes !== undefined && clause.notes.length > 0) {
      out.push(`Authors' notes on clause ${clause.number}:`);
      for (const n of clause.notes) out.push(...wrap(`[${n.kind}] ${n.text.replace(/\s*\n\s*/g, " ")}`, "  "));
    }
  }
  if (e.because.length > 0) {
    out.push("", "Why it applies:");
    for (const r of e.because) reason(r, 1, WHY_DEPTH, out);
  }
  if (e.pending.length > 0) {
    out.push("", "Still being retried:");
    for (const p of e.pending) {
      out.push(`  ${p.name}${p.reviewOn === undefined ? "" : ` (review on ${formatDate(p.reviewOn)})`}`);
      for (const f of p.facts) out.push(...wrap(f, "      "));
      for (const c of p.checks) out.push(...wrap(`needs ${c.left} more: ${c.about === null ? "" : `${c.about}, `}${c.statement} (${c.have} of ${c.need})`, "      "));
    }
  }
  if (e.setAside.length > 0) {
    out.push("", "Applied but set aside by precedence:");
    for (const s of e.setAside) out.push(`  • ${s.rule} (clause ${s.clause}, ${s.title}) gives way to ${s.by.join(", ")}`);
  }
  if (e.notApplied.length > 0) {
    out.push("", "Rules that did not apply, and every part that failed:");
    for (const n of e.notApplied) {
      out.push(`  ✗ ${n.rule} (clause ${n.clause}, ${n.title}) [${n.at}]`);
      for (const r of n.because) reason(r, 2, 2, out);
    }
  }
  return out.join("\n");
}

function said(r: Reason): string {
  let s = r.holds === false ? negate(r.statement) : r.statement;
  if (r.holds === null) s = `${r.statement}`;
  if (r.comparison !== undefined) s += ` (${show(r.comparison.left)} ${r.comparison.operator} ${show(r.comparison.right)}: ${r.holds === true ? "yes" : "no"})`;
  return s;
}

function reason(r: Reason, depth: number, maxDepth: number, out: string[]): void {
  const pad = "  ".repeat(depth);
  out.push(...wrap(`• ${said(r)}  [${r.at}]`, pad, `${pad}  `));
  const facts = r.facts.filter((f) => !(r.comparison !== undefined && typeof f.value === "number"));
  if (facts.length > 0) out.push(...wrap(facts.map(factText).join("; "), `${pad}    `));
  for (const mv of r.members ?? []) {
    out.push(...wrap(`${mv.name}: ${mv.facts.length === 0 ? (mv.holds === false ? "does not satisfy it" : "satisfies it") : mv.facts.join("; ")}`, `${pad}    `, `${pad}      `));
    if (depth + 1 < maxDepth) for (const b of mv.because) reason(b, depth + 3, maxDepth + 2, out);
  }
  if (depth < maxDepth) for (const b of r.because) reason(b, depth + 1, maxDepth, out);
  else if (r.because.length > 0) out.push(`${pad}  …`);
}

function factText(f: FactView): string {
  const words = pathWords(f.path);
  if (f.summary !== undefined) return `${words}: ${f.summary}`;
  return `${words} = ${show(f.value)}${f.label === undefined ? "" : ` (${f.label})`}`;
}

function show(v: unknown): string {
  if (typeof v === "string") return /^\d{4}-\d{2}-\d{2}/.test(v) ? formatDate(v) : v;
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (v === null || v === undefined) return "none";
  const s = JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** Wraps text at WIDTH columns, the first line after `first`, the others after `rest`. */
function wrap(text: string, first: string, rest: string = first): string[] {
  const words = text.split(/\s+/).filter((w) => w !== "");
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const w of words) {
    if (!empty && line.length + 1 + w.length > WIDTH) {
      lines.push(line);
      line = rest + w;
    } else line += empty ? w : ` ${w}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}
