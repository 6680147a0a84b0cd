/**
 * A worker thread of `tmad eval`: loads the chosen version once, then turns each batch of raw
 * records it is sent into output lines and counts (src/cli/batch.ts), tagged with the batch's
 * sequence number so the main thread can write batches back in input order.
 */
import { parentPort, workerData } from "node:worker_threads";
import { loadVersion } from "../index.js";
import type { VersionSelector } from "../runtime/index.js";
import { processBatch, type BatchOptions } from "./batch.js";
import type { RawRecord } from "./records.js";

interface Setup {
  readonly selector: VersionSelector;
  readonly options: BatchOptions;
}

const setup = workerData as Setup;
const version = await loadVersion(setup.selector);
parentPort!.on("message", (msg: { seq: number; raws: RawRecord[] }) => {
  parentPort!.postMessage({ seq: msg.seq, ...processBatch(version, msg.raws, setup.options) });
});
parentPort!.postMessage({ ready: true });
