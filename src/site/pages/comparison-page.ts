/**
 * A comparison page for two consecutive versions, from the diff report: amended clause text as a
 * word diff, added and repealed clauses, parameter and declaration changes, the changed rules (their
 * conditions as written, before and after), drift between text and rules, and for each changed rule
 * a witness installation as the few facts that differ from a named example installation, with the
 * decision under each version.
 */
import type { BehaviourView, ClauseChangeView, DecisionView, RuleChangeView, SiteComparison, WordRun } from "../comparison.js";
import { clauseId, esc, link, page, ruleId, versionPage } from "../html.js";
import { proseHtml } from "../markdown.js";
import type { SiteVersion } from "../versions.js";

/**
 * A word diff as one paragraph: blank lines become breaks, as do line ends before a list item; the
 * other line ends of the Markdown source are plain spaces.
 */
function words(runs: readonly WordRun[]): string {
  const ITEM = /^\s*(?:[-*+]|\d+\.)\s/;
  const text = (t: string, next: string | undefined): string =>
    esc(t)
      .replace(/\n{2,}/g, "<br><br>")
      .replace(/\n(?=\s*(?:[-*+]|\d+\.)\s)/g, "<br>")
      .replace(/\n$/, next !== undefined && ITEM.test(next) ? "<br>" : " ")
      .replace(/\n/g, " ");
  return runs
    .map((w, i) => {
      const t = text(w.text, runs[i + 1]?.text);
      return w.op === "=" ? t : w.op === "-" ? `<del>${t}</del>` : `<ins>${t}</ins>`;
    })
    .join("");
}

class ComparisonPage {
  private readonly fromClauses: Set<string>;
  private readonly toClauses: Set<string>;

  constructor(
    private readonly c: SiteComparison,
    private readonly from: SiteVersion,
    private readonly to: SiteVersion,
  ) {
    this.fromClauses = new Set(from.clauses.map((x) => x.number));
    this.toClauses = new Set(to.clauses.map((x) => x.number));
  }

  /** A clause number linked into the newer version's page, or the older one's when it is gone. */
  private clause(n: string | null, side: "from" | "to" = "to"): string {
    if (n === null || n === "") return "no clause";
    const inTo = this.toClauses.has(n);
    const inFrom = this.fromClauses.has(n);
    if (side === "to" && inTo) return link(versionPage(this.to.id), clauseId(n), n);
    if (inFrom) return link(versionPage(this.from.id), clauseId(n), n);
    if (inTo) return link(versionPage(this.to.id), clauseId(n), n);
    return esc(n);
  }

  private rule(id: string, removed: boolean): string {
    return link(versionPage(removed ? this.from.id : this.to.id), ruleId(id), id);
  }

  private clauseChange(x: ClauseChangeView): string {
    const side = x.kind === "repealed" ? "from" : "to";
    const head = `<h3><span class="mark ${esc(x.kind)}">${esc(x.kind)}</span> ${this.clause(x.number, side)} ${esc(x.title)}</h3>`;
    const renumbered = x.from === undefined ? "" : `<p>Was clause ${this.clause(x.from, "from")}.</p>`;
    const retitled = x.oldTitle === undefined ? "" : `<p>Title was: ${esc(x.oldTitle)}</p>`;
    let body = x.words === undefined ? "" : `<p class="word-diff">${words(x.words)}</p><p class="muted">Removed words are struck through, inserted words underlined.</p>`;
    // An added or repealed clause: its whole text, from the version that has it.
    const whole = x.kind === "added" ? this.to : x.kind === "repealed" ? this.from : undefined;
    const text = whole?.clauses.find((c) => c.number === x.number)?.text;
    if (text !== undefined) {
      const inWhole = new Set(whole!.clauses.map((c) => c.number));
      body += `<details class="clause-text"><summary>${x.kind === "added" ? "Text of the new clause" : "Text of the repealed clause"}</summary><div class="prose">${proseHtml(text, (n) => (inWhole.has(n) ? `${versionPage(whole!.id)}#${clauseId(n)}` : undefined))}</div></details>`;
    }
    return `<section class="change">${head}${renumbered}${retitled}${body}</section>`;
  }

