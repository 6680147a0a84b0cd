/**
 * Rendering a DiffReport for people: the report becomes a small document (headings, paragraphs,
 * lists, tables, preformatted text, word diffs, quoted clause text, folded details), printed as
 * terminal text, Markdown fit for a consultation annex, or a self-contained HTML page. JSON is the
 * report itself, whole.
 *
 * For a regulator: the verdict first; parameters as `old → new`; added clauses with their text;
 * conditions with the readable printer (formatExpr), wrapped; a witness as the few facts that
 * differ from where the search started, the full record folded away; tables that fit the page
 * (the largest values of a reporting dimension, the rest summed, in a scrolling container).
 */
import { formatExpr } from "../ast/print.js";
import type * as A from "../ast/nodes.js";
import { decisionOutcome } from "../../runtime/index.js";
import { describeFactChange } from "../search/index.js";
import type { BehaviourChange, DiffReport } from "./index.js";
import { inlineWordDiff, type WordChange } from "./document.js";
import { decisionLabel, type Transition } from "./population.js";

type Block =
  | { readonly kind: "h"; readonly level: 1 | 2 | 3; readonly text: string }
  | { readonly kind: "p"; readonly text: string }
  | { readonly kind: "ul"; readonly items: readonly string[] }
  | { readonly kind: "table"; readonly head: readonly string[]; readonly rows: readonly (readonly string[])[] }
  | { readonly kind: "pre"; readonly text: string }
  | { readonly kind: "quote"; readonly text: string }
  | { readonly kind: "words"; readonly words: readonly WordChange[] }
  /** Folded away in HTML and Markdown; in text, shown only when `inText`. Made only when shown (a witness's explanations cost a whole traced evaluation each). */
  | { readonly kind: "details"; readonly summary: string; readonly blocks: () => readonly Block[]; readonly inText: boolean };

/** How many values of a reporting dimension get a row of their own; the rest are summed. */
const TOP_VALUES = 10;
/** Wrap conditions at this width. */
const WIDTH = 96;

export interface RenderOptions {
  readonly ids: boolean;
  readonly explain?: (side: "a" | "b", record: unknown) => string;
}

const VERDICT_TEXT: Record<DiffReport["verdict"], string> = {
  unchanged: "Verdict: no behaviour changed. Every installation gets the same decision under both versions (exit 0).",
  changed: "Verdict: behaviour changed. Some installations get a different decision; see the witnesses below (exit 1).",
  "changed-no-witness": "Verdict: changed; no witness found. The rules changed, but the bounded search found no installation whose decision differs; that is not proof that none exists (exit 1).",
};

function when(label: string, e: A.Expr): string {
  const pad = " ".repeat(label.length + 1);
  return `${label} ${formatExpr(e, WIDTH, pad)}`;
}

function witnessBlocks(r: DiffReport, bch: BehaviourChange, options: RenderOptions): Block[] {
  const w = bch.witness!;
  const out: Block[] = [];
  const few = (facts: readonly string[]): string[] => (facts.length <= 12 ? [...facts] : [...facts.slice(0, 12), `… and ${facts.length - 12} more (the whole record is below)`]);
  if (w.changes.length > 0) {
    out.push({ kind: "p", text: `Witness: ${w.baseline}, with ${w.facts.length} fact${w.facts.length === 1 ? "" : "s"} changed:` });
    out.push({ kind: "ul", items: few(w.facts.map(describeFactChange)) });
  } else {
    out.push({ kind: "p", text: `Witness: ${w.baseline}, as it is${w.factsFrom === w.baseline ? "." : `; it differs from ${w.factsFrom} in ${w.facts.length} fact${w.facts.length === 1 ? "" : "s"}:`}` });
    if (w.factsFrom !== w.baseline) out.push({ kind: "ul", items: few(w.facts.map(describeFactChange)) });
  }
  out.push({
    kind: "table",
    head: ["", r.from.id, r.to.id],
    rows: [
      ["decision", decisionOutcome(w.a), decisionOutcome(w.b)],
      ["clause", w.a.clause ?? "—", w.b.clause ?? "—"],
      ["rule", w.a.rule ?? w.a.status, w.b.rule ?? w.b.status],
      ...Object.keys({ ...(w.a.result ?? {}), ...(w.b.result ?? {}) })
        .filter((k) => k !== "outcome")
        .map((k) => [k, JSON.stringify((w.a.result as Record<string, unknown> | null)?.[k] ?? null), JSON.stringify((w.b.result as Record<string, unknown> | null)?.[k] ?? null)]),
    ],
  });
  const inner = (): Block[] => {
    const blocks: Block[] = [{ kind: "pre", text: JSON.stringify(w.record, null, 2) }];
    if (options.explain !== undefined) {
      blocks.push({ kind: "p", text: `Explanation under ${r.from.id}:` }, { kind: "pre", text: options.explain("a", w.record) });
      blocks.push({ kind: "p", text: `Explanation under ${r.to.id}:` }, { kind: "pre", text: options.explain("b", w.record) });
    }
    return blocks;
  };
  out.push({ kind: "details", summary: "The whole installation record (valid under both versions)" + (options.explain === undefined ? "" : ", and how each version decides it"), blocks: inner, inText: false });
  return out;
}

