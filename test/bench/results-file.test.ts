/**
 * `npm run bench` rewrites only its own block of bench/RESULTS.md: the sections people wrote there
 * (commands, loads, the 15 M run) survive every run, with or without the markers.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scenarios } from "../../bench/lsp-scenarios.js";
import { BEGIN, END, withLatestRun, withSection, writeResults } from "../../bench/results-file.js";

const history = "## A lane's runs\n\nWritten by hand: 156.2 s, 247 MB.\n";

describe("bench/RESULTS.md", () => {
  it("starts a file that is not there with the block alone", () => {
    expect(withLatestRun(undefined, "table 1\n")).toBe(`# Benchmark results\n\n${BEGIN}\ntable 1\n${END}\n`);
  });

  it("replaces the block between the markers and keeps every line around it", () => {
    const first = withLatestRun(`# Benchmark results\n\nIntro.\n\n${history}`, "table 1");
    const second = withLatestRun(first, "table 2");
    expect(second).not.toContain("table 1");
    expect(second).toContain(`${BEGIN}\ntable 2\n${END}\n`);
    expect(second).toContain("Intro.");
    expect(second.endsWith(history)).toBe(true);
    // A third run changes nothing but the table: no blank lines pile up between runs.
    expect(withLatestRun(second, "table 1")).toBe(first);
  });

  it("keeps the whole old text when the markers are missing or only one is left", () => {
    const onlyBegin = `# Benchmark results\n\n${BEGIN}\nold table\n\n${history}`;
    for (const old of [`# Benchmark results\n\nRun on …\n\n${history}`, history, onlyBegin]) {
      const updated = withLatestRun(old, "new table");
      expect(updated).toContain(`${BEGIN}\nnew table\n${END}\n`);
      for (const line of old.split("\n").filter((l) => l !== "" && !l.startsWith("# "))) expect(updated).toContain(line);
    }
  });

  it("writes through a temporary file and leaves none behind", () => {
    const dir = mkdtempSync(join(tmpdir(), "tmad-results-"));
    try {
      const path = join(dir, "RESULTS.md");
      writeResults(path, "one\n");
      writeResults(path, "two\n");
      expect(readFileSync(path, "utf8")).toBe("two\n");
      expect(readdirSync(dir)).toEqual(["RESULTS.md"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("replaces one benchmark's section and keeps the sections after it (bench:lsp once dropped them)", () => {
    const lsp = "## Language server (npm run bench:lsp)";
    const file = `# Benchmark results\n\n${history}\n${lsp}\n\nold rows\n\n## Check, diff and build\n\nkept rows\n`;
    const updated = withSection(file, lsp, `${lsp}\n\nnew rows\n`);
    expect(updated).toBe(`# Benchmark results\n\n${history}\n${lsp}\n\nnew rows\n\n## Check, diff and build\n\nkept rows\n`);
    // The last section, and a section not there yet (added at the end).
    expect(withSection(updated, "## Check, diff and build", "## Check, diff and build\n\nnewer\n")).toBe(`# Benchmark results\n\n${history}\n${lsp}\n\nnew rows\n\n## Check, diff and build\n\nnewer\n`);
    expect(withSection(history, lsp, `${lsp}\n\nrows\n`)).toBe(`${history}\n${lsp}\n\nrows\n`);
    // A heading that only starts another heading's text is not that section.
    expect(withSection(`${lsp} (old)\n\nx\n`, lsp, `${lsp}\n\ny\n`)).toBe(`${lsp} (old)\n\nx\n\n${lsp}\n\ny\n`);
  });

  it("finds every place the language server benchmark types into in the corpus as it is", () => {
    const root = fileURLToPath(new URL("../../", import.meta.url));
    for (const s of scenarios) expect(readFileSync(join(root, s.file), "utf8").split("\n").some((l) => l.includes(s.anchor)), `${s.file}: ${s.anchor}`).toBe(true);
  });
});
