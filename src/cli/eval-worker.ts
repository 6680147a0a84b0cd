/**
 * A worker thread of the evaluation pool (src/cli/pool.ts): loads the chosen version once, then
 * turns each batch it is sent (a chunk of NDJSON lines, or records) into output lines and counts
 * (src/cli/batch.ts), tagged with the batch's sequence number so the main thread can hand batches on
 * in input order. Which record it is on is kept in shared memory, for the pool's watchdog.
 */
import { parentPort, workerData } from "node:worker_threads";
import { loadVersionRef, PROGRESS, processBatch, type BatchOptions, type Poison, type VersionRef } from "./batch.js";
import type { BatchInput } from "./records.js";

export interface WorkerSetup {
  readonly version: VersionRef;
  readonly options: BatchOptions;
  /** PROGRESS.SLOTS 32-bit integers (src/cli/batch.ts). */
  readonly progress: SharedArrayBuffer;
}

export interface WorkerJob {
  readonly seq: number;
  readonly input: BatchInput;
  readonly poison: readonly Poison[];
}

const setup = workerData as WorkerSetup;
const version = await loadVersionRef(setup.version);
const progress = new Int32Array(setup.progress);
parentPort!.on("message", (job: WorkerJob) => {
  const result = processBatch(version, job.input, setup.options, { progress, seq: job.seq, poison: job.poison });
  // The output bytes are handed over, not copied: this thread never reads them again.
  parentPort!.postMessage({ seq: job.seq, ...result }, result.bytes === undefined ? [] : [result.bytes.buffer as ArrayBuffer]);
  Atomics.store(progress, PROGRESS.BUSY, 0);
});
parentPort!.postMessage({ ready: true });
