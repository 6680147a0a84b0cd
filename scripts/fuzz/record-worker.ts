/**
 * A worker thread of the fuzzer's record stream: files `start`, `start + stride`, … of the seed's
 * stream (./records.ts), each through the CLI's pipeline, and between files a share of the
 * fast-check properties of scripts/fuzz.ts. Which file it is on is kept in shared memory
 * (./progress.ts), so the main thread catches a hang even while this thread is stuck.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parentPort, workerData } from "node:worker_threads";
import fc from "fast-check";
import { loadVersion } from "../../src/index.js";
import { compilerProperties, recordProperties, setSlowMs } from "../fuzz.js";
import { Progress } from "./progress.js";
import { fuzzRecordFile, recordFile, scratchFolder, type RecordFailure } from "./records.js";

export interface RecordWorkerSetup {
  readonly repo: string;
  readonly seed: number;
  readonly start: number;
  readonly stride: number;
  readonly caseMs: number;
  /** Share of this thread's time given to the properties. */
  readonly propertyShare: number;
  /** Records per second this worker aims at, and does not exceed (leaving the cores to the documents); 0: as fast as it can. */
  readonly rate: number;
  readonly progress: SharedArrayBuffer;
}

export type RecordWorkerMessage =
  | { readonly t: "file"; readonly n: number; readonly records: number; readonly failures: readonly RecordFailure[] }
  | { readonly t: "property"; readonly name: string; readonly cases: number; readonly failure?: string; readonly seed: number }
  | { readonly t: "stopped" };

if (parentPort !== null && (workerData as { recordWorker?: boolean } | undefined)?.recordWorker === true) {
  const setup = (workerData as { setup: RecordWorkerSetup }).setup;
  const port = parentPort;
  const post = (m: RecordWorkerMessage): void => port.postMessage(m);
  const progress = new Progress(setup.progress);
  let stopping = false;
  port.on("message", (m: { t: string }) => {
    if (m.t === "stop") stopping = true;
  });
  setSlowMs(setup.caseMs);
  const { evaluateSource } = (await import(pathToFileURL(join(setup.repo, "dist/src/cli/stream.js")).href)) as { evaluateSource: any };
  const versions = new Map(await Promise.all(["20.v2", "20.v1", "19.0"].map(async (v) => [v, await loadVersion({ version: v })] as const)));
  const tmp = scratchFolder();
  const props = [...compilerProperties, ...recordProperties];
  const started = performance.now();
  let propertyMs = 0;
  let round = 0;
  let records = 0;
  for (let n = setup.start; !stopping; n += setup.stride) {
    progress.begin(n);
    const r = await fuzzRecordFile(recordFile(setup.seed, n, setup.caseMs), { repo: setup.repo, evaluateSource, versions, tmp });
    progress.end();
    post({ t: "file", n, records: r.records, failures: r.failures });
    records += r.records;
    // Ahead of the aimed rate: wait, so the cores go to the documents.
    const ahead = setup.rate > 0 ? (records / setup.rate) * 1000 - (performance.now() - started) : 0;
    if (ahead > 0) await new Promise((done) => setTimeout(done, Math.min(ahead, 5000)));
    if (propertyMs < (performance.now() - started) * setup.propertyShare) {
      const p = props[round++ % props.length];
      const seed = setup.seed + n;
      const t = performance.now();
      progress.begin(-1 - n);
      const details = fc.check(p.property, { numRuns: 100, seed, endOnFailure: true });
      progress.end();
      propertyMs += performance.now() - t;
      post({ t: "property", name: p.name, cases: details.numRuns, seed, ...(details.failed ? { failure: `${fc.defaultReportMessage(details) ?? "failed"}\nerror: ${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}` } : {}) });
    }
    await new Promise((r) => setImmediate(r));
  }
  post({ t: "stopped" });
}
