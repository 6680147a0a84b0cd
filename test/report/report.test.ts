/**
 * Supplier reports through the library (src/report/run.ts, in this thread): the folder a run
 * writes, its totals reconciling with the population, the workbook opened with exceljs, category
 * order and titles, MPxN and deregistered devices, reasons for every listed row (BLOCKED too),
 * CSV formula injection neutralised, and supplier names that never become paths.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OutputDir } from "../../src/cli/output-dir.js";
import { DEFAULT_LIMITS } from "../../src/cli/records.js";
import { generateInstallations } from "../../src/population/generate.js";
import { folderNames, slug } from "../../src/report/names.js";
import { runPopulationReport } from "../../src/report/run.js";
import type { Tally } from "../../src/report/tally.js";
import { listFiles as files } from "../helpers/files.js";

const temps: string[] = [];
const temp = (): string => {
  const d = mkdtempSync(join(tmpdir(), "tmad-report-test-"));
  temps.push(d);
  return d;
};
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** RFC 4180 parsing, enough for the files under test (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += c;
  }
  if (field !== "" || row.length > 0) throw new Error("CSV does not end with CRLF");
  return rows;
}

const SUPPLIERS = ["=cmd|' /C calc'!A0", "../../etc", "A/B Energy", "A B Energy", "CON"];

/** A generated population, some of its suppliers renamed to hostile names, a few records broken. */
function population(count: number): string {
  const lines = [...generateInstallations({ count, seed: 14, invalidRate: 0.02 })].map((line, i) => {
    if (i % 7 !== 0) return line;
    try {
      const r = JSON.parse(line);
      if (r?.responsibleSupplier?.name === undefined) return line;
      r.responsibleSupplier.name = SUPPLIERS[(i / 7) % SUPPLIERS.length];
      if (i % 49 === 0) r.id = `@SUM(1+1)-${i}`;
      return JSON.stringify(r);
    } catch {
      return line;
    }
  });
  const file = join(temp(), "population.ndjson");
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

describe("tmad report, as a library", () => {
  // 800 records (the report is written twice, here and in the test of its bytes): every Excluded
  // Category of 18.9–18.13 at least 3 times, 89 BLOCKED, 160 installations listed, 16 invalid.
  const COUNT = 800;
  let dir: string;
  let tally: Tally;
  let index: string[][];
  let input: string;

  beforeAll(async () => {
    dir = join(temp(), "out");
    input = population(COUNT);
    const out = OutputDir.open(dir, "report", false);
    ({ tally } = await runPopulationReport({ input, selector: { version: "20.v2" }, limits: DEFAULT_LIMITS, workers: 0, out }));
    index = parseCsv(readFileSync(join(dir, "suppliers.csv"), "utf8"));
  }, 120_000);

  it("totals reconcile: records = decisions + invalid, and the suppliers' totals add up to the decisions", () => {
    expect(tally.records).toBe(COUNT);
    expect(tally.invalid).toBeGreaterThan(0);
    const invalidRows = parseCsv(readFileSync(join(dir, "invalid.csv"), "utf8")).slice(1);
    expect(invalidRows).toHaveLength(tally.invalid);
    expect(index[0]).toEqual(["supplier", "folder", "installations", "listed"]);
    expect(index.slice(1).reduce((n, r) => n + Number(r[2]), 0)).toBe(tally.decisions);
    const summary = parseCsv(readFileSync(join(dir, "summary.csv"), "utf8"));
    expect(summary.slice(1).reduce((n, r) => n + Number(r[r.length - 1]), 0)).toBe(tally.decisions);
    expect(readFileSync(join(dir, "summary.md"), "utf8")).toContain(`${COUNT} records = ${tally.decisions} decisions + ${tally.invalid} invalid`);
  });

  it("each supplier's workbook has a Summary and an Installations sheet whose counts match its CSV files", async () => {
    for (const [name, folder, installations, listed] of index.slice(1)) {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(join(dir, folder, "report.xlsx"));
      expect(wb.worksheets.map((w) => w.name)).toEqual(["Summary", "Installations"]);
      const summary = wb.getWorksheet("Summary")!;
      const head = (summary.getRow(1).values as unknown[]).slice(1);
      const last = (summary.getRow(summary.rowCount).values as unknown[]).slice(1);
      expect(last[0], name).toBe("total");
      expect(last[head.indexOf("total")], name).toBe(Number(installations));
      // The rows above the total add up to it.
      let sum = 0;
      for (let r = 2; r < summary.rowCount; r++) sum += summary.getRow(r).getCell(head.indexOf("total") + 1).value as number;
      expect(sum, name).toBe(Number(installations));
      const list = wb.getWorksheet("Installations")!;
      expect(list.rowCount - 1, name).toBe(Number(listed));
      const csv = parseCsv(readFileSync(join(dir, folder, "installations.csv"), "utf8"));
      expect(csv.length - 1, name).toBe(Number(listed));
      expect((list.getRow(1).values as unknown[]).slice(1)).toEqual(csv[0]);
    }
  });

  it("lists id, MPAN, MPRN, cohort, GroupID, outcome, category and title, devices deregistered, clause and a reason", () => {
    const rows = index.slice(1).flatMap(([, folder]) => parseCsv(readFileSync(join(dir, folder, "installations.csv"), "utf8")).slice(1));
    const head = parseCsv(readFileSync(join(dir, index[1][1], "installations.csv"), "utf8"))[0];
    expect(head).toEqual(["installationId", "MPAN", "MPRN", "cohort", "GroupID", "outcome", "excludedCategory", "excludedCategoryTitle", "deregister", "notifySupplier", "clause", "clauseTitle", "rule", "reason"]);
    const col = (n: string): number => head.indexOf(n);
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.every((r) => r[col("outcome")] !== "MIGRATE")).toBe(true);
    expect(rows.every((r) => r[col("reason")].length > 20)).toBe(true);
    expect(rows.filter((r) => r[col("MPAN")] !== "").length).toBeGreaterThan(rows.length / 2);
    const blocked = rows.filter((r) => r[col("outcome")] === "BLOCKED");
    expect(blocked.length).toBeGreaterThan(0);
    expect(blocked.every((r) => r[col("reason")].startsWith("no rule applies (default, clause 1.4") && r[col("reason")].includes("nearest"))).toBe(true);
    const partial = rows.filter((r) => r[col("outcome")] === "MIGRATE_PARTIAL");
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.every((r) => /^[0-9A-F]{2}(-[0-9A-F]{2}){7}/.test(r[col("deregister")]) && r[col("excludedCategoryTitle")] === "Dormant GSMEs deregistered by partial migration (as amended)")).toBe(true);
    const excluded = rows.filter((r) => r[col("outcome")] === "EXCLUDED");
    expect(excluded.every((r) => r[col("excludedCategory")] === r[col("clause")] && r[col("clauseTitle")] !== "")).toBe(true);
  });

  it("orders categories by clause (18.9 before 18.13), with their titles", () => {
    const text = readFileSync(join(dir, "summary.md"), "utf8");
    const at = (c: string): number => text.indexOf(`| EXCLUDED | Excluded Category: not migrated | ${c} |`);
    for (const [a, b] of [["18.9", "18.10"], ["18.10", "18.11"], ["18.12", "18.13"]]) {
      expect(at(a), a).toBeGreaterThan(0);
      expect(at(a), a).toBeLessThan(at(b));
    }
    expect(text).toContain("| 18.9 | IOC: firmware upgrade cannot be attempted |");
  });

  it("neutralises formulas in CSV: a supplier or id starting with = or @ is quoted and prefixed with '", () => {
    const raw = readFileSync(join(dir, "suppliers.csv"), "utf8");
    expect(raw).toContain(`"'=cmd|' /C calc'!A0"`);
    expect(raw).not.toMatch(/(^|,)=cmd/m);
    const lists = index.slice(1).map(([, folder]) => readFileSync(join(dir, folder, "installations.csv"), "utf8")).join("");
    expect(lists).toMatch(/^"'@SUM\(1\+1\)-\d+",/m);
    expect(lists).not.toMatch(/^@SUM/m);
  });

  it("never makes a path of a supplier's name; names that slug alike get distinct folders", () => {
    const written = files(dir);
    for (const f of written) expect(resolve(dir, f).startsWith(resolve(dir))).toBe(true);
    const folders = index.slice(1).map((r) => r[1]);
    expect(new Set(folders).size).toBe(folders.length);
    expect(folders.every((f) => /^suppliers\/[a-z0-9-]+$/.test(f))).toBe(true);
    const byName = new Map(index.slice(1).map((r) => [r[0], r[1]]));
    expect(byName.get("A B Energy")).toBe("suppliers/a-b-energy");
    expect(byName.get("A/B Energy")).toBe("suppliers/a-b-energy-2");
    expect(byName.get("../../etc")).toBe("suppliers/etc");
    expect(byName.get("CON")).toBe("suppliers/con-supplier");
    expect(existsSync(join(dir, "..", "etc"))).toBe(false);
    expect(written.filter((f) => f.startsWith(".tmad-tmp-"))).toEqual([]);
  });

  it("writes the same bytes for the same input (the workbooks included)", async () => {
    const again = join(temp(), "again");
    await runPopulationReport({ input, selector: { version: "20.v2" }, limits: DEFAULT_LIMITS, workers: 0, out: OutputDir.open(again, "report", false) });
    const a = files(dir);
    expect(files(again)).toEqual(a);
    for (const f of a.filter((x) => x !== ".tmad-output.json")) expect(readFileSync(join(again, f)).equals(readFileSync(join(dir, f))), f).toBe(true);
  });
});

describe("supplier folder names", () => {
  it("slugs are short, lower-case, letters, digits and hyphens", () => {
    expect(slug("Northfield Energy Ltd")).toBe("northfield-energy-ltd");
    expect(slug("Électricité Énergie")).toBe("electricite-energie");
    expect(slug("")).toBe("unnamed");
    expect(slug("///")).toBe("unnamed");
    expect(slug("x".repeat(500))).toHaveLength(60);
    expect(slug("nul")).toBe("nul-supplier");
  });

  it("distinct names always get distinct folders, in a stable order", () => {
    const names = ["a", "A", "a!", "a-2", "a 2"];
    const m = folderNames(names);
    expect(new Set(m.values()).size).toBe(names.length);
    expect([...m.values()]).toEqual(["a", "a-2", "a-3", "a-2-2", "a-2-3"]);
  });
});