/** Rows per value of a dimension, the largest first, the rest summed into one row. */
function dimensionRows(flips: readonly Transition[], dim: string): { head: string[]; rows: string[][] } {
  const totals = new Map<string, number>();
  for (const t of flips) for (const [v, n] of Object.entries(t.by[dim] ?? {})) totals.set(v, (totals.get(v) ?? 0) + n);
  const values = [...totals].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).map(([v]) => v);
  const top = values.slice(0, TOP_VALUES);
  const rest = values.slice(TOP_VALUES);
  const row = (label: string, vs: readonly string[]): string[] => {
    const cells = flips.map((t) => vs.reduce((n, v) => n + (t.by[dim]?.[v] ?? 0), 0));
    return [label, ...cells.map(String), String(cells.reduce((a, b) => a + b, 0))];
  };
  const rows = top.map((v) => row(v, [v]));
  if (rest.length > 0) rows.push(row(`${rest.length} others`, rest));
  return { head: [dim, ...flips.map((t) => `${t.from} → ${t.to}`), "all changed"], rows };
}

function build(r: DiffReport, options: RenderOptions): Block[] {
  const out: Block[] = [];
  const name = (v: DiffReport["from"]): string => `${v.document ?? ""} ${v.version ?? v.id}`.trim() + (v.status === undefined ? "" : ` (${v.status}${v.effectiveFrom === undefined ? "" : `, in force from ${v.effectiveFrom}`})`);
  out.push({ kind: "h", level: 1, text: `${name(r.from)} → ${name(r.to)}` });
  out.push({ kind: "p", text: VERDICT_TEXT[r.verdict] });

  out.push({ kind: "h", level: 2, text: "1. Document changes" });
  const d = r.document;
  if (d.clauses.length === 0) out.push({ kind: "p", text: `No clause added, repealed, amended or renumbered (${d.unchangedClauses} unchanged).` });
  else {
    out.push({
      kind: "ul",
      items: d.clauses.map((c) => (c.kind === "renumbered" ? `renumbered: ${c.from} → ${c.number} ${c.title}` : `${c.kind}: ${c.number} ${c.title}${c.oldTitle === undefined ? "" : ` (was: ${c.oldTitle})`}`)),
    });
    out.push({ kind: "p", text: `${d.unchangedClauses} clause(s) unchanged.` });
    for (const c of d.clauses) {
      if (c.kind === "amended") {
        out.push({ kind: "h", level: 3, text: `Clause ${c.number}: text changes` });
        out.push({ kind: "words", words: c.words ?? [] });
      } else if (c.kind === "added" && c.text !== undefined) {
        out.push({ kind: "h", level: 3, text: `Clause ${c.number} (added): ${c.title}` });
        out.push({ kind: "quote", text: c.text.trim() });
      }
    }
  }
  if (d.parameters.length > 0) {
    out.push({ kind: "h", level: 3, text: "Parameters" });
    out.push({ kind: "ul", items: d.parameters.map((p) => (p.kind === "changed" ? `${p.name}: ${p.old} → ${p.new}` : p.kind === "added" ? `${p.name}: added, ${p.new}` : `${p.name}: removed (was ${p.old})`)) });
  }
  if (d.declarations.length > 0) {
    out.push({ kind: "h", level: 3, text: "Declarations (schema, decision)" });
    for (const x of d.declarations) out.push({ kind: "pre", text: [`${x.name}: ${x.kind}`, ...(x.old === undefined ? [] : [`  was: ${x.old}`]), ...(x.new === undefined ? [] : [`  now: ${x.new}`])].join("\n") });
  }

  out.push({ kind: "h", level: 2, text: "2. Rule changes" });
  if (r.rules.length === 0) out.push({ kind: "p", text: "No rule changed (conditions, results, precedence and clauses compared with definitions and parameters inlined; layout, comments and spans ignored)." });
  else {
    out.push({
      kind: "table",
      head: ["rule", "clause", "change", "condition", "result", "precedence"],
      rows: r.rules.map((c) => [c.rule, c.clause, c.kind, c.kind === "changed" ? c.condition : "—", c.kind === "changed" ? (c.resultChanged ? "changed" : "same") : "—", c.precedenceChanged ? "changed" : "same"]),
    });
    for (const c of r.rules) {
      const lines: string[] = [];
      if (c.kind === "added" && c.newWhen !== undefined) lines.push(when("when", c.newWhen));
      if (c.kind === "removed" && c.oldWhen !== undefined) lines.push(when("when", c.oldWhen));
      if (c.kind === "changed" && c.oldWhen !== undefined && c.newWhen !== undefined) lines.push(when("when was:", c.oldWhen), when("when now:", c.newWhen));
      for (const def of c.changedDefinitions) {
        if (def.old !== undefined) lines.push(when(`definition ${def.name} was:`, def.old));
        else lines.push(`definition ${def.name}: added`);
        if (def.new !== undefined) lines.push(when(`definition ${def.name} now:`, def.new));
        else lines.push(`definition ${def.name}: removed`);
      }
      for (const p of c.changedParameters) lines.push(`parameter ${p.name}: ${p.old ?? "(none)"} → ${p.new ?? "(none)"}`);
      if (c.kind === "changed" && c.implication !== undefined) {
        const { oldImpliesNew, newImpliesOld } = c.implication;
        if (oldImpliesNew && newImpliesOld) lines.push("shown from the structure: each condition implies the other (equivalent)");
        else if (oldImpliesNew) lines.push("shown from the structure: the old condition implies the new one (it cannot have narrowed)");
        else if (newImpliesOld) lines.push("shown from the structure: the new condition implies the old one (it cannot have widened)");
      }
      if (c.kind === "changed" && c.resultChanged) lines.push(`result was: ${c.oldResult}`, `result now: ${c.newResult}`);
      else if (c.kind !== "changed") lines.push(`result: ${c.newResult ?? c.oldResult}`);
      if (c.kind !== "changed") {
        const p = c.newPrecedence ?? c.oldPrecedence ?? [];
        if (p.length > 0) lines.push(`precedence: ${p.join(", ")}`);
      } else if (c.precedenceChanged) lines.push(`precedence was: ${(c.oldPrecedence ?? []).join(", ") || "none"}`, `precedence now: ${(c.newPrecedence ?? []).join(", ") || "none"}`);
      if (c.clauseChanged === true) lines.push("the rule moved to another clause");
      const what = c.kind === "changed" ? (c.condition === "same" ? "condition unchanged" : `condition ${c.condition}`) : c.kind;
      out.push({ kind: "h", level: 3, text: `${c.rule === "default" ? "The default result" : `Rule ${c.rule}`} (clause ${c.clause}): ${what}` });
      if (lines.length > 0) out.push({ kind: "pre", text: lines.join("\n") });
    }
  }
  if (r.drift.length > 0) {
    out.push({ kind: "h", level: 3, text: "Drift between text and rules (review these)" });
    out.push({
      kind: "ul",
      items: r.drift.map((x) => (x.kind === "text-changed-rules-unchanged" ? `clause ${x.clause}: the text changed but its rules (${x.rules.join(", ") || "none"}) did not` : `clause ${x.clause}: rules ${x.rules.join(", ")} changed but the clause text did not`)),
    });
  }

  out.push({ kind: "h", level: 2, text: "3. Behavioural changes" });
  for (const bch of r.behaviour) {
    const subject = bch.rule === "" ? (bch.verdict === "no-change" ? "" : "Data model") : bch.rule === "default" ? `The default result (clause ${bch.clause})` : `Rule ${bch.rule} (clause ${bch.clause})`;
    if (bch.witness === undefined) {
      out.push({ kind: "p", text: `${subject === "" ? "" : `${subject}: `}${bch.statement ?? ""}` });
      continue;
    }
    out.push({ kind: "h", level: 3, text: `${subject}: ${decisionLabel(bch.witness.a)} → ${decisionLabel(bch.witness.b)}` });
    out.push(...witnessBlocks(r, bch, options));
  }

  if (r.population !== undefined) {
    const p = r.population;
    out.push({ kind: "h", level: 2, text: "4. Population impact" });
    out.push({ kind: "p", text: `${p.records} records: ${p.evaluated} evaluated under both versions (${p.changed} changed, ${p.unchanged} unchanged) + ${p.invalidCount} invalid = ${p.evaluated + p.invalidCount}.` });
    out.push({ kind: "table", head: [`${r.from.id}`, `${r.to.id}`, "count", "caused by"], rows: p.transitions.map((t) => [t.from, t.to, String(t.count), t.causes.join(", ") || (t.from === t.to ? "—" : "")]) });
    const flips = p.transitions.filter((t) => t.from !== t.to);
    if (flips.length > 0) {
      for (const { name: dim } of p.reportBy) {
        out.push({ kind: "h", level: 3, text: `Changed decisions by ${dim}` });
        const { head, rows } = dimensionRows(flips, dim);
        out.push({ kind: "table", head, rows });
      }
    }
    if (options.ids) {
      out.push({ kind: "h", level: 3, text: "Installations per transition" });
      out.push({ kind: "ul", items: p.transitions.map((t) => `${t.from} → ${t.to}: ${(t.ids ?? []).join(", ")}`) });
    }
    if (p.invalidCount > 0) {
      out.push({ kind: "h", level: 3, text: `Invalid records (not evaluated): ${p.invalidCount}` });
      out.push({ kind: "ul", items: [...p.invalid.map((i) => `record ${i.record}${i.id === null ? "" : ` (${i.id})`}: ${i.error}`), ...(p.invalidCount > p.invalid.length ? [`… and ${p.invalidCount - p.invalid.length} more`] : [])] });
    }
  }
  return out;
}