  private values(title: string, id: string, rows: SiteComparison["parameters"]): string {
    if (rows.length === 0) return "";
    return `<section id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${esc(title)}</h2><ul class="values">${rows
      .map((r) => `<li><code>${esc(r.name)}</code> <span class="mark ${esc(r.kind)}">${esc(r.kind)}</span>: ${r.old === undefined ? "" : `<code class="old">${esc(r.old)}</code>`}${r.old !== undefined && r.new !== undefined ? " → " : ""}${r.new === undefined ? "" : `<code class="new">${esc(r.new)}</code>`}</li>`)
      .join("")}</ul></section>`;
  }

  private ruleChange(r: RuleChangeView): string {
    const removed = r.kind === "removed";
    const notes =
      r.kind !== "changed"
        ? []
        : [r.condition !== undefined && r.condition !== "same" ? `condition ${esc(r.condition)}` : "", r.resultChanged ? "result changed" : "", r.precedenceChanged ? "precedence changed" : ""].filter((x) => x !== "");
    const pair = (label: string, before: string | undefined, after: string | undefined): string => {
      if (before === undefined && after === undefined) return "";
      if (before === after) return "";
      return `<div class="pair"><p class="label">${esc(label)}</p>${before === undefined ? "" : `<p class="side">${esc(this.from.meta.version)}:</p><pre class="old"><code>${esc(before)}</code></pre>`}${
        after === undefined ? "" : `<p class="side">${esc(this.to.meta.version)}:</p><pre class="new"><code>${esc(after)}</code></pre>`
      }</div>`;
    };
    const defs = r.changedDefinitions.map((d) => pair(`definition ${d.name}`, d.old, d.new)).join("");
    return `<section class="change" id="change-${esc(r.rule)}"><h3><span class="mark ${esc(r.kind)}">${esc(r.kind)}</span> rule ${this.rule(r.rule, removed)} (clause ${this.clause(r.clause, removed ? "from" : "to")})</h3>
${notes.length === 0 ? "" : `<p>${notes.join("; ")}.</p>`}
${pair("when", r.oldWhen, r.newWhen)}${pair("then", r.oldResult, r.newResult)}${pair("precedence", r.oldPrecedence?.join(", "), r.newPrecedence?.join(", "))}${defs}
</section>`;
  }

  private decision(d: DecisionView, v: SiteVersion): string {
    return `<strong>${esc(d.outcome)}</strong> under ${d.clause === null ? "no clause" : link(versionPage(v.id), clauseId(d.clause), `clause ${d.clause}`)}${d.rule === null ? "" : ` (rule ${link(versionPage(v.id), ruleId(d.rule), d.rule)})`}`;
  }

  /** The decision fields whose values differ, `old → new`. */
  private fieldChanges(a: DecisionView, b: DecisionView): string {
    const show = (v: unknown): string => (v === undefined ? "absent" : JSON.stringify(v));
    const keys = [...new Set([...Object.keys(a.result), ...Object.keys(b.result)])].filter((k) => show(a.result[k]) !== show(b.result[k]));
    if (keys.length === 0) return "";
    return `<p class="label">Decision fields that differ:</p><ul class="witness-facts">${keys.map((k) => `<li><code>${esc(k)}</code>: <code class="old">${esc(show(a.result[k]))}</code> → <code class="new">${esc(show(b.result[k]))}</code></li>`).join("")}</ul>`;
  }

