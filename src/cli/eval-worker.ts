/**
 * A worker thread of `tmad eval`: loads the chosen version once, then turns each batch it is sent
 * (a chunk of NDJSON lines, or records) into output lines and counts (src/cli/batch.ts), tagged with the batch's
 * sequence number so the main thread can write batches back in input order.
 */
import { parentPort, workerData } from "node:worker_threads";
import { loadVersion } from "../index.js";
import type { VersionSelector } from "../runtime/index.js";
import { processBatch, type BatchOptions } from "./batch.js";
import type { BatchInput } from "./records.js";

interface Setup {
  readonly selector: VersionSelector;
  readonly options: BatchOptions;
}

const setup = workerData as Setup;
const version = await loadVersion(setup.selector);
parentPort!.on("message", (msg: { seq: number; input: BatchInput }) => {
  parentPort!.postMessage({ seq: msg.seq, ...processBatch(version, msg.input, setup.options) });
});
parentPort!.postMessage({ ready: true });
