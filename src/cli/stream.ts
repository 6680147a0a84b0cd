/**
 * Streaming evaluation of a population: raw records are read in batches and evaluated in worker
 * threads (or in this thread with `workers: 0`); results come back in any order and are handed on
 * strictly in input order. Memory stays flat: at most a few batches per worker are in flight, and
 * reading waits when they are.
 */
import { statSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { loadVersion } from "../index.js";
import type { VersionModule, VersionSelector } from "../runtime/index.js";
import { processBatch, type BatchOptions, type BatchResult } from "./batch.js";
import { readBatches, type BatchInput, type RecordSource } from "./records.js";

export interface StreamOptions extends BatchOptions {
  /** Worker threads; 0 evaluates in this thread. */
  readonly workers: number;
  /** Approximate size of an NDJSON chunk sent to a worker. */
  readonly batchBytes: number;
  /** Show a progress line on stderr (only when it is a terminal). */
  readonly progress: boolean;
}

export interface StreamSummary {
  readonly total: number;
  readonly invalid: number;
  readonly counts: Record<string, number>;
  readonly seconds: number;
}

const IN_FLIGHT_PER_WORKER = 4;

class Progress {
  private last = 0;
  private readonly start = performance.now();
  private readonly totalBytes: number | undefined;

  constructor(
    file: RecordSource,
    private readonly enabled: boolean,
  ) {
    this.totalBytes = typeof file !== "string" || file === "-" ? undefined : statSync(file).size;
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
    process.stderr.write(`\r${records.toLocaleString("en-GB")} records, ${Math.round(rate).toLocaleString("en-GB")} records/s${eta}   `);
  }

  done(): void {
    if (this.enabled) process.stderr.write("\n");
  }
}

export async function evaluateStream(
  file: RecordSource,
  selector: VersionSelector,
  options: StreamOptions,
  deliver: (result: BatchResult) => Promise<void>,
  onVersion?: (version: VersionModule<any, any>) => Promise<void>,
): Promise<StreamSummary> {
  const started = performance.now();
  const progress = new Progress(file, options.progress);
  const counts: Record<string, number> = {};
  let total = 0;
  let invalid = 0;
  let bytes = 0;
  const tally = (r: BatchResult): void => {
    total += r.count;
    invalid += r.invalid;
    for (const [k, v] of Object.entries(r.counts)) counts[k] = (counts[k] ?? 0) + v;
    progress.update(total, bytes);
  };
  const batchOptions: BatchOptions = { asOf: options.asOf, trace: options.trace, format: options.format, limits: options.limits };
  const version = await loadVersion(selector);
  await onVersion?.(version);

  async function* batches(): AsyncGenerator<BatchInput> {
    for await (const b of readBatches(file, options.limits, options.batchBytes)) {
      bytes += b.kind === "chunk" ? b.bytes.length : b.raws.reduce((n, r) => n + (r.text?.length ?? r.tooLarge ?? 0) + 1, 0);
      yield b;
    }
  }

  if (options.workers === 0) {
    for await (const input of batches()) {
      const r = processBatch(version, input, batchOptions);
      tally(r);
      await deliver(r);
    }
  } else {
    const workers = await Promise.all(
      Array.from({ length: options.workers }, async () => {
        // A modest heap keeps memory flat: collected early rather than grown, whatever the input size.
        // A worker runs a file: it must not inherit `--input-type` (a library caller run with `node --input-type=module -e`).
        const execArgv = process.execArgv.filter((a) => !a.startsWith("--input-type"));
        const w = new Worker(new URL("./eval-worker.js", import.meta.url), { execArgv, workerData: { selector, options: batchOptions }, resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 96 } });
        await new Promise<void>((resolve, reject) => {
          w.once("message", () => resolve());
          w.once("error", reject);
        });
        return w;
      }),
    );
    const pending = new Map<number, BatchResult>();
    let nextToDeliver = 0;
    let sent = 0;
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    // Resolves at once when the next batch is already back, so no wake-up is ever lost.
    const waitForProgress = (): Promise<void> =>
      pending.has(nextToDeliver) || failure !== undefined
        ? Promise.resolve()
        : new Promise((resolve) => {
            wake = () => {
              wake = undefined;
              resolve();
            };
          });
    for (const w of workers) {
      w.on("message", (m: BatchResult & { seq: number }) => {
        pending.set(m.seq, m);
        wake?.();
      });
      w.on("error", (e) => {
        failure = e;
        wake?.();
      });
    }
    const flush = async (): Promise<void> => {
      for (let r = pending.get(nextToDeliver); r !== undefined; r = pending.get(nextToDeliver)) {
        pending.delete(nextToDeliver);
        nextToDeliver++;
        tally(r);
        await deliver(r);
      }
    };
    try {
      for await (const input of batches()) {
        while (sent - nextToDeliver >= options.workers * IN_FLIGHT_PER_WORKER && failure === undefined) {
          await waitForProgress();
          await flush();
        }
        if (failure !== undefined) throw failure;
        // A chunk's bytes are moved to the worker, not copied.
        const transfer = input.kind === "chunk" && input.bytes.byteOffset === 0 && input.bytes.byteLength === input.bytes.buffer.byteLength ? [input.bytes.buffer as ArrayBuffer] : [];
        workers[sent % workers.length].postMessage({ seq: sent, input }, transfer);
        sent++;
      }
      while (nextToDeliver < sent && failure === undefined) {
        await flush();
        if (nextToDeliver < sent) await waitForProgress();
      }
      if (failure !== undefined) throw failure;
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  }
  progress.update(total, bytes, true);
  progress.done();
  return { total, invalid, counts, seconds: (performance.now() - started) / 1000 };
}
