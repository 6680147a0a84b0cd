/**
 * Rendering a DiffReport for people: the report becomes a small document (headings, paragraphs,
 * lists, tables, preformatted text, word diffs), which is printed as terminal text, Markdown fit for
 * a consultation annex, or a self-contained HTML page. JSON is the report itself.
 */
import { decisionOutcome } from "../../runtime/index.js";
import type { DiffReport } from "./index.js";
import { inlineWordDiff, type WordChange } from "./document.js";

type Block =
  | { readonly kind: "h"; readonly level: 1 | 2 | 3; readonly text: string }
  | { readonly kind: "p"; readonly text: string }
  | { readonly kind: "ul"; readonly items: readonly string[] }
  | { readonly kind: "table"; readonly head: readonly string[]; readonly rows: readonly (readonly string[])[] }
  | { readonly kind: "pre"; readonly text: string }
  | { readonly kind: "words"; readonly words: readonly WordChange[] };

/** For people: long lists shown by their first and last elements (the JSON output keeps them whole). */
function abridge(v: unknown): unknown {
  if (Array.isArray(v)) {
    if (v.length <= 4) return v.map(abridge);
    return [abridge(v[0]), abridge(v[1]), `… ${v.length - 3} more like these …`, abridge(v[v.length - 1])];
  }
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, abridge(x)]));
  return v;
}

