/**
 * The site in a real browser (Debian's chromium driven by playwright-core), opened from the file
 * system as a reader would: the 20.v2 page's clause anchors and rule cross-references, no horizontal
 * overflow at 1280 px and 390 px, and the decision explorer evaluating examples/installations.ndjson
 * in the page with 20.v2, then 20.v1, then by date; and the HTML diff report (at the end). One browser
 * launch for the file; screenshots go to test-artifacts/site/. Where no browser can be had, the
 * reason is printed and the tests skipped.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffVersions } from "../../src/compiler/diff/index.js";
import { renderDiff } from "../../src/compiler/diff/render.js";
import { renderExplanation } from "../../src/explain.js";
import { evaluateRecord } from "../../src/runtime/index.js";
import { loadVersion } from "../../src/index.js";
import { generateInstallations } from "../../src/population/generate.js";
import { buildSite } from "../../src/site/index.js";
import { artifactPath, openBrowser } from "../helpers/browser.js";
import { diffSide } from "../helpers/diff.js";

const require = createRequire(import.meta.url);
const opened = await openBrowser();
if (!opened.ok) console.warn(`\n[site browser tests] SKIPPED: ${opened.reason}\n`);

const EXAMPLES = readFileSync("examples/installations.ndjson", "utf8");
const ID = "INS-4.26A-mds-gsme-configuration-failed";

/** The example records (NDJSON lines) of these installations. */
function recordsOf(ids: readonly string[]): string[] {
  const lines = EXAMPLES.split("\n").filter((l) => ids.some((id) => l.includes(`"id":"${id}"`)));
  if (lines.length !== ids.length) throw new Error(`expected one example record for each of ${ids.join(", ")}, found ${lines.length}`);
  return lines;
}

async function writeSite(dirs: string[], comparisons: boolean): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), "tmad-site-browser-"));
  const r = await buildSite({ dirs, comparisons });
  if (r.files === undefined) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  for (const f of r.files) {
    mkdirSync(dirname(join(out, f.path)), { recursive: true });
    writeFileSync(join(out, f.path), f.content);
  }
  return out;
}

/** Horizontal overflow of the page: how far the document is wider than the window. */
async function overflow(page: Page): Promise<number> {
  // A string, evaluated in the page: the tests are type-checked without the DOM library.
  return page.evaluate<number>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
}

/** Whether the element's top is within the window (it was scrolled to). */
async function inView(page: Page, selector: string): Promise<boolean> {
  const top = await page.locator(selector).first().evaluate((el) => el.getBoundingClientRect().top);
  const height = await page.evaluate<number>("window.innerHeight");
  return top >= -1 && top < height;
}

