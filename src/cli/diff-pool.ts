/**
 * `tmad diff --population` in worker threads: batches of the population file (src/cli/records.ts
 * readBatches) go to the workers (src/cli/diff-worker.ts), at most IN_FLIGHT_PER_WORKER each at a
 * time so memory stays flat, and their counts come back in input order, for the main thread to merge
 * (VersionDiff.addPart). A worker that fails ends the run with its error: unlike `tmad eval`, there is
 * no per-record budget here (both versions' evaluators are the compiler's own, bounded code).
 */
import { Worker } from "node:worker_threads";
import type { PopulationAnswer, TallyPart } from "../compiler/diff/population.js";
import type { DiffWorkerJob, DiffWorkerSetup } from "./diff-worker.js";
import type { BatchInput } from "./records.js";

const IN_FLIGHT_PER_WORKER = 4;

export interface DiffBatchResult {
  readonly part: TallyPart;
  readonly answers: readonly PopulationAnswer[];
}

export async function* diffInWorkers(batches: AsyncIterable<BatchInput>, setup: DiffWorkerSetup, workers: number): AsyncGenerator<DiffBatchResult> {
  // A worker runs a file: it must not inherit `--input-type` (a library caller run with `node --input-type=module -e`).
  const execArgv = process.execArgv.filter((a) => !a.startsWith("--input-type"));
  const results = new Map<number, DiffBatchResult>();
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => wake?.();
  const pool = await Promise.all(
    Array.from(
      { length: workers },
      () =>
        new Promise<{ worker: Worker; out: number }>((resolve, reject) => {
          const worker = new Worker(new URL("./diff-worker.js", import.meta.url), { execArgv, workerData: setup });
          worker.once("message", () => {
            worker.off("error", reject);
            worker.on("message", (m: DiffBatchResult & { seq: number }) => {
              slot.out--;
              results.set(m.seq, m);
              notify();
            });
            worker.on("error", (e) => {
              failure ??= e;
              notify();
            });
            worker.on("exit", (code) => {
              if (code !== 0) failure ??= new Error(`a diff worker thread exited with code ${code}`);
              notify();
            });
            resolve(slot);
          });
          worker.once("error", reject);
          const slot = { worker, out: 0 };
        }),
    ),
  );
  const settled = (): Promise<void> => new Promise((resolve) => (wake = resolve));
  let sent = 0;
  let next = 0;
  function* ready(): Generator<DiffBatchResult> {
    for (let r = results.get(next); r !== undefined; r = results.get(next)) {
      results.delete(next++);
      yield r;
    }
  }
  try {
    for await (const input of batches) {
      for (;;) {
        if (failure !== undefined) throw failure;
        yield* ready();
        if (sent - next < workers * IN_FLIGHT_PER_WORKER) break;
        await settled();
      }
      const slot = pool.reduce((x, y) => (y.out < x.out ? y : x));
      slot.out++;
      slot.worker.postMessage({ seq: sent++, input } satisfies DiffWorkerJob);
    }
    while (next < sent) {
      if (failure !== undefined) throw failure;
      yield* ready();
      if (next < sent) await settled();
    }
  } finally {
    await Promise.all(pool.map((s) => s.worker.terminate()));
  }
}