function pad(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd());
}

function text(blocks: readonly Block[]): string {
  const out: string[] = [];
  const emit = (bs: readonly Block[]): void => {
    for (const b of bs) {
      switch (b.kind) {
        case "h":
          out.push("", b.level === 1 ? b.text : b.level === 2 ? b.text.toUpperCase() : `-- ${b.text}`);
          if (b.level === 1) out.push("=".repeat(b.text.length));
          break;
        case "p":
          out.push(b.text);
          break;
        case "ul":
          out.push(...b.items.map((i) => `  • ${i}`));
          break;
        case "table": {
          const [head, ...rows] = pad([b.head, ...b.rows]);
          out.push(`  ${head}`, `  ${"-".repeat(head.length)}`, ...rows.map((r) => `  ${r}`));
          break;
        }
        case "pre":
          out.push(...b.text.split("\n").map((l) => `    ${l}`));
          break;
        case "quote":
          out.push(...b.text.split("\n").map((l) => `  | ${l}`.trimEnd()));
          break;
        case "words":
          out.push(`  ${inlineWordDiff(b.words)}`);
          break;
        case "details":
          if (b.inText) emit(b.blocks());
          else out.push(`  (${b.summary}: in --format json, markdown or html)`);
          break;
      }
    }
  };
  emit(blocks);
  return `${out.join("\n").trim()}\n`;
}

