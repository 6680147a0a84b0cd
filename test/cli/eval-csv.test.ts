/**
 * `tmad eval --format csv` writes files that go to Energy Suppliers: values from the input that a
 * spreadsheet would run as formulas are neutralised (src/cli/csv.ts, OWASP's rule), and the file is
 * RFC 4180 (CRLF line ends, quoted fields). Through processBatch, as the CLI and workers use it.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadVersion } from "../../src/index.js";
import { csvHeader, processBatch } from "../../src/cli/batch.js";
import { DEFAULT_LIMITS } from "../../src/cli/records.js";

const base = JSON.parse(readFileSync("examples/installations.ndjson", "utf8").split("\n")[0]) as Record<string, unknown>;

describe("eval --format csv", () => {
  it("neutralises formula-like values in valid and invalid records, and ends lines with CRLF", async () => {
    const version = await loadVersion({ version: "20.v2" });
    const hostile = ["=cmd|' /C calc'!A0", "@SUM(1+1)", '=HYPERLINK("http://x","y")', "+44 20", "-1"];
    const raws = [
      ...hostile.map((id, i) => ({ record: i + 1, text: JSON.stringify({ ...base, id }) })),
      { record: 6, text: JSON.stringify({ ...base, id: "=2+3", cohort: "NOPE" }) },
    ];
    const r = processBatch(version, { kind: "raws", raws }, { asOf: null, trace: false, format: "csv", limits: DEFAULT_LIMITS });
    const lines = r.body.split("\r\n");
    expect(lines.length).toBe(6);
    expect(lines[0].startsWith(`1,"'=cmd|' /C calc'!A0",decided,`)).toBe(true);
    expect(lines[1].startsWith(`2,"'@SUM(1+1)",decided,`)).toBe(true);
    expect(lines[2].startsWith(`3,"'=HYPERLINK(""http://x"",""y"")",decided,`)).toBe(true);
    expect(lines[3].startsWith(`4,"'+44 20",decided,`)).toBe(true);
    expect(lines[4].startsWith(`5,"'-1",decided,`)).toBe(true);
    expect(lines[5].startsWith(`6,"'=2+3",invalid,`)).toBe(true);
    // No field of any line starts a formula: every field is a number, plain text, or a quoted, prefixed text.
    for (const line of lines) for (const field of line.match(/("(?:[^"]|"")*"|[^,]*)(,|$)/g) ?? []) expect(field).not.toMatch(/^[=+\-@\t\r]/);
    expect(csvHeader(version).split(",").slice(0, 3)).toEqual(["record", "installationId", "status"]);
  });
});
