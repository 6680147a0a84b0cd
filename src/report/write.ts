/**
 * Writing a supplier report folder from a Tally: for the population, `summary.md`, `summary.csv`,
 * `suppliers.csv` and `invalid.csv`; for each Responsible Supplier, `suppliers/<folder>/` with
 * `summary.md`, `summary.csv`, `installations.csv` and `report.xlsx` (sheets Summary and
 * Installations). CSV is RFC 4180 and formula-safe (src/cli/csv.ts); Markdown cells are escaped;
 * the installation lists are streamed from the spill files, never held whole.
 */
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { csvRow, csvTable } from "../cli/csv.js";
import type { OutputDir } from "../cli/output-dir.js";
import { folderNames } from "./names.js";
import type { ReportLine } from "./row.js";
import type { Spill } from "./spill.js";
import type { PivotRow, Tally } from "./tally.js";
import { writeWorkbook, type Cell } from "./xlsx.js";

export interface ReportContext {
  /** e.g. "TMAD 20.v2 (designated, in force on 2022-07-01)". */
  readonly title: string;
}

/** Markdown table cell: no line breaks, and the characters that would end or format a cell escaped. */
export function mdCell(v: unknown): string {
  const s = v === null || v === undefined ? "" : String(v);
  return s.replace(/[\r\n\u2028\u2029]+/g, " ").replace(/([\\|`*_[\]<>#])/g, "\\$1");
}

function mdTable(head: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const line = (r: readonly unknown[]): string => `| ${r.map(mdCell).join(" | ")} |`;
  return [line(head), `|${head.map(() => " --- |").join("")}`, ...rows.map(line)].join("\n") + "\n";
}

/** The pivot (outcome × category × cohort) as a header and rows, with a totals row. */
function pivotTable(t: Tally, name?: string): { head: string[]; rows: (string | number | null)[][] } {
  const m = t.manifest;
  const columns = t.pivotColumns();
  const { rows, totals, total } = t.pivotRows(name);
  const dimNames = t.rowDims.map((i) => m.reportBy![i].name);
  const head = [m.decisionFields[0] ?? "outcome", "meaning", ...m.clauseFields.flatMap((f) => [f, `${f} title`]), ...dimNames, ...columns.map((c) => c.label), "total"];
  const body = rows.map((r: PivotRow) => [r.outcome, r.outcomeLabel, ...r.categories.flatMap((c, i) => [c, r.categoryTitles[i]]), ...r.dims, ...r.counts, r.total]);
  body.push(["total", null, ...m.clauseFields.flatMap(() => [null, null]), ...dimNames.map(() => null), ...totals, total]);
  return { head, rows: body };
}

/** The header of an installation list, and one ReportLine as its cells. */
function listColumns(t: Tally): { head: string[]; row: (l: ReportLine) => Cell[] } {
  const m = t.manifest;
  const schema = t.version.validator.schema;
  const keyName = `${schema.root.charAt(0).toLowerCase()}${schema.root.slice(1)}${schema.key.charAt(0).toUpperCase()}${schema.key.slice(1)}`;
  const others = m.decisionFields.slice(1).filter((f) => !m.clauseFields.includes(f));
  const title = (n: string | null | undefined): string | null => (n === null || n === undefined ? null : (m.clauses.find((c) => c.number === n)?.title ?? null));
  const head = [keyName, ...(m.reportColumns ?? []).map((c) => c.name), m.decisionFields[0] ?? "outcome", ...m.clauseFields.flatMap((f) => [f, `${f}Title`]), ...others, "clause", "clauseTitle", "rule", "reason"];
  const value = (v: unknown): Cell => (v === null || v === undefined ? null : Array.isArray(v) ? v.join("; ") : typeof v === "object" ? JSON.stringify(v) : (v as Cell));
  return {
    head,
    row: (l) => [
      l.id,
      ...(l.columns ?? []),
      l.outcome ?? null,
      ...(l.categories ?? []).flatMap((c) => [c, title(c)]),
      ...others.map((f) => value(l.fields?.[f])),
      l.clause ?? null,
      title(l.clause),
      l.rule ?? null,
      l.reason ?? null,
    ],
  };
}

async function writeStreamed(path: string, header: string, rows: AsyncIterable<string>): Promise<void> {
  const out = createWriteStream(path);
  const failed = once(out, "error").then(([e]) => {
    throw e;
  });
  const write = async (s: string): Promise<void> => {
    if (!out.write(s)) await Promise.race([once(out, "drain"), failed]);
  };
  await write(header);
  for await (const r of rows) await write(r);
  out.end();
  await Promise.race([once(out, "finish"), failed]);
}

export async function writeReport(out: OutputDir, t: Tally, spill: Spill, ctx: ReportContext): Promise<{ folders: Map<string, string> }> {
  const m = t.manifest;
  const names = t.supplierNames();
  const folders = folderNames(names);
  const list = listColumns(t);
  const omitted = m.reportOmit ?? [];
  const listedWhat = omitted.length === 0 ? "every installation" : `every installation whose outcome is not ${omitted.join(" or ")}`;

  for (const name of names) {
    const s = t.suppliers.get(name)!;
    const dir = `suppliers/${folders.get(name)!}`;
    const pivot = pivotTable(t, name);
    out.write(`${dir}/summary.csv`, csvTable(pivot.head, pivot.rows));
    out.write(
      `${dir}/summary.md`,
      `# ${mdCell(name)}: effect of ${mdCell(ctx.title)}\n\n${s.total} installation${s.total === 1 ? "" : "s"} evaluated; ${s.listed} listed in installations.csv and report.xlsx (${listedWhat}), each with the clause that decided it and the reason.\n\n${mdTable(pivot.head, pivot.rows)}\n${m.paraphrase}\n`,
    );
    const lines = async function* (): AsyncGenerator<ReportLine> {
      for await (const text of spill.lines(`supplier:${name}`)) yield JSON.parse(text) as ReportLine;
    };
    await out.produce(`${dir}/installations.csv`, (tmp) =>
      writeStreamed(
        tmp,
        `${csvRow(list.head)}\r\n`,
        (async function* () {
          for await (const l of lines()) yield `${csvRow(list.row(l))}\r\n`;
        })(),
      ),
    );
    await out.produce(`${dir}/report.xlsx`, (tmp) =>
      writeWorkbook(tmp, [
        { name: "Summary", header: pivot.head, rows: pivot.rows },
        {
          name: "Installations",
          header: list.head,
          rows: (async function* () {
            for await (const l of lines()) yield list.row(l);
          })(),
        },
      ]),
    );
  }

  out.write("summary.csv", summaryCsv(t));
  const index = names.map((n) => [n, `suppliers/${folders.get(n)}`, t.suppliers.get(n)!.total, t.suppliers.get(n)!.listed]);
  out.write("suppliers.csv", csvTable([splitNameOf(t), "folder", "installations", "listed"], index));
  await out.produce("invalid.csv", (tmp) =>
    writeStreamed(
      tmp,
      `${csvRow(["record", "installationId", "problems"])}\r\n`,
      (async function* () {
        for await (const text of spill.lines("invalid")) yield `${csvRow(JSON.parse(text) as unknown[])}\r\n`;
      })(),
    ),
  );
  out.write("summary.md", summaryMarkdown(t, ctx, folders));
  return { folders };
}

function splitNameOf(t: Tally): string {
  return t.split === -1 ? "supplier" : t.manifest.reportBy![t.split].name;
}

/** The population in long form: one row per supplier × outcome × category × cohort with a count. */
function longRows(t: Tally): { head: string[]; rows: (string | number | null)[][] } {
  const m = t.manifest;
  const columns = t.pivotColumns();
  const rows: (string | number | null)[][] = [];
  for (const name of t.supplierNames()) {
    for (const r of t.pivotRows(name).rows) r.counts.forEach((n, i) => n > 0 && rows.push([name, r.outcome, r.outcomeLabel, ...r.categories.flatMap((c, j) => [c, r.categoryTitles[j]]), ...r.dims, columns[i].value, n]));
  }
  const dimNames = t.rowDims.map((i) => m.reportBy![i].name);
  const pivotName = t.pivot === undefined ? "value" : m.reportBy![t.pivot].name;
  return { head: [splitNameOf(t), m.decisionFields[0] ?? "outcome", "meaning", ...m.clauseFields.flatMap((f) => [f, `${f} title`]), ...dimNames, pivotName, "count"], rows };
}

export function summaryCsv(t: Tally): string {
  const { head, rows } = longRows(t);
  return csvTable(head, rows);
}

export function summaryJson(t: Tally, ctx: ReportContext & { readonly versionId: string; readonly asOf: string | null }): string {
  const { head, rows } = longRows(t);
  return `${JSON.stringify({ version: ctx.versionId, asOf: ctx.asOf, records: t.records, decisions: t.decisions, invalid: t.invalid, rows: rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]]))) }, null, 2)}\n`;
}

export function summaryMarkdown(t: Tally, ctx: ReportContext, folders?: ReadonlyMap<string, string>): string {
  const names = t.supplierNames();
  const splitName = splitNameOf(t);
  const all = pivotTable(t);
  const index = names.map((n) => [n, ...(folders === undefined ? [] : [`suppliers/${folders.get(n)}`]), t.suppliers.get(n)!.total, t.suppliers.get(n)!.listed]);
  const supplierTotal = names.reduce((n, x) => n + t.suppliers.get(x)!.total, 0);
  return [
    `# Population report: ${mdCell(ctx.title)}`,
    "",
    `${t.records} records = ${t.decisions} decisions + ${t.invalid} invalid${folders === undefined ? "" : " (listed in invalid.csv)"}. The ${names.length} ${splitName} totals below add up to the ${supplierTotal} decisions.`,
    "",
    "## All together",
    "",
    mdTable(all.head, all.rows),
    `## By ${splitName}`,
    "",
    ...(folders === undefined ? [] : [`Each folder holds the ${splitName}'s summary (summary.md, summary.csv), the installations listed with the reason for each (installations.csv) and both as a workbook (report.xlsx).`, ""]),
    mdTable([splitName, ...(folders === undefined ? [] : ["folder"]), "installations", "listed"], index),
    t.manifest.paraphrase,
    "",
  ].join("\n");
}
