/**
 * The site's home page (index.html): the versions with their status and dates, the comparison
 * pages, and the decision explorer; and the explorer's page, whose form works once its script
 * has loaded (the reading pages need none).
 */
import type { SiteComparison } from "../comparison.js";
import { comparisonPage, esc, EXPLORER_PAGE, link, page, versionPage } from "../html.js";
import type { SiteVersion } from "../versions.js";

export function homePageHtml(versions: readonly SiteVersion[], comparisons: readonly SiteComparison[]): string {
  const byId = new Map(versions.map((v) => [v.id, v]));
  const items = versions.map((v) => {
    const m = v.meta;
    const facts = [
      m.status === "designated" ? `designated, in force from ${m.effectiveFrom ?? "?"}` : "draft",
      `published ${m.published}`,
      ...(v.amendment === undefined ? [] : [`built on ${v.amendment.base}`]),
      `${v.clauses.length} clauses, ${v.rules.length} rules, ${v.examples.passed + v.examples.failed} examples`,
    ];
    return `<li><p class="name">${link(versionPage(v.id), undefined, `${m.document} ${m.version}`)}${m.title === undefined ? "" : ` <span class="sub">${esc(m.title)}</span>`}</p><p>${esc(facts.join(" · "))}</p></li>`;
  });
  const cmp = comparisons.map((c) => {
    const a = byId.get(c.from)?.meta.version ?? c.from;
    const b = byId.get(c.to)?.meta.version ?? c.to;
    const changed = c.clauses.length;
    return `<li>${link(comparisonPage(c.from, c.to), undefined, `${a} → ${b}`)}: ${changed} clause${changed === 1 ? "" : "s"} changed, ${c.rules.length} rule${c.rules.length === 1 ? "" : "s"} changed${c.behaviourChanged ? "; some installations are decided differently" : ""}</li>`;
  });
  const body = `<header class="page">
<h1>The TMAD as rules</h1>
<p>The SMETS1 Transition and Migration Approach Document decides, for each first-generation smart meter installation, whether DCC migrates it, migrates part of it, or excludes it. Each version below shows every clause with the rules that implement it and the examples that test them; the comparison pages show what changed between versions; the decision explorer evaluates installation records in your browser.</p>
</header>
<section aria-labelledby="versions-h"><h2 id="versions-h">Versions</h2><ul class="versions">${items.join("")}</ul></section>
${cmp.length === 0 ? "" : `<section aria-labelledby="compare-h"><h2 id="compare-h">What changed between versions</h2><ul>${cmp.join("")}</ul></section>`}
<section aria-labelledby="explore-h"><h2 id="explore-h">Try it</h2><p>${link(EXPLORER_PAGE, undefined, "The decision explorer")}: paste or open installation records (NDJSON or a JSON array), choose a version or a date, and read each decision with its explanation. The rules run in this browser; the records never leave your machine.</p></section>
<section aria-labelledby="read-h"><h2 id="read-h">How to read a version page</h2>
<ul>
<li>Each clause number is a link to itself (for example <code>#clause-4.26A</code>), for citing in a consultation response.</li>
<li>Rule blocks are in the rule language (see the language reference in the repository). Names in them link to where they are declared: rules after <code>unless</code> and <code>overrides</code>, definitions, parameters, types and clauses.</li>
<li>Badges: ✓ a rule fires in some example and misses in a near miss; ✓ a precedence relation is exercised by an example in which both rules apply; ✗ marks a gap in the examples.</li>
<li>For an amending version, substituted and inserted clauses are marked, with a link to the text they replace.</li>
</ul></section>`;
  return page({ title: "Versions", current: "home", notices: versions.map((v) => v.meta.paraphrase), body, description: "The SMETS1 TMAD as rules-as-code: versions, comparisons and a decision explorer" });
}

/** What the explorer's script needs to know of each version. */
export interface ExplorerVersion {
  readonly id: string;
  readonly version: string;
  readonly status: "draft" | "designated";
  readonly published: string;
  readonly effectiveFrom?: string;
  /** The version's page, for links from explanations. */
  readonly page: string;
  /** The evaluator's script, loaded when the version is first used. */
  readonly script: string;
}

/** JSON that is safe inside a `<script type="application/json">` element. */
function jsonData(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");
}

export function explorerPageHtml(versions: readonly SiteVersion[], entries: readonly ExplorerVersion[], script: string): string {
  const designated = entries.filter((e) => e.status === "designated" && e.effectiveFrom !== undefined);
  const latest = [...designated].sort((a, b) => (a.effectiveFrom! < b.effectiveFrom! ? 1 : -1))[0];
  const options = entries
    .map((e) => `<option value="${esc(e.id)}"${e.id === latest?.id ? " selected" : ""}>${esc(e.version)} (${e.status === "designated" ? `in force from ${esc(e.effectiveFrom ?? "?")}` : "draft"})</option>`)
    .join("");
  const body = `<header class="page">
<h1>Decision explorer</h1>
<p>Paste installation records, or open a file of them: one JSON object per line (NDJSON), or one JSON array. Choose a version, or a date to use the version in force on that day. Each record gets its decision, the clause that decided it and why, or the list of what is wrong with it, exactly as <code>tmad explain</code> gives them.</p>
<p><strong>Nothing leaves your machine:</strong> the rules run in this browser, and the page may not contact any server.</p>
</header>
<noscript><p class="notice">The explorer runs the rules in your browser and needs JavaScript. The version pages work without it; on the command line, <code>tmad explain records.ndjson --version 20.v2</code> gives the same explanations.</p></noscript>
<form id="explorer" class="explorer">
<fieldset><legend>Installation records</legend>
<label for="records">Records (NDJSON or a JSON array)</label>
<textarea id="records" name="records" rows="10" spellcheck="false" autocomplete="off" autocapitalize="off"></textarea>
<label for="file">Or open a file</label>
<input type="file" id="file" name="file" accept=".ndjson,.jsonl,.json,application/json,application/x-ndjson,text/plain">
</fieldset>
<fieldset><legend>Version</legend>
<p><input type="radio" name="by" value="version" id="by-version" checked> <label for="by-version" id="by-version-label">This version:</label> <select id="version" name="version" aria-labelledby="by-version-label">${options}</select></p>
<p><input type="radio" name="by" value="date" id="by-date"> <label for="by-date" id="by-date-label">The version in force on:</label> <input type="date" id="as-of" name="asOf" aria-labelledby="by-date-label"></p>
</fieldset>
<p><button type="submit">Evaluate</button></p>
</form>
<p id="status" role="status" aria-live="polite"></p>
<section id="results" aria-labelledby="results-h" hidden>
<h2 id="results-h">Decisions</h2>
<p id="summary"></p>
<div id="decisions"></div>
</section>
<script type="application/json" id="tmad-versions">${jsonData(entries)}</script>`;
  return page({ title: "Decision explorer", current: "explorer", notices: versions.map((v) => v.meta.paraphrase), body, scripts: [script], description: "Evaluate installation records in your browser" });
}
