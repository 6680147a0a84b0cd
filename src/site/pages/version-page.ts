/**
 * One version's page: its metadata, what it changed in its base, every clause in order (prose, rule
 * blocks highlighted, each rule's place in the precedence order and coverage badges, the examples
 * beside it with their expected outcome), the precedence order whole, the data model and shared
 * definitions, and the named example installations. Plain HTML: readable without JavaScript.
 */
import type { SiteComparison } from "../comparison.js";
import { highlightBlock, symbolsOf, type Symbols } from "../highlight.js";
import { clauseId, comparisonPage, declarationId, esc, link, page, ruleId, versionPage } from "../html.js";
import { proseHtml } from "../markdown.js";
import type { SiteBlock, SiteClause, SiteExample, SiteRule, SiteVersion } from "../versions.js";

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${s}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function badge(ok: boolean, text: string): string {
  return `<span class="badge ${ok ? "ok" : "gap"}">${ok ? "✓" : "✗"} ${esc(text)}</span>`;
}

/** The line range of a block in its file: the fences included. */
function blockLines(b: SiteBlock): { file: string; from: number; to: number } {
  const i = b.at.lastIndexOf(":");
  const from = Number(b.at.slice(i + 1));
  return { file: b.at.slice(0, i), from, to: from + b.code.split("\n").length + 1 };
}

function inBlock(rule: SiteRule, b: SiteBlock): boolean {
  const r = blockLines(b);
  const i = rule.at.lastIndexOf(":");
  const line = Number(rule.at.slice(i + 1));
  return rule.at.slice(0, i) === r.file && line >= r.from && line <= r.to;
}