function mdCell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function markdown(blocks: readonly Block[]): string {
  const out: string[] = [];
  const fence = (t: string): string => "`".repeat(Math.max(3, ...[...t.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  const emit = (bs: readonly Block[]): void => {
    for (const b of bs) {
      switch (b.kind) {
        case "h":
          out.push(`${"#".repeat(b.level)} ${b.text}`, "");
          break;
        case "p":
          out.push(b.text, "");
          break;
        case "ul":
          out.push(...b.items.map((i) => `- ${i}`), "");
          break;
        case "table":
          out.push(`| ${b.head.map(mdCell).join(" | ")} |`, `| ${b.head.map(() => "---").join(" | ")} |`, ...b.rows.map((r) => `| ${r.map(mdCell).join(" | ")} |`), "");
          break;
        case "pre": {
          const f = fence(b.text);
          out.push(f, b.text, f, "");
          break;
        }
        case "quote":
          out.push(...b.text.split("\n").map((l) => `> ${l}`.trimEnd()), "");
          break;
        case "words":
          out.push(b.words.map((w) => (w.op === "=" ? w.text : w.op === "-" ? `~~${w.text.trimEnd()}~~${w.text.slice(w.text.trimEnd().length)}` : `**${w.text.trimEnd()}**${w.text.slice(w.text.trimEnd().length)}`)).join(""), "");
          break;
        case "details":
          out.push("<details>", `<summary>${esc(b.summary)}</summary>`, "");
          emit(b.blocks());
          out.push("</details>", "");
          break;
      }
    }
  };
  emit(blocks);
  return `${out.join("\n").trim()}\n`;
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function html(blocks: readonly Block[], title: string): string {
  const body: string[] = [];
  let section = 0;
  const emit = (bs: readonly Block[]): void => {
    for (const b of bs) {
      switch (b.kind) {
        case "h":
          if (b.level === 2) body.push(`<h2 id="section-${++section}">${esc(b.text)}</h2>`);
          else body.push(`<h${b.level}>${esc(b.text)}</h${b.level}>`);
          break;
        case "p":
          body.push(`<p>${esc(b.text)}</p>`);
          break;
        case "ul":
          body.push(`<ul>${b.items.map((i) => `<li>${esc(i)}</li>`).join("")}</ul>`);
          break;
        case "table":
          body.push(`<div class="scroll"><table><thead><tr>${b.head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${b.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`).join("")}</tbody></table></div>`);
          break;
        case "pre":
          body.push(`<pre>${esc(b.text)}</pre>`);
          break;
        case "quote":
          body.push(`<blockquote>${b.text.split(/\n{2,}/).map((para) => `<p>${esc(para)}</p>`).join("")}</blockquote>`);
          break;
        case "words":
          body.push(`<p class="words">${b.words.map((w) => (w.op === "=" ? esc(w.text) : w.op === "-" ? `<del>${esc(w.text)}</del>` : `<ins>${esc(w.text)}</ins>`)).join("")}</p>`);
          break;
        case "details":
          body.push(`<details><summary>${esc(b.summary)}</summary>`);
          emit(b.blocks());
          body.push("</details>");
          break;
      }
    }
  };
  emit(blocks);
  const style = [
    "body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.4;overflow-wrap:anywhere}",
    ".scroll{overflow-x:auto;max-width:100%}",
    "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2rem .5rem;vertical-align:top;text-align:left}",
    "pre{background:#f4f4f4;padding:.5rem;overflow:auto;white-space:pre}",
    "blockquote{border-left:4px solid #ccc;margin:0 0 1rem;padding:0 1rem;color:#333}",
    "del{background:#fdd}ins{background:#dfd}details{margin:.5rem 0}summary{cursor:pointer}",
  ].join("");
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title><style>${style}</style></head><body>\n${body.join("\n")}\n</body></html>\n`;
}

export type DiffFormat = "text" | "json" | "markdown" | "html";

export function renderDiff(r: DiffReport, format: DiffFormat, options: RenderOptions): string {
  if (format === "json") return `${JSON.stringify(r, jsonValue, 2)}\n`;
  const blocks = build(r, options);
  if (format === "markdown") return markdown(blocks);
  if (format === "html") return html(blocks, `${r.from.id} → ${r.to.id}`);
  return text(blocks);
}

/** JSON of the report: expressions as the canonical printer writes them, not as syntax trees. */
function jsonValue(key: string, value: unknown): unknown {
  if (value !== null && typeof value === "object" && "kind" in value && "span" in value && (key === "oldWhen" || key === "newWhen" || key === "old" || key === "new")) return formatExpr(value as A.Expr, Number.POSITIVE_INFINITY);
  return value;
}
