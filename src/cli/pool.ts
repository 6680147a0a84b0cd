/**
 * Evaluating batches of records in worker threads, handing the results on strictly in input order,
 * and surviving anything one record can do to a worker. Each worker keeps, in shared memory, which
 * record of which batch it is on (src/cli/batch.ts, PROGRESS). When a worker dies (out of memory,
 * a crash) or spends longer than the budget on one record (a synchronous evaluation cannot be
 * interrupted inside its own thread, so the worker is terminated), that record, and only that one,
 * becomes an error record: the worker is replaced and the batches it held are sent again to the new
 * one, the fatal record marked so it is not evaluated again. Memory stays flat: at most
 * IN_FLIGHT_PER_WORKER batches per worker are out at once.
 *
 * Takes: an async iterable of batches, the version, the batch options. Gives: the batches' results,
 * in order, as an async generator.
 */
import { Worker, type ResourceLimits } from "node:worker_threads";
import { budgetMessage, PROGRESS, type BatchOptions, type BatchResult, type Poison, type VersionRef } from "./batch.js";
import type { WorkerJob, WorkerSetup } from "./eval-worker.js";
import { DEFAULT_MAX_RECORD_MS, type BatchInput } from "./records.js";

const IN_FLIGHT_PER_WORKER = 4;

/** A worker's heap: modest, so memory stays flat; a record that needs more is reported, not fatal. */
export const DEFAULT_RESOURCE_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 96 };

/** Workers that die while idle, one after another, mean something is wrong with every worker: give up. */
const MAX_IDLE_DEATHS = 3;

export interface PoolOptions {
  readonly workers: number;
  readonly version: VersionRef;
  readonly options: BatchOptions;
  readonly resourceLimits?: ResourceLimits;
  /** Called as each worker thread is started (replacements included): for tests and diagnostics. */
  readonly onWorkerStart?: () => void;
  /** Told of each batch once its result is in (it will not be sent again), so its memory can be used again. */
  readonly release?: (input: BatchInput) => void;
}

interface Job extends WorkerJob {
  readonly poison: Poison[];
  slot?: Slot;
}

interface Slot {
  readonly worker: Worker;
  readonly progress: Int32Array;
  /** Jobs sent to this worker and not yet returned, in the order sent. */
  jobs: Job[];
  dead: boolean;
  /** Why the pool stopped it, when it did. */
  stopped?: "too-slow";
  lastCounter: number;
  lastChange: number;
}

function startWorker(setup: Omit<WorkerSetup, "progress">, resourceLimits: ResourceLimits): Promise<Slot> {
  const shared = new SharedArrayBuffer(PROGRESS.SLOTS * Int32Array.BYTES_PER_ELEMENT);
  // A worker runs a file: it must not inherit `--input-type` (a library caller run with `node --input-type=module -e`).
  const execArgv = process.execArgv.filter((a) => !a.startsWith("--input-type"));
  const worker = new Worker(new URL("./eval-worker.js", import.meta.url), { execArgv, workerData: { ...setup, progress: shared } satisfies WorkerSetup, resourceLimits });
  return new Promise((resolve, reject) => {
    const fail = (e: unknown): void => {
      worker.off("message", ready);
      reject(e instanceof Error ? e : new Error(`a worker thread exited with code ${String(e)} while starting`));
    };
    const ready = (): void => {
      worker.off("error", fail);
      worker.off("exit", fail);
      resolve({ worker, progress: new Int32Array(shared), jobs: [], dead: false, lastCounter: -1, lastChange: 0 });
    };
    worker.once("message", ready);
    worker.once("error", fail);
    worker.once("exit", fail);
  });
}

/** The error record for the record a worker was on when it died. */
function deathPoison(index: number, error: unknown, resourceLimits: ResourceLimits): Poison {
  const code = (error as { code?: string } | undefined)?.code;
  if (code === "ERR_WORKER_OUT_OF_MEMORY") {
    return { index, code: "out-of-memory", message: `evaluating this record ran out of memory (a worker's heap is ${resourceLimits.maxOldGenerationSizeMb ?? "?"} MB); it was skipped and the run went on` };
  }
  const why = error instanceof Error ? `${error.name}: ${error.message}` : `exit code ${String(error)}`;
  return { index, code: "internal-error", message: `the worker evaluating this record died (${why}); it was skipped and the run went on` };
}