function build(r: DiffReport, options: { ids: boolean; explain?: (side: "a" | "b", record: unknown) => string }): Block[] {
  const out: Block[] = [];
  const name = (v: DiffReport["from"]): string => `${v.document ?? ""} ${v.version ?? v.id}`.trim() + (v.status === undefined ? "" : ` (${v.status}${v.effectiveFrom === undefined ? "" : `, in force from ${v.effectiveFrom}`})`);
  out.push({ kind: "h", level: 1, text: `${name(r.from)} → ${name(r.to)}` });
  out.push({ kind: "p", text: r.behaviourChanged ? "Behaviour changed: some installations get a different decision." : "No behavioural change found." });

  out.push({ kind: "h", level: 2, text: "1. Document changes" });
  const d = r.document;
  if (d.clauses.length === 0) out.push({ kind: "p", text: `No clause added, repealed, amended or renumbered (${d.unchangedClauses} unchanged).` });
  else {
    out.push({
      kind: "ul",
      items: d.clauses.map((c) =>
        c.kind === "renumbered" ? `renumbered: ${c.from} → ${c.number} ${c.title}` : `${c.kind}: ${c.number} ${c.title}${c.oldTitle === undefined ? "" : ` (was: ${c.oldTitle})`}`,
      ),
    });
    out.push({ kind: "p", text: `${d.unchangedClauses} clause(s) unchanged.` });
    for (const c of d.clauses.filter((x) => x.kind === "amended")) {
      out.push({ kind: "h", level: 3, text: `Clause ${c.number}: text changes` });
      out.push({ kind: "words", words: c.words ?? [] });
    }
  }
  if (d.parameters.length > 0) {
    out.push({ kind: "h", level: 3, text: "Parameters" });
    out.push({ kind: "table", head: ["parameter", "change", "old", "new"], rows: d.parameters.map((p) => [p.name, p.kind, p.old ?? "", p.new ?? ""]) });
  }
  if (d.declarations.length > 0) {
    out.push({ kind: "h", level: 3, text: "Declarations (schema, decision)" });
    out.push({ kind: "table", head: ["declaration", "change", "old", "new"], rows: d.declarations.map((p) => [p.name, p.kind, p.old ?? "", p.new ?? ""]) });
  }

  out.push({ kind: "h", level: 2, text: "2. Rule changes" });
  if (r.rules.length === 0) out.push({ kind: "p", text: "No rule changed (conditions and results compared with definitions and parameters inlined; layout, comments and spans ignored)." });
  else {
    out.push({
      kind: "table",
      head: ["rule", "clause", "change", "condition", "result", "precedence"],
      rows: r.rules.map((c) => [c.rule, c.clause, c.kind, c.kind === "changed" ? c.condition : "—", c.kind === "changed" ? (c.resultChanged ? "changed" : "same") : "—", c.precedenceChanged ? "changed" : "same"]),
    });
    for (const c of r.rules) {
      if (c.kind !== "changed") continue;
      const lines: string[] = [];
      if (c.oldWhen !== undefined) lines.push(`when was: ${c.oldWhen}`, `when now: ${c.newWhen}`);
      for (const def of c.changedDefinitions) lines.push(`definition ${def.name} was: ${def.old ?? "(none)"}`, `definition ${def.name} now: ${def.new ?? "(none)"}`);
      if (c.oldCondition !== c.newCondition && c.oldWhen === undefined && c.changedDefinitions.length === 0) lines.push(`parameters inlined, condition was: ${c.oldCondition}`, `parameters inlined, condition now: ${c.newCondition}`);
      if (c.resultChanged) lines.push(`result was: ${c.oldResult}`, `result now: ${c.newResult}`);
      if (c.precedenceChanged) lines.push(`precedence was: ${(c.oldPrecedence ?? []).join(", ") || "none"}`, `precedence now: ${(c.newPrecedence ?? []).join(", ") || "none"}`);
      out.push({ kind: "h", level: 3, text: `Rule ${c.rule} (clause ${c.clause}): ${c.condition === "same" ? "condition unchanged" : `condition ${c.condition}`}` });
      out.push({ kind: "pre", text: lines.join("\n") });
    }
  }
  if (r.drift.length > 0) {
    out.push({ kind: "h", level: 3, text: "Drift between text and rules (review these)" });
    out.push({
      kind: "ul",
      items: r.drift.map((x) =>
        x.kind === "text-changed-rules-unchanged"
          ? `clause ${x.clause}: the text changed but its rules (${x.rules.join(", ") || "none"}) did not`
          : `clause ${x.clause}: rules ${x.rules.join(", ")} changed but the clause text did not`,
      ),
    });
  }

  out.push({ kind: "h", level: 2, text: "3. Behavioural changes" });
  for (const bch of r.behaviour) {
    if (bch.witness === undefined) {
      out.push({ kind: "p", text: `${bch.rule === "" ? "" : `Rule ${bch.rule} (clause ${bch.clause}): `}${bch.statement ?? ""}` });
      continue;
    }
    const w = bch.witness;
    out.push({ kind: "h", level: 3, text: `Rule ${bch.rule} (clause ${bch.clause}): witness` });
    out.push({ kind: "p", text: `Found by the witness search from baseline ${w.baseline}, changing ${w.changes.length} fact(s): ${w.changes.join("; ") || "none"}.` });
    out.push({
      kind: "table",
      head: ["", r.from.id, r.to.id],
      rows: [
        ["decision", decisionOutcome(w.a), decisionOutcome(w.b)],
        ["clause", w.a.clause ?? "—", w.b.clause ?? "—"],
        ["rule", w.a.rule ?? w.a.status, w.b.rule ?? w.b.status],
        ["result", JSON.stringify(w.a.result), JSON.stringify(w.b.result)],
      ],
    });
    out.push({ kind: "pre", text: JSON.stringify(abridge(w.record), null, 2) });
    if (options.explain !== undefined) {
      out.push({ kind: "p", text: `Explanation under ${r.from.id}:` });
      out.push({ kind: "pre", text: options.explain("a", w.record) });
      out.push({ kind: "p", text: `Explanation under ${r.to.id}:` });
      out.push({ kind: "pre", text: options.explain("b", w.record) });
    }
  }

  if (r.population !== undefined) {
    const p = r.population;
    out.push({ kind: "h", level: 2, text: "4. Population impact" });
    out.push({ kind: "p", text: `${p.records} records: ${p.evaluated} evaluated under both versions (${p.changed} changed, ${p.unchanged} unchanged) + ${p.invalid.length} invalid = ${p.evaluated + p.invalid.length}.` });
    out.push({ kind: "table", head: [`${r.from.id}`, `${r.to.id}`, "count", "caused by"], rows: p.transitions.map((t) => [t.from, t.to, String(t.count), t.causes.join(", ") || (t.from === t.to ? "—" : "")]) });
    for (const { name: dim } of p.reportBy) {
      const flips = p.transitions.filter((t) => t.from !== t.to);
      if (flips.length === 0) continue;
      out.push({ kind: "h", level: 3, text: `Changed decisions by ${dim}` });
      const values = [...new Set(flips.flatMap((t) => Object.keys(t.by[dim] ?? {})))].sort();
      out.push({ kind: "table", head: ["transition", ...values], rows: flips.map((t) => [`${t.from} → ${t.to}`, ...values.map((v) => String(t.by[dim]?.[v] ?? 0))]) });
    }
    if (options.ids) {
      out.push({ kind: "h", level: 3, text: "Installations per transition" });
      out.push({ kind: "ul", items: p.transitions.map((t) => `${t.from} → ${t.to}: ${t.ids.join(", ")}`) });
    }
    if (p.invalid.length > 0) {
      out.push({ kind: "h", level: 3, text: "Invalid records (not evaluated)" });
      out.push({ kind: "ul", items: p.invalid.map((i) => `record ${i.record}${i.id === null ? "" : ` (${i.id})`}: ${i.error}`) });
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
  for (const b of blocks) {
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
      case "words":
        out.push(`  ${inlineWordDiff(b.words)}`);
        break;
    }
  }
  return `${out.join("\n").trim()}\n`;
}

function mdCell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function markdown(blocks: readonly Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
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
      case "pre":
        out.push("```", b.text, "```", "");
        break;
      case "words":
        out.push(b.words.map((w) => (w.op === "=" ? w.text : w.op === "-" ? `~~${w.text.trimEnd()}~~${w.text.slice(w.text.trimEnd().length)}` : `**${w.text.trimEnd()}**${w.text.slice(w.text.trimEnd().length)}`)).join(""), "");
        break;
    }
  }
  return `${out.join("\n").trim()}\n`;
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function html(blocks: readonly Block[], title: string): string {
  const body: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case "h":
        body.push(`<h${b.level}>${esc(b.text)}</h${b.level}>`);
        break;
      case "p":
        body.push(`<p>${esc(b.text)}</p>`);
        break;
      case "ul":
        body.push(`<ul>${b.items.map((i) => `<li>${esc(i)}</li>`).join("")}</ul>`);
        break;
      case "table":
        body.push(`<table><thead><tr>${b.head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${b.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`).join("")}</tbody></table>`);
        break;
      case "pre":
        body.push(`<pre>${esc(b.text)}</pre>`);
        break;
      case "words":
        body.push(`<p class="words">${b.words.map((w) => (w.op === "=" ? esc(w.text) : w.op === "-" ? `<del>${esc(w.text)}</del>` : `<ins>${esc(w.text)}</ins>`)).join("")}</p>`);
        break;
    }
  }
  const style = "body{font-family:sans-serif;max-width:60rem;margin:2rem auto;line-height:1.4}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2rem .5rem;vertical-align:top}pre{background:#f4f4f4;padding:.5rem;overflow:auto}del{background:#fdd}ins{background:#dfd}";
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${style}</style></head><body>\n${body.join("\n")}\n</body></html>\n`;
}

export type DiffFormat = "text" | "json" | "markdown" | "html";

export function renderDiff(r: DiffReport, format: DiffFormat, options: { ids: boolean; explain?: (side: "a" | "b", record: unknown) => string }): string {
  if (format === "json") {
    const population = r.population === undefined || options.ids ? r.population : { ...r.population, transitions: r.population.transitions.map(({ ids: _ids, ...t }) => t) };
    return `${JSON.stringify({ ...r, ...(population === undefined ? {} : { population }) }, null, 2)}\n`;
  }
  const blocks = build(r, options);
  if (format === "markdown") return markdown(blocks);
  if (format === "html") return html(blocks, `${r.from.id} → ${r.to.id}`);
  return text(blocks);
}
