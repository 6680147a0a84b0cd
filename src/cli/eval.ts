/**
 * `tmad eval`: read installation records (NDJSON, or one JSON array), evaluate
 * each with the chosen version, and write one output per input record in input order. A line that
 * is not JSON, or a record that fails validation, yields an error record, never a gap; counts
 * reconcile: records in = decisions + invalid records.
 */
import { availableParallelism } from "node:os";
import { asOfProblem, type VersionSelector } from "../runtime/index.js";
import { csvHeader, lineEnd, tableHeader, type OutputFormat } from "./batch.js";
import { DEFAULT_LIMITS, DEFAULT_MAX_RECORD_MS, type Limits } from "./records.js";
import { Sink } from "./sink.js";
import { evaluateStream } from "./stream.js";
import { UsageError } from "./usage.js";
import { cliIo } from "./io.js";

/**
 * The version and date to evaluate with: `--version V` (every fact), `--as-of D` (the designated
 * version in force on D, facts known by D) or both (version V, facts known by D).
 */
export function selector(values: Record<string, unknown>): VersionSelector {
  const version = values.version as string | undefined;
  const asOf = values["as-of"] as string | undefined;
  const problem = asOf === undefined ? undefined : asOfProblem(asOf);
  if (problem !== undefined) throw new UsageError(`--as-of: ${problem}`);
  if (version !== undefined) return asOf === undefined ? { version } : { version, asOf };
  if (asOf !== undefined) return { asOf };
  throw new UsageError("say which TMAD version: --version V (e.g. 20.v2) or --as-of DATE, or both");
}

/** The as-of date a selector cuts facts at, or null. */
export function asOfOf(sel: VersionSelector): string | null {
  return sel.asOf ?? null;
}

/** How a run names its version in summaries: the id, with the date and whether it chose the version. */
export function versionLabel(sel: VersionSelector, versionId: string): string {
  if (sel.asOf === undefined || sel.asOf === null) return versionId;
  return "version" in sel ? `${versionId} (facts as of ${sel.asOf})` : `${versionId} (in force on ${sel.asOf})`;
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

/**
 * Input bytes per batch sent to a worker. Each batch costs a read, two messages between threads
 * and a write; at 512 KB (about 400 records) a run took about a tenth less CPU than at 256 KB
 * (300,000 records, 3 interleaved rounds), and no more memory.
 */
const EVAL_BATCH_BYTES = 1 << 19;

export async function runEval(args: readonly string[], values: Record<string, unknown>): Promise<number> {
  const [file, ...extra] = args;
  if (file === undefined || extra.length > 0) throw new UsageError("name one input file, or - for standard input");
  const format = (values.format as string | undefined) ?? "ndjson";
  if (!["ndjson", "json", "table", "csv"].includes(format)) throw new UsageError("--format must be ndjson, json, csv or table");
  if (values.trace === true && values["trace-evaluated"] === true) throw new UsageError("--trace and --trace-evaluated: choose one");
  const trace = values["trace-evaluated"] === true ? "evaluated" : values.trace === true;
  const sel = selector(values);
  const asOf = asOfOf(sel);
  const sink = new Sink(values.out as string | undefined);
  let first = true;
  let versionId = "";
  let summary;
  try {
    summary = await evaluateStream(
      file,
      sel,
      { asOf, trace, format: format as OutputFormat, limits: limitsFrom(values), workers: workersFrom(values), batchBytes: EVAL_BATCH_BYTES, progress: cliIo().stderr.isTTY === true && values.quiet !== true, bytes: true },
      async (batch) => {
        if (batch.count === 0) return;
        // The body comes as bytes (batch.bytes): written as they are, with the separators around them.
        if (format === "json" && !first) await sink.write(",\n");
        await sink.write(batch.bytes ?? batch.body);
        if (format !== "json") await sink.write(lineEnd(format as OutputFormat));
        first = false;
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
  const id = versionLabel(sel, versionId);
  const rate = summary.seconds > 0 ? Math.round(summary.total / summary.seconds) : 0;
  cliIo().stderr.write(`tmad eval: ${id}: ${summary.total} records = ${decisions} decisions + ${summary.invalid} invalid; ${byOutcome.join(", ")} (${summary.seconds.toFixed(1)} s, ${rate} records/s)\n`);
  if (decisions + summary.invalid !== summary.total) throw new Error("internal: counts do not reconcile");
  return summary.invalid > 0 ? 1 : 0;
}
