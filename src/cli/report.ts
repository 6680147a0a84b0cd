/**
 * `tmad report`: what DCC sends each Energy Supplier (seed 2.3, 3.2.1). Evaluates a population
 * with one version on the parallel pipeline and counts, per Responsible Supplier, the decisions by
 * outcome × Excluded Category × cohort (categories in clause order, with their titles). With
 * `--out DIR` it writes, per supplier, that summary and the list of its affected installations
 * (MPAN, MPRN, cohort, GroupID, outcome, deciding clause and title, devices deregistered, a reason in
 * plain English) as CSV, Markdown and an Excel workbook (src/report/). DIR is taken through the
 * shared guard (src/cli/output-dir.ts): it must be new, empty, or an earlier report's with --force;
 * nothing tmad did not write is ever removed. Totals reconcile: records = decisions + invalid, and
 * the suppliers' totals add up to the decisions.
 */
import { runPopulationReport } from "../report/run.js";
import { summaryCsv, summaryJson, summaryMarkdown } from "../report/write.js";
import { limitsFrom, selector, workersFrom } from "./eval.js";
import { OutputDir } from "./output-dir.js";
import { UsageError } from "./usage.js";
import { cliIo } from "./io.js";

export async function runReport(args: readonly string[], values: Record<string, unknown>): Promise<number> {
  const [file, ...extra] = args;
  if (file === undefined || extra.length > 0) throw new UsageError("name one population file (NDJSON), or - for standard input");
  const format = (values.format as string | undefined) ?? "markdown";
  if (!["csv", "markdown", "json"].includes(format)) throw new UsageError("--format must be csv, markdown or json");
  const sel = selector(values);
  const limits = limitsFrom(values);
  const workers = workersFrom(values);
  const outDir = values.out as string | undefined;
  // Opened before any work: a folder that may not be used is refused at once, with nothing written.
  const out = outDir === undefined ? undefined : OutputDir.open(outDir, "report", values.force === true);
  const { tally: t, title } = await runPopulationReport({
    input: file,
    selector: sel,
    limits,
    workers,
    ...(values.split === undefined ? {} : { split: values.split as string }),
    ...(out === undefined ? {} : { out }),
    progress: cliIo().stderr.isTTY === true && values.quiet !== true,
  });
  const m = t.manifest;
  if (out === undefined) {
    const asOf = sel.asOf ?? null;
    cliIo().stdout.write(format === "json" ? summaryJson(t, { title, versionId: m.id, asOf }) : format === "csv" ? summaryCsv(t) : summaryMarkdown(t, { title }));
  } else {
    cliIo().stdout.write(`tmad report: wrote ${outDir}: summary.md, summary.csv, suppliers.csv, invalid.csv and a folder for each of ${t.suppliers.size} supplier(s)\n`);
  }
  cliIo().stderr.write(`tmad report: ${m.id}: ${t.records} records = ${t.decisions} decisions + ${t.invalid} invalid\n`);
  return t.invalid > 0 ? 1 : 0;
}