describe.skipIf(!opened.ok)("the site in chromium", () => {
  const browser = (opened as { browser: Browser }).browser;
  let corpus: string;
  let demo: string;
  let context: BrowserContext;
  let page: Page;
  const requests: string[] = [];
  const errors: string[] = [];
  const url = (dir: string, path: string): string => pathToFileURL(join(dir, path)).href;
  /**
   * Opens a page, unless it is the document already shown (a test before may have left it at another
   * fragment): pages without a script keep no state but the scroll. The explorer is always reloaded.
   */
  const show = async (href: string): Promise<void> => {
    if (href.endsWith("/explorer.html") || page.url().split("#")[0] !== href) await page.goto(href);
  };

  beforeAll(async () => {
    // The corpus without comparison pages (the diff's search is slow and tested elsewhere); the
    // demo fixtures with theirs.
    [corpus, demo] = await Promise.all([writeSite(["rules/tmad-19.0", "rules/tmad-20.v1", "rules/tmad-20.v2"], false), writeSite(["test/fixtures/versions/demo-1.0", "test/fixtures/versions/demo-1.1"], true)]);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on("request", (r) => requests.push(r.url()));
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
  });

  afterAll(async () => {
    await context?.close();
    for (const d of [corpus, demo]) if (d !== undefined) rmSync(d, { recursive: true, force: true });
  });

  it("20.v2: the contents link to #clause-4.26A, and a rule's cross-references lead to the rule and the clause", async () => {
    await page.goto(url(corpus, "tmad-20.v2.html"));
    await page.locator('nav.toc a[href="#clause-4.26A"]').click();
    expect(new URL(page.url()).hash).toBe("#clause-4.26A");
    expect(await inView(page, "#clause-4\\.26A")).toBe(true);
    expect(await page.locator("#clause-4\\.26A h2").textContent()).toBe("4.26A Partial migration for MOC (MDS)");
    expect(await page.locator("#clause-4\\.26A .provenance").textContent()).toContain("Substituted by 20.v2: replaces the text of tmad-20.v1");
    await page.screenshot({ path: artifactPath("site", "version-20.v2-clause-4.26A-1280.png") });

    // In 18.10's rule block, `unless migrate_partial_moc_mds` is a link to the rule in 4.26A.
    await page.locator('#clause-18\\.10 pre a.rule[href="#rule-migrate_partial_moc_mds"]').click();
    expect(new URL(page.url()).hash).toBe("#rule-migrate_partial_moc_mds");
    expect(await inView(page, "#rule-migrate_partial_moc_mds")).toBe(true);
    expect(await page.locator("#clause-4\\.26A #rule-migrate_partial_moc_mds").count()).toBe(1);
    // And from the rule, `clause 18.5` leads to the Excluded Category it records.
    await page.locator('#clause-4\\.26A pre a.clause[href="#clause-18.5"]').click();
    expect(new URL(page.url()).hash).toBe("#clause-18.5");
    expect(await inView(page, "#clause-18\\.5")).toBe(true);
    // A definition used in the rule leads to its declaration.
    await page.locator('#clause-4\\.26A pre a.definition[href="#definition-readyForPartialMigration"]').click();
    expect(await inView(page, "#definition-readyForPartialMigration")).toBe(true);
  });

  it("prints as an annex: no navigation, the examples' details shown, the notice kept", async () => {
    await show(url(corpus, "tmad-20.v2.html"));
    await page.emulateMedia({ media: "print" });
    expect(await page.locator("header.site nav").isVisible()).toBe(false);
    expect(await page.locator(".notice").first().isVisible()).toBe(true);
    expect(await page.locator("#clause-4\\.26A li.example details pre").first().isVisible()).toBe(true);
    await page.pdf({ path: artifactPath("site", "annex-20.v2.pdf"), format: "A4" });
    await page.emulateMedia({ media: "screen" });
    expect(await page.locator("#clause-4\\.26A li.example details pre").first().isVisible()).toBe(false);
  });

  it("has no horizontal overflow at 1280 px and at 390 px", async () => {
    // Each page opened once and measured at both widths: the layout follows the window's width (the
    // stylesheet's media queries; no script on the pages reads it), as on a fresh load at that width.
    const pages = [url(corpus, "tmad-20.v2.html"), url(corpus, "tmad-20.v1.html"), url(corpus, "index.html"), url(corpus, "explorer.html"), url(demo, "compare-demo-1.0--demo-1.1.html")];
    for (const p of pages) {
      await show(p);
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        expect(await overflow(page), `${p} at ${width} px`).toBeLessThanOrEqual(0);
      }
      if (p === pages[0]) {
        await page.goto(`${p}#clause-4.26A`);
        await page.screenshot({ path: artifactPath("site", "version-20.v2-clause-4.26A-390.png") });
      }
      if (p === pages[4]) await page.screenshot({ path: artifactPath("site", "comparison-demo-390.png"), fullPage: true });
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it("explorer: 20.v2 decides the record MIGRATE_PARTIAL under 4.26A and explains why; an invalid record shows its field error", async () => {
    await page.goto(url(corpus, "explorer.html"));
    await page.fill("#records", EXAMPLES);
    await page.selectOption("#version", "tmad-20.v2");
    await page.click("button[type=submit]");
    await page.waitForSelector('#results[data-version="tmad-20.v2"]:not([hidden])');
    expect(await page.locator("#summary").textContent()).toContain("62 records = 57 decisions + 5 invalid");

    const record = page.locator(`article[data-installation="${ID}"]`);
    expect(await record.locator(".verdict").textContent()).toBe("MIGRATE_PARTIAL under clause 4.26A Partial migration for MOC (MDS), by rule migrate_partial_moc_mds");
    expect(await record.locator(".verdict a").first().getAttribute("href")).toBe("tmad-20.v2.html#clause-4.26A");
    const why = record.locator("section.why");
    expect(await why.locator("h4").textContent()).toBe("Why rule migrate_partial_moc_mds applies (clause 4.26A)");
    expect(await why.locator("ul.trace > li > .yes").count()).toBe(1);
    expect(await why.textContent()).toContain("installation.cohort = MOC_MDS");
    expect(await why.locator('a[href="tmad-20.v2.html#clause-4.26A"]').count()).toBeGreaterThan(0);
    // In plain words first: the summary generated from the rules, and each reason with its facts.
    expect(await record.locator("p.summary").textContent()).toMatch(/^Under TMAD 20\.v2, .*\(MIGRATE_PARTIAL\).*Decided by clause 4\.26A/);
    expect(await record.locator("section.because li").count()).toBeGreaterThan(0);
    expect(await record.locator("section.because h4 a").getAttribute("href")).toBe("tmad-20.v2.html#clause-4.26A");
    expect(await record.locator("dl.result div").allTextContents()).toEqual(["outcomeMIGRATE_PARTIAL (migrate after deregistering the named devices)", "excludedCategory18.5", 'deregister["90-B3-D5-1F-30-1C-00-02"]', "notifySuppliertrue"]);

    // The same per-field errors as the CLI: what the runtime's validator says of the record.
    const bad = page.locator('article[data-installation="INS-invalid-malformed-device-id"]');
    const line = EXAMPLES.split("\n").find((l) => l.includes('"INS-invalid-malformed-device-id"'))!;
    const v2 = await loadVersion({ version: "20.v2" });
    const o = evaluateRecord(v2, JSON.parse(line));
    if (o.ok) throw new Error("the invalid example record validated");
    expect(await bad.locator("ul.errors li").allTextContents()).toEqual(o.errors.map((e) => `${e.path}: ${e.message} [${e.code}]`));
    expect(o.errors[0].path).toBe("$.devices[0].id");

    const top = (): Promise<void> => record.evaluate((el) => el.scrollIntoView());
    await top();
    await page.screenshot({ path: artifactPath("site", "explorer-20.v2-1280.png") });
    await page.setViewportSize({ width: 390, height: 900 });
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await top();
    await page.screenshot({ path: artifactPath("site", "explorer-20.v2-390.png") });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("explorer: picking 20.v1 changes the decision (the draft excludes under 18.10); a date picks the version in force", async () => {
    const record = page.locator(`article[data-installation="${ID}"]`);
    await page.selectOption("#version", "tmad-20.v1");
    await page.waitForSelector('#results[data-version="tmad-20.v1"]');
    expect(await record.getAttribute("data-outcome")).toBe("EXCLUDED");
    expect(await record.locator(".verdict").textContent()).toContain("EXCLUDED under clause 18.10");
    expect(await record.locator(".verdict a").first().getAttribute("href")).toBe("tmad-20.v1.html#clause-18.10");

    await page.fill("#as-of", "2022-04-01");
    await page.waitForSelector('#results[data-version="tmad-19.0"]');
    expect(await page.locator("#summary").textContent()).toContain("TMAD 19.0 (in force on 2022-04-01): 62 records");
    expect(await record.getAttribute("data-clause")).not.toBe("4.26A");
    // 20.v2 has decided all the examples above; by date, the record alone (changing the records
    // re-evaluates nothing, the date does).
    await page.fill("#records", recordsOf([ID]).join("\n"));
    await page.fill("#as-of", "2022-07-01");
    await page.waitForSelector('#results[data-version="tmad-20.v2"]');
    expect(await page.locator("#summary").textContent()).toContain("TMAD 20.v2 (in force on 2022-07-01)");
    expect(await record.getAttribute("data-outcome")).toBe("MIGRATE_PARTIAL");

    // A step's link opens the clause on the version's page.
    await record.locator(".verdict a").first().click();
    await page.waitForURL(/tmad-20\.v2\.html#clause-4\.26A$/);
  });

  it("explorer: an opened file (a JSON array) is evaluated like pasted records", async () => {
    await page.goto(url(corpus, "explorer.html"));
    const lines = recordsOf([ID, "INS-invalid-unknown-cohort"]);
    await page.selectOption("#version", "tmad-20.v2");
    await page.setInputFiles("#file", { name: "two.json", mimeType: "application/json", buffer: Buffer.from(`[${lines.join(",\n")}]`) });
    await page.waitForSelector('#results[data-version="tmad-20.v2"]:not([hidden])');
    expect(await page.locator("#summary").textContent()).toContain("2 records = 1 decisions + 1 invalid");
    expect(await page.locator(`article[data-installation="${ID}"]`).getAttribute("data-outcome")).toBe("MIGRATE_PARTIAL");
    expect(await page.locator('article[data-installation="INS-invalid-unknown-cohort"] ul.errors').textContent()).toContain("$.cohort");
  });

  it("passes axe's WCAG 2.1 AA and best-practice checks (a clause, the explorer with results, a comparison, the home page)", async () => {
    // axe is evaluated by the driver, as in DevTools, which the pages' Content-Security-Policy does not
    // govern: the pages are audited as readers get them, in the tests' page, with the policy on.
    // Without `preload: false` axe would fetch the stylesheets (for css-orientation-lock, an
    // experimental rule, not run here), a request the policy blocks and the last test would report.
    const axe = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
    const check = async (target: string, include?: string[]): Promise<string[]> => {
      await page.evaluate(axe);
      const context = include === undefined ? "document" : JSON.stringify({ include: include.map((s) => [s]) });
      const violations = await page.evaluate<{ id: string; nodes: { target: string[] }[] }[]>(
        `axe.run(${context}, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] }, preload: false }).then((r) => r.violations)`,
      );
      return violations.map((v) => `${target}: ${v.id} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    };
    const found: string[] = [];
    await page.goto(url(corpus, "index.html"));
    found.push(...(await check("index.html")));
    // Every clause is written by the same code: one, with the page's header and contents, stands for all.
    await page.goto(url(corpus, "tmad-20.v2.html"));
    found.push(...(await check("tmad-20.v2.html", ["header.page", "nav.toc", "#clause-4\\.26A", "#precedence"])));
    await page.goto(url(demo, "compare-demo-1.0--demo-1.1.html"));
    found.push(...(await check("compare-demo-1.0--demo-1.1.html")));
    // The explorer with the two records whose articles are audited. Each article is written from its
    // own record alone (explanationHtml; no ids, nothing shared between articles), so these are the
    // same elements as among all 62 examples; the other 60 were outside the audit, yet made axe's
    // work (its colour-contrast check above all) grow with the page, from 2 to 10 CPU-seconds.
    await page.goto(url(corpus, "explorer.html"));
    const audited = [ID, "INS-invalid-malformed-device-id"];
    await page.fill("#records", recordsOf(audited).join("\n"));
    await page.click("button[type=submit]");
    await page.waitForSelector("#results:not([hidden])");
    expect(await page.locator("#decisions > article").count()).toBe(audited.length);
    found.push(...(await check("explorer.html", ["header.page", "form", "#summary", ...audited.map((id) => `article[data-installation="${id}"]`)])));
    expect(found).toEqual([]);
  });

  it("loaded nothing but the site's own files and raised no error", () => {
    expect(requests.filter((r) => !r.startsWith("file://"))).toEqual([]);
    expect(errors).toEqual([]);
  });
});

/**
 * The HTML diff report in a real browser (Debian's chromium, headless): at 1280 px wide nothing
 * overflows the page sideways, every section is there, witnesses' whole records are folded away,
 * and the per-supplier table keeps to the largest suppliers with the rest summed. A screenshot is
 * written to test-artifacts/diff-report.png (and -population.png). In this file, to share its
 * browser (a launch and close of chromium is about 2 CPU-seconds).
 */
describe.skipIf(!opened.ok)("the HTML diff report in chromium", { timeout: 120_000 }, () => {
  it("fits a 1280 px page, has every section, folds records away; screenshot in test-artifacts/", async () => {
    const a = diffSide("rules/tmad-19.0");
    const b = diffSide("test/fixtures/versions/tmad-20.v3");
    const population = [...generateInstallations({ count: 10_000, seed: 5 })].map((line, i) => ({ record: i + 1, value: JSON.parse(line) as unknown }));
    const report = diffVersions(a, b, { population });
    const explain = (which: "a" | "b", record: unknown): string => {
      const m = (which === "a" ? a : b).loaded.version;
      return renderExplanation(m, evaluateRecord(m, record, { trace: true }));
    };
    const html = renderDiff(report, "html", { ids: false, explain });
    const result = await (async () => {
      const page = await (opened as { browser: Browser }).browser.newPage();
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.setContent(html, { waitUntil: "load" });
      // Runs in the page (a string, as the tests are type-checked without the DOM library).
      const measured = (await page.evaluate(`({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
        sections: [...document.querySelectorAll("h2")].map((h) => h.textContent),
        details: document.querySelectorAll("details").length,
        openDetails: document.querySelectorAll("details[open]").length,
        supplierRows: [...document.querySelectorAll("h3")].find((h) => h.textContent === "Changed decisions by supplier")?.nextElementSibling?.querySelectorAll("tbody tr").length ?? -1,
        // Everything inside a scrolling container may scroll there; nothing else may be wider than the page.
        overflowing: [...document.querySelectorAll("body *")].filter((e) => e.closest(".scroll, pre") === null && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map((e) => e.tagName),
      })`)) as { scrollWidth: number; clientWidth: number; sections: string[]; details: number; openDetails: number; supplierRows: number; overflowing: string[] };
      // The top of the report (verdict, document changes) and its population section, each a
      // screen high: a full-page capture of a long report takes half a minute in software rendering.
      await page.screenshot({ path: artifactPath("diff-report.png") });
      await page.locator("#section-4").scrollIntoViewIfNeeded();
      await page.screenshot({ path: artifactPath("diff-report-population.png") });
      await page.close();
      return measured;
    })();
    expect(result.scrollWidth).toBeLessThanOrEqual(result.clientWidth);
    expect(result.overflowing).toEqual([]);
    expect(result.sections).toEqual(["1. Document changes", "2. Rule changes", "3. Behavioural changes", "4. Population impact"]);
    expect(result.details).toBeGreaterThan(0);
    expect(result.openDetails).toBe(0);
    // The ten largest suppliers and one row summing the others.
    expect(result.supplierRows).toBe(11);
  });
});

afterAll(async () => {
  if (opened.ok) await opened.browser.close();
});