function value(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

class VersionPage {
  private readonly symbols: Symbols;
  private readonly clauses: Set<string>;
  private readonly rulesById: Map<string, SiteRule>;

  constructor(
    private readonly v: SiteVersion,
    private readonly others: ReadonlySet<string>,
    private readonly comparisons: readonly SiteComparison[],
  ) {
    this.symbols = symbolsOf([...v.sharedBlocks, ...v.clauses.flatMap((c) => c.ruleBlocks)].map((b) => b.code));
    this.clauses = new Set(v.clauses.map((c) => c.number));
    this.rulesById = new Map(v.rules.map((r) => [r.id, r]));
  }

  private clauseHref = (n: string): string | undefined => (this.clauses.has(n) ? `#${clauseId(n)}` : undefined);

  private clauseLink(n: string): string {
    return this.clauses.has(n) ? link("", clauseId(n), n) : esc(n);
  }

  private ruleLink(id: string): string {
    return link("", ruleId(id), id);
  }

  /** A link to another version's page (or its clause), when that version is in the site. */
  private otherVersion(id: string, clause?: string, text = id): string {
    return this.others.has(id) ? link(versionPage(id), clause === undefined ? undefined : clauseId(clause), text) : `${esc(text)} <span class="muted">(not in this site)</span>`;
  }

  private code(b: SiteBlock): string {
    return `<figure class="rule-block"><pre><code>${highlightBlock(b.code, this.symbols, { clause: this.clauseHref })}</code></pre><figcaption>${esc(b.at)}</figcaption></figure>`;
  }

  private ruleFacts(r: SiteRule): string {
    const total = this.v.rules.length;
    const edges = this.v.precedence.filter((p) => p.winner === r.id);
    const parts = [
      `<p><strong>Rule ${this.ruleLink(r.id)}</strong>${r.source === undefined ? "" : `, source ${esc(r.source)}`}${r.clause === "" ? "" : `; implements clause ${this.clauseLink(r.clause)}`}.</p>`,
      `<p>Precedence: <a href="#precedence">${ordinal(r.place)} of ${total}</a>${r.setsAside.length === 0 ? "" : `; sets aside ${r.setsAside.map((x) => this.ruleLink(x)).join(", ")}`}${
        r.givesWayTo.length === 0 ? "" : `; gives way to ${r.givesWayTo.map((x) => this.ruleLink(x)).join(", ")}`
      }.</p>`,
      `<p class="badges">${badge(r.firedIn.length > 0, r.firedIn.length > 0 ? `fires in ${plural(r.firedIn.length, "example")}` : "fires in no example")} ${badge(
        r.missedIn.length > 0,
        r.missedIn.length > 0 ? plural(r.missedIn.length, "near miss", "near misses") : "no near miss",
      )}${edges.map((e) => ` ${badge(e.exercisedBy.length > 0, `over ${e.loser}: ${e.exercisedBy.length > 0 ? "exercised" : "not exercised"}`)}`).join("")}</p>`,
    ];
    return `<div class="rule-facts">${parts.join("")}</div>`;
  }

  private example(e: SiteExample): string {
    const expects = Object.entries(e.expect).map(([k, val]) => `<li><code>${esc(k)}</code> = ${(this.v.clauseFields.includes(k) || k === "clause") && typeof val === "string" ? this.clauseLink(val) : esc(value(val))}</li>`);
    if (e.cites.length > 0) expects.push(`<li>cites ${e.cites.map((c) => this.clauseLink(c)).join(", ")}</li>`);
    if (e.notCites.length > 0) expects.push(`<li>does not cite ${e.notCites.map((c) => this.clauseLink(c)).join(", ")}</li>`);
    const result = e.passed
      ? badge(true, "passes")
      : `${badge(false, "fails")}<ul class="problems">${e.problems.map((p) => `<li>${esc(p)}</li>`).join("")}</ul>`;
    return `<li class="example ${e.passed ? "pass" : "fail"}">
<p class="name">${esc(e.name)}</p>
<p class="expect-label">Expected:</p><ul class="expect">${expects.join("")}</ul>
<p>${result}</p>
<details><summary>Example as written</summary><pre><code>${esc(e.source)}</code></pre><p class="muted">${esc(e.at)}</p></details>
</li>`;
  }

  private provenance(c: SiteClause): string {
    const a = this.v.amendment;
    const parts: string[] = [];
    if (c.change === "substituted" && a !== undefined) {
      parts.push(`<strong class="mark substituted">Substituted by ${esc(this.v.meta.version)}</strong>: replaces ${this.otherVersion(a.base, c.number, `the text of ${a.base}`)}.`);
    } else if (c.change === "inserted") {
      parts.push(`<strong class="mark inserted">Inserted by ${esc(this.v.meta.version)}</strong>.`);
    } else if (c.origin !== this.v.id) {
      parts.push(`Text of ${this.otherVersion(c.origin, c.number)}, unchanged.`);
    }
    parts.push(`<span class="muted">${esc(c.at)}</span>`);
    return `<p class="provenance">${parts.join(" ")}</p>`;
  }

  private clause(c: SiteClause): string {
    const blocks = c.ruleBlocks.map((b) => {
      const rules = this.v.rules.filter((r) => inBlock(r, b));
      return `${this.code(b)}${rules.map((r) => this.ruleFacts(r)).join("")}`;
    });
    const declaredHere = new Set(this.v.rules.filter((r) => c.ruleBlocks.some((b) => inBlock(r, b))).map((r) => r.id));
    const elsewhere = this.v.rules.filter((r) => r.clause === c.number && !declaredHere.has(r.id));
    const elsewhereHtml = elsewhere.length === 0 ? "" : `<p>Also implemented by ${elsewhere.map((r) => this.ruleLink(r.id)).join(", ")}.</p>`;
    const isDefault = this.v.defaultClause === c.number ? `<p>The <strong>default</strong> result (when no rule applies) cites this clause.</p>` : "";
    const passed = c.examples.filter((e) => e.passed).length;
    const exampleBadge = c.examples.length === 0 ? badge(false, "no example") : badge(passed === c.examples.length, `${plural(c.examples.length, "example")}${passed === c.examples.length ? "" : `, ${c.examples.length - passed} failing`}`);
    const examples =
      c.examples.length === 0
        ? `<aside class="examples" aria-label="Examples for clause ${esc(c.number)}"><h3>Examples</h3><p>${exampleBadge}</p></aside>`
        : `<aside class="examples" aria-label="Examples for clause ${esc(c.number)}"><h3>Examples <span class="count">${exampleBadge}</span></h3><ul>${c.examples.map((e) => this.example(e)).join("")}</ul></aside>`;
    return `<section class="clause${c.change === undefined ? "" : ` ${c.change}`}" id="${esc(clauseId(c.number))}" aria-labelledby="${esc(clauseId(c.number))}-h">
<h2 id="${esc(clauseId(c.number))}-h"><a class="num" href="#${esc(clauseId(c.number))}">${esc(c.number)}</a> ${esc(c.title)}</h2>
${this.provenance(c)}
<div class="clause-body">
<div class="clause-main">
<div class="prose">${proseHtml(c.text, this.clauseHref)}</div>
${blocks.join("\n")}${elsewhereHtml}${isDefault}
</div>
${examples}
</div>
</section>`;
  }

  private amendment(): string {
    const a = this.v.amendment;
    if (a === undefined) return "";
    const title = (n: string): string => esc(this.v.clauses.find((c) => c.number === n)?.title ?? "");
    const items = [
      ...a.substituted.map((n) => `<li><strong class="mark substituted">Substituted</strong> ${this.clauseLink(n)} ${title(n)}: replaces ${this.otherVersion(a.base, n, `the text of ${a.base}`)}</li>`),
      ...a.inserted.map((n) => `<li><strong class="mark inserted">Inserted</strong> ${this.clauseLink(n)} ${title(n)}</li>`),
      ...a.repealed.map((n) => `<li><strong class="mark repealed">Repealed</strong> ${esc(n)}: ${this.otherVersion(a.base, n, `its text in ${a.base}`)}</li>`),
      ...a.replacedDeclarations.map((d) => `<li><strong class="mark substituted">Replaced</strong> ${esc(d.kind)} <code>${esc(d.name)}</code> of ${this.otherVersion(d.from)}</li>`),
    ];
    const cmp = this.comparisons.find((c) => c.to === this.v.id && c.from === a.base);
    return `<section id="amendment" aria-labelledby="amendment-h">
<h2 id="amendment-h">What this version changes</h2>
<p>Built on ${this.otherVersion(a.base)}: it substitutes ${plural(a.substituted.length, "clause")}, inserts ${a.inserted.length} and repeals ${a.repealed.length}; every other clause is inherited unchanged.${
      cmp === undefined ? "" : ` ${link(comparisonPage(cmp.from, cmp.to), undefined, `Compare ${a.base} with ${this.v.id}`)}.`
    }</p>
<ul>${items.join("")}</ul>
</section>`;
  }

  private precedence(): string {
    const rows = this.v.rules.map((r) => {
      const edges = this.v.precedence.filter((p) => p.winner === r.id);
      return `<li><a href="#${esc(ruleId(r.id))}">${esc(r.id)}</a> (${this.clauseLink(r.clause)})${
        edges.length === 0 ? "" : `: sets aside ${edges.map((e) => `${this.ruleLink(e.loser)} ${e.exercisedBy.length > 0 ? `<span class="badge ok">✓ exercised</span>` : `<span class="badge gap">✗ not exercised</span>`}`).join(", ")}`
      }</li>`;
    });
    const exercised = this.v.precedence.filter((p) => p.exercisedBy.length > 0).length;
    return `<section id="precedence" aria-labelledby="precedence-h">
<h2 id="precedence-h">Precedence order</h2>
<p>When several rules apply to one installation, the rule that sets another aside (by <code>unless</code> or <code>overrides</code>) wins. Listed so that a rule comes before every rule it sets aside; rules with no relation between them cannot apply together (or the decision is a <em>conflict</em>). ${exercised} of ${this.v.precedence.length} precedence relations are exercised by an example in which both rules apply.</p>
<ol>${rows.join("")}</ol>
${this.v.defaultClause === undefined ? "" : `<p>When no rule applies, the default result applies, citing clause ${this.clauseLink(this.v.defaultClause)}.</p>`}
</section>`;
  }

  private shared(): string {
    if (this.v.sharedBlocks.length === 0) return "";
    return `<section id="shared" aria-labelledby="shared-h">
<h2 id="shared-h">Data model, parameters and shared definitions</h2>
<p>The declarations outside any clause: the installation record the rules read, the decision they give, the retry regime's parameters, and definitions used by several clauses.</p>
${this.v.sharedBlocks.map((b) => this.code(b)).join("\n")}
</section>`;
  }

  private installations(): string {
    if (this.v.installations.length === 0) return "";
    return `<section id="installations" aria-labelledby="installations-h">
<h2 id="installations-h">Named example installations</h2>
<p>The examples beside the clauses start from these records and change a few facts.</p>
<ul class="installations">${this.v.installations
      .map((i) => `<li id="${esc(declarationId("installation", i.name))}"><details><summary>${esc(i.name)}</summary><pre><code>${esc(i.source)}</code></pre><p class="muted">${esc(i.at)}</p></details></li>`)
      .join("")}</ul>
</section>`;
  }

  private header(): string {
    const m = this.v.meta;
    const rows: [string, string][] = [
      ["Status", m.status === "designated" ? "designated" : "draft (not in force)"],
      ["Published", m.published],
      ...(m.effectiveFrom === undefined ? [] : ([["In force from", m.effectiveFrom]] as [string, string][])),
      ...(m.amends === undefined ? [] : ([["Amends", m.amends]] as [string, string][])),
      ["Source", m.source],
      ["Rules", `${this.v.rules.length} rules in ${this.v.clauses.length} clauses`],
      ["Examples", `${this.v.examples.passed} pass, ${this.v.examples.failed} fail`],
      ["Source hash", this.v.sourceHash.slice(0, 16)],
    ];
    const gaps = this.v.coverageGaps.length === 0 ? "" : `<details class="gaps"><summary>${plural(this.v.coverageGaps.length, "coverage gap")}</summary><ul>${this.v.coverageGaps.map((g) => `<li>${esc(g)}</li>`).join("")}</ul></details>`;
    return `<header class="page">
<h1>${esc(m.document)} ${esc(m.version)}${m.title === undefined ? "" : ` <span class="sub">${esc(m.title)}</span>`}</h1>
<dl class="meta">${rows.map(([k, val]) => `<div><dt>${esc(k)}</dt><dd>${esc(val)}</dd></div>`).join("")}</dl>
${gaps}
</header>`;
  }

  private toc(): string {
    const extra = [
      ...(this.v.amendment === undefined ? [] : [["amendment", "What this version changes"]]),
      ["precedence", "Precedence order"],
      ...(this.v.sharedBlocks.length === 0 ? [] : [["shared", "Data model and shared definitions"]]),
      ...(this.v.installations.length === 0 ? [] : [["installations", "Named example installations"]]),
    ];
    return `<nav class="toc" aria-label="Contents of ${esc(this.v.meta.version)}">
<h2>Contents</h2>
<ol class="toc-clauses">${this.v.clauses.map((c) => `<li><a href="#${esc(clauseId(c.number))}"><span class="num">${esc(c.number)}</span> ${esc(c.title)}</a>${c.change === undefined ? "" : ` <span class="mark ${c.change}">${c.change === "inserted" ? "Inserted" : "Substituted"}</span>`}</li>`).join("")}</ol>
<ul class="more">${extra.map(([id, text]) => `<li><a href="#${id}">${esc(text)}</a></li>`).join("")}</ul>
</nav>`;
  }

  render(): string {
    const body = `${this.header()}
${this.amendment()}
${this.toc()}
<div class="clauses">
${this.v.clauses.map((c) => this.clause(c)).join("\n")}
</div>
${this.precedence()}
${this.shared()}
${this.installations()}`;
    return page({
      title: `${this.v.meta.document} ${this.v.meta.version}`,
      current: "version",
      notices: [this.v.meta.paraphrase],
      description: `${this.v.meta.document} ${this.v.meta.version}: clauses, rules and examples`,
      body,
    });
  }
}

/** The page of one version; `others` are the ids of every version in the site (for links). */
export function versionPageHtml(v: SiteVersion, others: ReadonlySet<string>, comparisons: readonly SiteComparison[]): string {
  return new VersionPage(v, others, comparisons).render();
}
