/**
 * Streaming evaluation of a population: records are read in batches (src/cli/records.ts) and
 * evaluated in worker threads (src/cli/pool.ts), or in this thread with `workers: 0`; the results
 * come back strictly in input order. Memory stays flat: at most a few batches per worker are in
 * flight, and reading waits when they are.
 *
 * `evaluateSource` is the pipeline as a library function: a source (file, `-`, or a stream of
 * bytes) and options in, ordered batch results out. `evaluateStream` adds what the commands share:
 * loading the version first, counts, and a progress line.
 */
import { statSync } from "node:fs";
import type { ResourceLimits } from "node:worker_threads";
import type { VersionModule, VersionSelector } from "../runtime/index.js";
import { loadVersionRef, processBatch, type BatchOptions, type BatchResult, type VersionRef } from "./batch.js";
import { fileBatches, FileChunks } from "./file-chunks.js";
import { evaluateInWorkers } from "./pool.js";
import { readBatches, SharedChunks, type BatchInput, type RecordSource } from "./records.js";
import { cliIo } from "./io.js";

export interface StreamOptions extends BatchOptions {
  /** Worker threads; 0 evaluates in this thread (a record over the time budget is then reported only once it ends). */
  readonly workers: number;
  /** Approximate size of an NDJSON chunk sent to a worker. */
  readonly batchBytes: number;
  /** Show a progress line on stderr (only when it is a terminal). */
  readonly progress: boolean;
  /** Heap limits of each worker (default src/cli/pool.ts DEFAULT_RESOURCE_LIMITS). */
  readonly resourceLimits?: ResourceLimits;
}

export interface StreamSummary {
  readonly total: number;
  readonly invalid: number;
  readonly counts: Record<string, number>;
  readonly seconds: number;
}

class Progress {
  private last = 0;
  private readonly start = performance.now();
  private readonly totalBytes: number | undefined;

  constructor(
    source: RecordSource,
    private readonly enabled: boolean,
  ) {
    this.totalBytes = typeof source === "string" && source !== "-" ? statSync(source).size : undefined;
  }

  update(records: number, bytes: number, force = false): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (!force && now - this.last < 250) return;
    this.last = now;
    const seconds = (now - this.start) / 1000;
    const rate = seconds > 0 ? records / seconds : 0;
    let eta = "";
    if (this.totalBytes !== undefined && bytes > 0 && rate > 0) {
      const left = ((this.totalBytes - bytes) / bytes) * seconds;
      eta = `, ETA ${Math.max(0, Math.round(left))} s`;
      const width = 24;
      const done = Math.min(width, Math.round((bytes / this.totalBytes) * width));
      eta = ` [${"#".repeat(done)}${".".repeat(width - done)}]${eta}`;
    }
    cliIo().stderr.write(`\r${records.toLocaleString("en-GB")} records, ${Math.round(rate).toLocaleString("en-GB")} records/s${eta}   `);
  }

  done(): void {
    if (this.enabled) cliIo().stderr.write("\n");
  }
}

/**
 * Every record of `source` evaluated with the version `ref`, as batch results in input order: one
 * output line per record (a Decision or an error record), and counts that reconcile. `onRead` is
 * told of each batch as it is read (for progress).
 */
export async function* evaluateSource(source: RecordSource, ref: VersionRef, options: StreamOptions, onRead?: (batch: BatchInput) => void): AsyncGenerator<BatchResult> {
  const batchOptions: BatchOptions = { asOf: options.asOf, trace: options.trace, format: options.format, limits: options.limits, ...(options.bytes === true ? { bytes: true } : {}) };
  // Chunks for worker threads are in shared memory, used again once their results are in. A file
  // (not standard input, not a stream) is read straight into it (src/cli/file-chunks.ts); other
  // sources are copied into it.
  const fromFile = options.workers > 0 && typeof source === "string" && source !== "-" ? new FileChunks(options.batchBytes) : undefined;
  const shared = options.workers > 0 && fromFile === undefined ? new SharedChunks() : undefined;
  async function* batches(): AsyncGenerator<BatchInput> {
    const read = fromFile !== undefined ? fileBatches(source as string, options.limits, options.batchBytes, fromFile) : readBatches(source, options.limits, options.batchBytes, false, shared);
    for await (const b of read) {
      onRead?.(b);
      yield b;
    }
  }
  if (options.workers === 0) {
    const version = await loadVersionRef(ref);
    for await (const input of batches()) yield processBatch(version, input, batchOptions);
    return;
  }
  yield* evaluateInWorkers(batches(), { workers: options.workers, version: ref, options: batchOptions, release: (input) => (fromFile ?? shared)?.release(input), ...(options.resourceLimits === undefined ? {} : { resourceLimits: options.resourceLimits }) });
}

export async function evaluateStream(
  source: RecordSource,
  selector: VersionSelector,
  options: StreamOptions,
  deliver: (result: BatchResult) => Promise<void>,
  onVersion?: (version: VersionModule<any, any>) => Promise<void>,
): Promise<StreamSummary> {
  const started = performance.now();
  const progress = new Progress(source, options.progress);
  const counts: Record<string, number> = {};
  let total = 0;
  let invalid = 0;
  let bytes = 0;
  const version = await loadVersionRef({ selector });
  await onVersion?.(version);
  const onRead = (b: BatchInput): void => {
    bytes += b.kind === "chunk" ? b.bytes.length : b.raws.reduce((n, r) => n + (r.text?.length ?? r.tooLarge ?? 0) + 1, 0);
  };
  for await (const r of evaluateSource(source, { selector }, options, onRead)) {
    total += r.count;
    invalid += r.invalid;
    for (const [k, v] of Object.entries(r.counts)) counts[k] = (counts[k] ?? 0) + v;
    progress.update(total, bytes);
    await deliver(r);
  }
  progress.update(total, bytes, true);
  progress.done();
  return { total, invalid, counts, seconds: (performance.now() - started) / 1000 };
}
