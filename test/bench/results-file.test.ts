/**
 * `npm run bench` rewrites only its own block of bench/RESULTS.md: the sections people wrote there
 * (commands, loads, the 15 M run) survive every run, with or without the markers.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BEGIN, END, withLatestRun, writeResults } from "../../bench/results-file.js";

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
});