export async function* evaluateInWorkers(batches: AsyncIterable<BatchInput>, pool: PoolOptions): AsyncGenerator<BatchResult> {
  const resourceLimits = pool.resourceLimits ?? DEFAULT_RESOURCE_LIMITS;
  const budget = pool.options.limits.maxRecordMs ?? DEFAULT_MAX_RECORD_MS;
  const setup = { version: pool.version, options: pool.options };
  // One worker at first; the others start when a second batch comes (an input of one batch, a
  // dozen records, never pays for threads it cannot use: each loads the version, ~0.2 CPU-s).
  const slots: Slot[] = [];
  if (pool.workers > 0) {
    pool.onWorkerStart?.();
    slots.push(await startWorker(setup, resourceLimits));
  }
  let unstarted = pool.workers - slots.length;
  const all = new Set<Slot>(slots);
  const jobs = new Map<number, Job>(); // sent and not yet returned
  const results = new Map<number, BatchResult>(); // returned and not yet handed on
  const starting: Promise<void>[] = [];
  let next = 0;
  let sent = 0;
  let idleDeaths = 0;
  let closing = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => wake?.();

  const post = (slot: Slot, job: Job): void => {
    job.slot = slot;
    slot.jobs.push(job);
    slot.worker.postMessage({ seq: job.seq, input: job.input, poison: job.poison } satisfies WorkerJob);
  };

  const listen = (slot: Slot): void => {
    slot.worker.on("message", (m: BatchResult & { seq: number }) => {
      const job = jobs.get(m.seq);
      // A result from a worker already replaced is dropped: its batch was sent again.
      if (job === undefined || job.slot !== slot) return;
      jobs.delete(m.seq);
      slot.jobs = slot.jobs.filter((j) => j !== job);
      pool.release?.(job.input);
      results.set(m.seq, m);
      idleDeaths = 0;
      notify();
    });
    slot.worker.on("error", (e) => died(slot, e));
    slot.worker.on("exit", (code) => died(slot, code));
  };
  slots.forEach(listen);

  /**
   * Starts a worker in the background; `ready` takes it once it has loaded the version (it is in
   * `all`, so it is terminated at the end either way). A worker that cannot start fails the run.
   */
  const launch = (ready: (fresh: Slot) => void): void => {
    pool.onWorkerStart?.();
    starting.push(
      startWorker(setup, resourceLimits).then(
        (fresh) => {
          all.add(fresh);
          ready(fresh);
        },
        (e: Error) => {
          failure ??= e;
          notify();
        },
      ),
    );
  };

  /** Starts one of the workers not started yet, in the background; the batches go to it once it is ready. */
  const startAnother = (): void => {
    unstarted--;
    launch((fresh) => {
      if (closing) return;
      slots.push(fresh);
      listen(fresh);
    });
  };

  /** A worker is gone: mark the record it was on, start another worker, send it the gone one's batches. */
  const died = (slot: Slot, cause: unknown): void => {
    if (slot.dead || closing) return;
    slot.dead = true;
    if (Atomics.load(slot.progress, PROGRESS.BUSY) === 1) {
      const job = jobs.get(Atomics.load(slot.progress, PROGRESS.SEQ));
      const index = Atomics.load(slot.progress, PROGRESS.INDEX);
      if (job !== undefined && job.slot === slot && !job.poison.some((p) => p.index === index)) {
        job.poison.push(slot.stopped === "too-slow" ? { index, code: "too-slow", message: budgetMessage(budget) } : deathPoison(index, cause, resourceLimits));
      }
    } else if (++idleDeaths > MAX_IDLE_DEATHS) {
      failure ??= cause instanceof Error ? cause : new Error(`worker threads keep exiting (code ${String(cause)})`);
      notify();
      return;
    }
    const orphans = slot.jobs;
    slot.jobs = [];
    if (slot.stopped === undefined) void slot.worker.terminate();
    launch((fresh) => {
      slots[slots.indexOf(slot)] = fresh;
      listen(fresh);
      for (const job of orphans) post(fresh, job);
    });
  };

  // The watchdog: a worker whose record counter has not moved for longer than the budget is stopped.
  const watchdog = Number.isFinite(budget)
    ? setInterval(
        () => {
          const now = performance.now();
          for (const slot of slots) {
            if (slot.dead) continue;
            const counter = Atomics.load(slot.progress, PROGRESS.COUNTER);
            if (Atomics.load(slot.progress, PROGRESS.BUSY) !== 1 || counter !== slot.lastCounter) {
              slot.lastCounter = counter;
              slot.lastChange = now;
            } else if (now - slot.lastChange > budget) {
              slot.stopped = "too-slow";
              void slot.worker.terminate();
              died(slot, undefined);
            }
          }
        },
        Math.max(5, Math.min(250, budget / 4)),
      )
    : undefined;

  /** Resolves when a result or a failure is there to act on (at once if one already is). */
  const progress = (): Promise<void> =>
    results.has(next) || failure !== undefined
      ? Promise.resolve()
      : new Promise((resolve) => {
          wake = () => {
            wake = undefined;
            resolve();
          };
        });

  const ready = function* (): Generator<BatchResult> {
    for (let r = results.get(next); r !== undefined; r = results.get(next)) {
      results.delete(next);
      next++;
      yield r;
    }
  };

  const freeSlot = async (): Promise<Slot> => {
    for (;;) {
      const alive = slots.filter((s) => !s.dead);
      if (alive.length > 0) return alive.reduce((a, b) => (b.jobs.length < a.jobs.length ? b : a));
      await Promise.all(starting.splice(0));
      if (failure !== undefined) throw failure;
    }
  };

  try {
    for await (const input of batches) {
      while (sent - next >= pool.workers * IN_FLIGHT_PER_WORKER && failure === undefined) {
        await progress();
        yield* ready();
      }
      if (failure !== undefined) throw failure;
      if (sent > 0 && unstarted > 0) startAnother();
      const job: Job = { seq: sent++, input, poison: [] };
      jobs.set(job.seq, job);
      post(await freeSlot(), job);
      yield* ready();
    }
    while (next < sent) {
      if (failure !== undefined) throw failure;
      yield* ready();
      if (next < sent) await progress();
    }
    if (failure !== undefined) throw failure;
  } finally {
    closing = true;
    if (watchdog !== undefined) clearInterval(watchdog);
    await Promise.allSettled(starting);
    await Promise.all([...all].map((s) => s.worker.terminate()));
  }
}