  private behaviour(b: BehaviourView): string {
    const title = b.rule === "" ? "" : `<h3>Rule ${this.rule(b.rule, !this.to.rules.some((r) => r.id === b.rule))} (clause ${this.clause(b.clause)})</h3>`;
    if (b.witness === undefined) return `<section class="change">${title}<p>${esc(b.statement ?? "")}</p></section>`;
    const w = b.witness;
    return `<section class="change witness">${title}
<p>An installation decided differently: start from the example installation <code>${esc(w.baseline)}</code> and change</p>
<ul class="witness-facts">${w.facts.length === 0 ? "<li>nothing (the example itself)</li>" : w.facts.map((f) => `<li><code>${esc(f)}</code></li>`).join("")}</ul>
<dl class="decisions"><div><dt>${esc(this.from.meta.version)}</dt><dd>${this.decision(w.from, this.from)}</dd></div><div><dt>${esc(this.to.meta.version)}</dt><dd>${this.decision(w.to, this.to)}</dd></div></dl>
${this.fieldChanges(w.from, w.to)}
</section>`;
  }

  render(): string {
    const c = this.c;
    const a = this.from.meta;
    const b = this.to.meta;
    const witnesses = c.behaviour.filter((x) => x.witness !== undefined).length;
    const verdict = c.behaviourChanged
      ? `<p class="verdict changed"><strong>Behaviour changed.</strong> ${witnesses} changed rule${witnesses === 1 ? " has" : "s have"} a witness: an installation the two versions decide differently.</p>`
      : `<p class="verdict same"><strong>No installation found that is decided differently.</strong> See below for what was established.</p>`;
    const drift =
      c.drift.length === 0
        ? ""
        : `<section id="drift" aria-labelledby="drift-h"><h2 id="drift-h">Text and rules out of step</h2><ul>${c.drift
            .map((d) => `<li>Clause ${this.clause(d.clause)}: ${d.kind === "text-changed-rules-unchanged" ? "the text changed but its rules did not" : "its rules changed but the text did not"}${d.rules.length === 0 ? "" : ` (${d.rules.map((r) => esc(r)).join(", ")})`}</li>`)
            .join("")}</ul></section>`;
    const body = `<header class="page">
<h1>${esc(a.document)} ${esc(a.version)} → ${esc(b.version)}</h1>
<p>What changed from ${link(versionPage(this.from.id), undefined, `${a.document} ${a.version}`)} (${esc(a.status)}, published ${esc(a.published)}) to ${link(versionPage(this.to.id), undefined, `${b.document} ${b.version}`)} (${esc(b.status)}, published ${esc(b.published)}), from <code>tmad diff ${esc(c.from)} ${esc(c.to)}</code>.</p>
${verdict}
<nav aria-label="Sections"><ul class="more"><li><a href="#text">Clause text</a></li><li><a href="#rules">Rules</a></li><li><a href="#witnesses">Installations decided differently</a></li></ul></nav>
</header>
<section id="text" aria-labelledby="text-h"><h2 id="text-h">Clause text</h2>
<p>${c.clauses.length} clause${c.clauses.length === 1 ? "" : "s"} changed, ${c.unchangedClauses} unchanged.</p>
${c.clauses.map((x) => this.clauseChange(x)).join("\n")}
</section>
${this.values("Parameters", "parameters", c.parameters)}
${this.values("Data model", "declarations", c.declarations)}
<section id="rules" aria-labelledby="rules-h"><h2 id="rules-h">Rules</h2>
${c.rules.length === 0 ? "<p>No rule, definition or parameter differs.</p>" : c.rules.map((r) => this.ruleChange(r)).join("\n")}
</section>
${drift}
<section id="witnesses" aria-labelledby="witnesses-h"><h2 id="witnesses-h">Installations decided differently</h2>
${c.behaviour.map((x) => this.behaviour(x)).join("\n")}
</section>`;
    return page({ title: `${a.version} → ${b.version}`, current: "comparison", notices: [a.paraphrase, b.paraphrase], body, description: `What changed from ${a.version} to ${b.version}` });
  }
}

export function comparisonPageHtml(c: SiteComparison, from: SiteVersion, to: SiteVersion): string {
  return new ComparisonPage(c, from, to).render();
}
