/**
 * `tmad eval` and `tmad explain`: read installation records (NDJSON, or one JSON array), evaluate
 * each with the chosen version, and write one output per input record in input order. A line that
 * is not JSON, or a record that fails validation, yields an error record, never a gap; counts
 * reconcile: records in = decisions + invalid records.
 */
import { availableParallelism } from "node:os";
import { loadVersion } from "../index.js";
import { renderExplanation } from "../explain.js";
import type { VersionSelector } from "../runtime/index.js";
import { csvHeader, evaluateRaw, lineEnd, tableHeader, type OutputFormat } from "./batch.js";
import { DEFAULT_LIMITS, DEFAULT_MAX_RECORD_MS, readRawRecords, type Limits } from "./records.js";
import { Sink } from "./sink.js";
import { evaluateStream } from "./stream.js";
import { UsageError } from "./usage.js";

export function selector(values: Record<string, unknown>): VersionSelector {
  const version = values.version as string | undefined;
  const asOf = values["as-of"] as string | undefined;
  if (version !== undefined && asOf !== undefined) throw new UsageError("give either --version or --as-of, not both");
  if (version !== undefined) return { version };
  if (asOf !== undefined) return { asOf };
  throw new UsageError("say which TMAD version: --version V (e.g. 20.v2) or --as-of DATE");
}

/** The options every evaluating command shares: limits and parallelism. */
export function limitsFrom(values: Record<string, unknown>): Limits {
  const int = (name: string, fallback: number): number => {
    const v = values[name] as string | undefined;
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive whole number`);
    return n;
  };
  return { maxRecordBytes: int("max-record-bytes", DEFAULT_LIMITS.maxRecordBytes), maxDepth: int("max-depth", DEFAULT_LIMITS.maxDepth), maxRecordMs: int("max-record-ms", DEFAULT_MAX_RECORD_MS) };
}

export function workersFrom(values: Record<string, unknown>): number {
  const v = values.workers as string | undefined;
  if (v === undefined) return availableParallelism();
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 64) throw new UsageError("--workers must be a whole number from 0 (evaluate in this thread) to 64");
  return n;
}

export async function runEval(args: readonly string[], values: Record<string, unknown>): Promise<number> {
  const [file, ...extra] = args;
  if (file === undefined || extra.length > 0) throw new UsageError("name one input file, or - for standard input");
  const format = (values.format as string | undefined) ?? "ndjson";
  if (!["ndjson", "json", "table", "csv"].includes(format)) throw new UsageError("--format must be ndjson, json, csv or table");
  const sel = selector(values);
  const asOf = "asOf" in sel ? sel.asOf : null;
  const sink = new Sink(values.out as string | undefined);
  let first = true;
  let versionId = "";
  let summary;
  try {
    summary = await evaluateStream(
      file,
      sel,
      { asOf, trace: values.trace === true, format: format as OutputFormat, limits: limitsFrom(values), workers: workersFrom(values), batchBytes: 1 << 18, progress: process.stderr.isTTY === true && values.quiet !== true },
      async (batch) => {
        if (batch.count === 0) return;
        const body = format === "json" ? `${first ? "" : ",\n"}${batch.body}` : `${batch.body}${lineEnd(format as OutputFormat)}`;
        first = false;
        await sink.write(body);
      },
      async (version) => {
        versionId = version.manifest.id;
        if (format === "json") await sink.write("[\n");
        if (format === "table") await sink.write(`${tableHeader()}\n`);
        if (format === "csv") await sink.write(`${csvHeader(version)}\r\n`);
      },
    );
    if (format === "json") await sink.write(`${first ? "" : "\n"}]\n`);
    await sink.close();
  } catch (e) {
    sink.abort();
    throw e;
  }
  const decisions = summary.total - summary.invalid;
  const byOutcome = Object.entries(summary.counts)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`);
  const id = "version" in sel ? versionId : `${versionId} (in force on ${sel.asOf})`;
  const rate = summary.seconds > 0 ? Math.round(summary.total / summary.seconds) : 0;
  process.stderr.write(`tmad eval: ${id}: ${summary.total} records = ${decisions} decisions + ${summary.invalid} invalid; ${byOutcome.join(", ")} (${summary.seconds.toFixed(1)} s, ${rate} records/s)\n`);
  if (decisions + summary.invalid !== summary.total) throw new Error("internal: counts do not reconcile");
  return summary.invalid > 0 ? 1 : 0;
}

export async function runExplain(args: readonly string[], values: Record<string, unknown>): Promise<number> {
  const [file, ...extra] = args;
  if (file === undefined || extra.length > 0) throw new UsageError("name one input file, or - for standard input");
  const sel = selector(values);
  const version = await loadVersion(sel);
  const asOf = "asOf" in sel ? sel.asOf : null;
  const wanted = values.id as string | undefined;
  let shown = 0;
  let invalid = 0;
  const limits = limitsFrom(values);
  for await (const input of readRawRecords(file, limits)) {
    const o = evaluateRaw(version, input, { asOf, trace: true, limits });
    const id = o.ok ? o.decision.installationId : o.installationId;
    if (wanted !== undefined && id !== wanted) continue;
    if (!o.ok) invalid++;
    process.stdout.write(`${shown > 0 ? "\n" : ""}[record ${input.record}] ${renderExplanation(version, o)}\n`);
    shown++;
  }
  if (shown === 0) {
    process.stderr.write(wanted === undefined ? "tmad explain: no records in the input\n" : `tmad explain: no record with id "${wanted}"\n`);
    return 1;
  }
  return invalid > 0 ? 1 : 0;
}
