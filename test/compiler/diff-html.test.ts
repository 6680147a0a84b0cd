/**
 * The HTML diff report in a real browser (Debian's chromium, headless): at 1280 px wide nothing
 * overflows the page sideways, every section is there, witnesses' whole records are folded away,
 * and the per-supplier table keeps to the largest suppliers with the rest summed. A screenshot is
 * written to test-artifacts/diff-report.png (and -population.png). Without a browser the test is
 * skipped, and says why.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffVersions } from "../../src/compiler/diff/index.js";
import { renderDiff } from "../../src/compiler/diff/render.js";
import { evaluateRecord } from "../../src/runtime/index.js";
import { renderExplanation } from "../../src/explain.js";
import { generateInstallations } from "../../src/population/generate.js";
import { artifactPath, openBrowser, type BrowserOrReason } from "../helpers/browser.js";
import { diffSide } from "../helpers/diff.js";

let opened: BrowserOrReason;
beforeAll(async () => {
  opened = await openBrowser();
  if (!opened.ok) console.warn(`SKIPPED the HTML diff report browser test: ${opened.reason}`);
}, 90_000);
afterAll(async () => {
  if (opened?.ok) await opened.browser.close();
});

describe("the HTML diff report in a browser", { timeout: 120_000 }, () => {
  it("fits a 1280 px page, has every section, folds records away; screenshot in test-artifacts/", async (ctx) => {
    if (!opened.ok) return ctx.skip();
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
      const page = await opened.browser!.newPage();
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
