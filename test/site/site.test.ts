/**
 * `tmad site` without a browser: the pages' content (anchors, cross-reference links, coverage,
 * amendments, the paraphrase notice), escaping of author text, determinism (two library builds and
 * a CLI build give the same bytes), the output-folder guard, and the explorer's code in Node: its
 * record reading matches the CLI's, and each version's bundled evaluator decides as the generated one.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadVersion } from "../../src/index.js";
import type { VersionModule } from "../../src/runtime/index.js";
import { buildSite, type SiteFile } from "../../src/site/index.js";
import { tmadIn } from "../helpers/cli.js";
import { listFiles } from "../helpers/files.js";
import { explanationHtml } from "../../src/site/explanation.js";
import { evaluateText, rawRecordsOfText, summaryOf } from "../../src/site/explorer/records.js";
import { highlightBlock, symbolsOf } from "../../src/site/highlight.js";
import { linkClauses, proseHtml } from "../../src/site/markdown.js";

const DEMO = ["test/fixtures/versions/demo-1.0", "test/fixtures/versions/demo-1.1"];
const EXAMPLES = readFileSync("examples/installations.ndjson", "utf8");

const temps: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "tmad-site-test-"));
  temps.push(d);
  return d;
}
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

let files: readonly SiteFile[];
const file = (path: string): string => {
  const f = files.find((x) => x.path === path);
  if (f === undefined) throw new Error(`no ${path} in the site`);
  return f.content;
};

beforeAll(async () => {
  const r = await buildSite({ dirs: DEMO });
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  files = r.files!;
});

describe("the site's files", () => {
  it("has a home page, a page per version, a comparison per consecutive pair, the explorer and its scripts", () => {
    expect(files.map((f) => f.path)).toEqual([
      "assets/explorer.js",
      "assets/site.css",
      "assets/versions/demo-1.0.js",
      "assets/versions/demo-1.1.js",
      "compare-demo-1.0--demo-1.1.html",
      "demo-1.0.html",
      "demo-1.1.html",
      "explorer.html",
      "index.html",
    ]);
  });

  it("carries the paraphrase notice on every page, and scripts only on the explorer", () => {
    for (const f of files.filter((x) => x.path.endsWith(".html"))) {
      expect(f.content, f.path).toContain("Clause texts are our own paraphrase, for testing.");
      expect(f.content, f.path).toContain("Content-Security-Policy");
      if (f.path === "explorer.html") expect(f.content).toContain('<script src="assets/explorer.js"></script>');
      else expect(f.content, f.path).not.toContain("<script");
    }
  });

  it("is deterministic: a second build gives the same bytes", async () => {
    const again = await buildSite({ dirs: [...DEMO].reverse() });
    expect(again.files!.map((f) => f.path)).toEqual(files.map((f) => f.path));
    for (const f of again.files!) expect(f.content, f.path).toBe(file(f.path));
  });

  it("minifies the explorer's scripts", () => {
    for (const f of files.filter((x) => x.path.endsWith(".js"))) {
      // No comments, no indentation: what lines there are come from multi-line template strings.
      expect(f.content, f.path).not.toMatch(/\/\*\*|^\s+\/\/|^ {2}/m);
      expect(f.content.length / f.content.split("\n").length, f.path).toBeGreaterThan(400);
    }
  });
});

describe("a version page", () => {
  it("anchors each clause and links rule cross-references to their declarations", () => {
    const p = file("demo-1.1.html");
    for (const n of ["1.1", "2.1", "2.2", "3.1"]) expect(p).toContain(`id="clause-${n}"`);
    // `unless migrate` and `overrides migrate` link to the rule, declared once with its anchor.
    expect(p.match(/<dfn id="rule-migrate"/g)).toHaveLength(1);
    expect(p).toMatch(/<span class="kw">unless<\/span> <a href="#rule-migrate" class="rule">migrate<\/a>/);
    expect(p).toMatch(/<span class="kw">overrides<\/span> <a href="#rule-migrate" class="rule">migrate<\/a>/);
    // `clause 2.2`, a definition, a parameter, a type and an enum member.
    expect(p).toContain('<span class="kw">clause</span> <a href="#clause-2.2" class="clause">2.2</a>');
    expect(p).toContain('<a href="#definition-persistentlyFailed" class="definition">persistentlyFailed</a>');
    expect(p).toContain('<dfn id="definition-persistentlyFailed" class="definition">persistentlyFailed</dfn>');
    expect(p).toContain('<a href="#parameter-attemptsPerCycle" class="parameter">attemptsPerCycle</a>');
    // A definition's parameter is a local name; its type is a link.
    expect(p).toContain('<dfn id="definition-failedAttempts" class="definition">failedAttempts</dfn>(<span class="var">m</span>: <a href="#type-Meter" class="type">Meter</a>)');
    expect(p).toContain('<a href="#type-Outcome" class="member">EXCLUDED</a>');
    // Every fragment linked on the page exists on it.
    const ids = new Set([...p.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]));
    for (const m of p.matchAll(/href="#([^"]+)"/g)) expect(ids.has(m[1]), `#${m[1]}`).toBe(true);
  });

  it("shows examples beside their clause with the expected outcome, and coverage and precedence per rule", () => {
    const p = file("demo-1.0.html");
    const clause21 = p.slice(p.indexOf('id="clause-2.1"'), p.indexOf('id="clause-3.1"'));
    expect(clause21).toContain("six failures over five days exclude");
    expect(clause21).toMatch(/<code>outcome<\/code> = EXCLUDED/);
    expect(clause21).toContain("✓ passes");
    expect(clause21).toContain("fires in 2 examples");
    expect(clause21).toMatch(/Precedence: <a href="#precedence">2nd of 2<\/a>; gives way to <a href="#rule-migrate">migrate<\/a>/);
    const clause11 = p.slice(p.indexOf('id="clause-1.1"'), p.indexOf('id="clause-2.1"'));
    expect(clause11).toMatch(/1st of 2<\/a>; sets aside <a href="#rule-exclude_failed">exclude_failed<\/a>/);
    expect(clause11).toContain("over exclude_failed: exercised");
  });

  it("marks what an amending version replaced, linked to the base's text", () => {
    const p = file("demo-1.1.html");
    expect(p).toContain('Substituted by 1.1</strong>: replaces <a href="demo-1.0.html#clause-2.1">the text of demo-1.0</a>');
    expect(p).toContain("Inserted by 1.1");
    expect(p).toContain('Text of <a href="demo-1.0.html#clause-1.1">demo-1.0</a>, unchanged.');
    expect(p).toContain('<a href="compare-demo-1.0--demo-1.1.html">Compare demo-1.0 with demo-1.1</a>');
  });
});

describe("the comparison page", () => {
  it("shows the amended text as a word diff, the changed rules and each witness as a few facts", () => {
    const p = file("compare-demo-1.0--demo-1.1.html");
    expect(p).toContain("<ins>meter, or a </ins>");
    expect(p).toMatch(/amended<\/span> <a href="demo-1.1.html#clause-2.1">2.1<\/a>/);
    expect(p).toMatch(/added<\/span> rule <a href="demo-1.1.html#rule-exclude_no_mpan">exclude_no_mpan<\/a>/);
    expect(p).toContain("condition widened");
    expect(p).toContain('<summary>Text of the new clause</summary><div class="prose"><p>New: sites without an MPAN are excluded.</p>');
    const witness = p.slice(p.indexOf("Rule <a href=\"demo-1.1.html#rule-exclude_no_mpan\""));
    // The version's own example is the witness: the one fact that sets it apart from the named installation.
    expect(witness).toContain("<li><code>mpan: 1200023305967 → absent</code></li>");
    expect(witness).toMatch(/<dt>1.0<\/dt><dd><strong>MIGRATE<\/strong>/);
    expect(witness).toMatch(/<dt>1.1<\/dt><dd><strong>EXCLUDED<\/strong> under <a href="demo-1.1.html#clause-2.2">clause 2.2<\/a>/);
  });
});

describe("author text is escaped", () => {
  it("in prose: raw HTML and script links are text; clause numbers link, source sections do not", () => {
    const html = proseHtml('See clause 2.1 <script>alert(1)</script> and [x](javascript:alert(1)) and [y](https://example.org "t").', (n) => (n === "2.1" ? "#clause-2.1" : undefined));
    expect(html).toContain('<a href="#clause-2.1">2.1</a>');
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("javascript:");
    expect(html).toContain('<a href="https://example.org" rel="noreferrer">y</a>');
    const href = (n: string): string | undefined => (["4.26", "18.10", "3.4"].includes(n) ? `#${n}` : undefined);
    expect(linkClauses("under 18.10 (seed 3.4, 3.4.1 and 4.26); 4.26 applies; version 20.v2", href)).toBe('under <a href="#18.10">18.10</a> (seed 3.4, 3.4.1 and 4.26); <a href="#4.26">4.26</a> applies; version 20.v2');
  });

  it("in rule blocks: a text literal or comment holding markup stays text", () => {
    const code = 'rule r\n  source "<img src=x onerror=alert(1)>"\n  -- </pre><script>\n  when true\n  then outcome = A';
    const html = highlightBlock(code, symbolsOf([code]), { clause: () => undefined });
    expect(html).not.toMatch(/<img|<script|<\/pre>/);
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  it("in a whole version: a clause title, text and example name with markup", async () => {
    const dir = join(tempDir(), "demo-x");
    cpSync("test/fixtures/versions/demo-1.0", dir, { recursive: true });
    const index = join(dir, "index.md");
    writeFileSync(
      index,
      readFileSync(index, "utf8")
        .replace("## 1.1 Migration", "## 1.1 Migration <b>bold</b>")
        .replace("A site migrates when", "A site <iframe src=x></iframe> migrates when")
        .replace("example: all meters active", 'example: "all meters <em>active</em>"'),
    );
    const r = await buildSite({ dirs: [dir], comparisons: false });
    const p = r.files!.find((f) => f.path === "demo-x.html")!.content;
    expect(p).toContain("Migration &lt;b&gt;bold&lt;/b&gt;");
    expect(p).toContain("&lt;iframe src=x&gt;&lt;/iframe&gt;");
    expect(p).toContain("all meters &lt;em&gt;active&lt;/em&gt;");
    expect(p).not.toMatch(/<b>bold|<iframe|<em>active/);
  });
});

describe("the explorer's code in Node", () => {
  let v2: VersionModule<any, any>;
  beforeAll(async () => {
    v2 = await loadVersion({ version: "20.v2" });
  });

  it("reads records as the CLI does: NDJSON lines numbered, blank lines skipped, or a JSON array", () => {
    expect(rawRecordsOfText('{"a":1}\n\n{"b":2}\r\n').map((r) => [r.record, r.text])).toEqual([
      [1, '{"a":1}'],
      [3, '{"b":2}'],
    ]);
    expect(rawRecordsOfText(' [{"a":1},{"b":2}]').map((r) => r.record)).toEqual([1, 2]);
    expect(rawRecordsOfText("x".repeat(40), { maxRecordBytes: 10, maxDepth: 32 })[0]).toEqual({ record: 1, tooLarge: 40 });
  });

  it("gives each record the CLI's decision or per-field errors, and the CLI's counts", async () => {
    const outcomes = evaluateText(v2, `${EXAMPLES}{"id":"dup","id":"again"}\n{truncated\n`, null);
    const cli = await tmadIn(["eval", "-", "--version", "20.v2", "--workers", "0"], `${EXAMPLES}{"id":"dup","id":"again"}\n{truncated\n`);
    const lines = cli.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(outcomes).toHaveLength(lines.length);
    for (const [i, o] of outcomes.entries()) {
      const want = lines[i];
      if (o.outcome.ok) expect({ record: o.record, ...o.outcome.decision }).toEqual(want);
      else expect({ record: o.record, errors: o.outcome.errors }).toEqual({ record: want.record, errors: want.errors });
    }
    expect(cli.stderr).toContain(summaryOf(outcomes));
  });

  it("renders a decision with each step linked to its clause, and an invalid record with its field errors", () => {
    const outcomes = evaluateText(v2, EXAMPLES, null);
    const partial = outcomes.find((o) => o.outcome.ok && o.outcome.decision.installationId === "INS-4.26A-mds-gsme-configuration-failed")!;
    const html = explanationHtml(v2, partial.outcome, partial.record, "tmad-20.v2.html");
    expect(html).toContain('<strong class="outcome">MIGRATE_PARTIAL</strong> under <a href="tmad-20.v2.html#clause-4.26A">clause 4.26A</a>');
    expect(html).toContain('Why rule <a href="tmad-20.v2.html#rule-migrate_partial_moc_mds">migrate_partial_moc_mds</a> applies');
    expect(html).toContain('definition <a href="tmad-20.v2.html#definition-readyForPartialMigration">readyForPartialMigration</a>');
    // In plain words, from the structured Explanation: the summary, each member's facts.
    expect(html).toMatch(/<p class="summary">Under TMAD 20\.v2, installation INS-4\.26A-mds-gsme-configuration-failed: .*\(MIGRATE_PARTIAL\)/);
    expect(html).toContain("GSME 90-B3-D5-1F-30-1C-00-02: firmware attempts: 1 succeeded");
    const pending = outcomes.find((o) => o.outcome.ok && o.outcome.decision.installationId === "INS-4.26-pending-firmware-retries")!;
    const waiting = explanationHtml(v2, pending.outcome, pending.record, "tmad-20.v2.html");
    expect(waiting).toContain('<section class="pending"><h4>Still being retried</h4>');
    expect(waiting).toContain("needs 68 more: firmware attempts");
    expect(waiting).toMatch(/<p class="time">Review on 2022-05-20: /);
    const bad = outcomes.find((o) => !o.outcome.ok && o.outcome.installationId === "INS-invalid-malformed-device-id")!;
    expect(explanationHtml(v2, bad.outcome, bad.record, "tmad-20.v2.html")).toContain("<code>$.devices[0].id</code>: &quot;90-b3-d5-1f-31-zz-00-01&quot; is not a well-formed DeviceId");
  });

  it("bundles each version's evaluator so that it decides exactly as the generated module", async () => {
    const corpus = await buildSite({ dirs: ["rules/tmad-20.v2"], comparisons: false });
    const script = corpus.files!.find((f) => f.path === "assets/versions/tmad-20.v2.js")!.content;
    const context: { tmadVersions?: Record<string, VersionModule<any, any>> } = {};
    runInNewContext(script, context);
    const bundled = context.tmadVersions!["tmad-20.v2"];
    expect(bundled.manifest.sourceHash).toBe(v2.manifest.sourceHash);
    const a = evaluateText(bundled, EXAMPLES, null).map((o) => JSON.stringify(o));
    const b = evaluateText(v2, EXAMPLES, null).map((o) => JSON.stringify(o));
    expect(a).toEqual(b);
    expect(a.length).toBe(62);
  });
});

describe("tmad site (CLI)", () => {
  it("writes the same bytes as the library, refuses to overwrite without --force, and never touches other files", async () => {
    const out = join(tempDir(), "site");
    const run = (...extra: string[]) => tmadIn(["site", ...DEMO, "--out", out, "--quiet", ...extra]);
    const first = await run();
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/demo-1\.1\.html\s+\d+ bytes/);
    expect(first.stdout).toContain(`open ${out}/index.html`);
    expect(listFiles(out)).toEqual([".tmad-output.json", ...files.map((f) => f.path)].sort());
    for (const f of files) expect(readFileSync(join(out, f.path), "utf8"), f.path).toBe(f.content);

    const again = await run();
    expect(again.status).toBe(2);
    expect(again.stderr).toContain("add --force");
    // Reusing the folder: a run without comparisons removes the comparison page it no longer writes.
    expect((await run("--force", "--no-comparisons")).status).toBe(0);
    expect(listFiles(out)).not.toContain("compare-demo-1.0--demo-1.1.html");
    expect(listFiles(out)).toContain("demo-1.1.html");

    writeFileSync(join(out, "notes.txt"), "mine");
    const foreign = await run("--force");
    expect(foreign.status).toBe(2);
    expect(foreign.stderr).toContain("notes.txt");
    expect(readFileSync(join(out, "notes.txt"), "utf8")).toBe("mine");
  });

  it("reports a version's errors with file:line:col and writes nothing", async () => {
    const out = join(tempDir(), "site");
    const r = await tmadIn(["site", "test/fixtures/check/names", "--out", out, "--quiet"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("test/fixtures/check/names/index.md:61:42 - error TMAD3002");
    expect(r.stderr).toMatch(/tmad site: \d+ errors.*; nothing written/);
    expect(existsSync(out)).toBe(false);
  });
});
