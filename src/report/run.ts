/**
 * A population report end to end, without the command line: evaluate on the parallel pipeline
 * (src/cli/stream.ts) in the `report` line format, count (Tally), and with an output folder, write
 * every file (write.ts) and commit the folder. Takes the input, the version and options; gives the
 * Tally, whose totals have been checked to reconcile.
 */
import type { OutputDir } from "../cli/output-dir.js";
import type { Limits, RecordSource } from "../cli/records.js";
import { evaluateStream } from "../cli/stream.js";
import { UsageError } from "../cli/usage.js";
import type { VersionSelector } from "../runtime/index.js";
import type { ReportLine } from "./row.js";
import { Spill } from "./spill.js";
import { Tally } from "./tally.js";
import { writeReport } from "./write.js";

export interface ReportRun {
  readonly input: RecordSource;
  readonly selector: VersionSelector;
  readonly limits: Limits;
  /** Worker threads; 0 evaluates in this thread. */
  readonly workers: number;
  /** The reporting dimension that gets a folder each (default `supplier`). */
  readonly split?: string;
  readonly out?: OutputDir;
  readonly progress?: boolean;
}

export async function runPopulationReport(run: ReportRun): Promise<{ tally: Tally; title: string }> {
  const asOf = run.selector.asOf ?? null;
  const out = run.out;
  const spill = out === undefined ? undefined : new Spill(() => out.scratch());
  const splitName = run.split ?? "supplier";
  let tally: Tally | undefined;
  try {
    const summary = await evaluateStream(
      run.input,
      run.selector,
      { asOf, trace: false, format: "report", limits: run.limits, workers: run.workers, batchBytes: 1 << 18, progress: run.progress === true },
      async (batch) => {
        if (batch.count === 0) return;
        for (const text of batch.body.split("\n")) tally!.add(JSON.parse(text) as ReportLine);
      },
      async (v) => {
        const names = (v.manifest.reportBy ?? []).map((d) => d.name);
        if (!names.includes(splitName)) throw new UsageError(`--split ${splitName}: this version reports by ${names.join(", ") || "nothing"} (its front matter's reportBy)`);
        tally = new Tally(v, splitName, spill);
      },
    );
    const t = tally!;
    const supplierTotal = [...t.suppliers.values()].reduce((n, s) => n + s.total, 0);
    if (t.records !== summary.total || t.invalid !== summary.invalid || t.decisions + t.invalid !== t.records || supplierTotal !== t.decisions) {
      throw new Error(`internal: report totals do not reconcile (${summary.total} read, ${t.records} counted, ${t.decisions} + ${t.invalid}, suppliers ${supplierTotal})`);
    }
    const m = t.manifest;
    const title = `${m.document} ${m.version} (${m.status}${asOf === null ? "" : "version" in run.selector ? `, facts as of ${asOf}` : `, in force on ${asOf}`})`;
    if (out !== undefined) {
      await writeReport(out, t, spill!, { title });
      out.commit();
    }
    return { tally: t, title };
  } catch (e) {
    out?.discard();
    throw e;
  }
}
