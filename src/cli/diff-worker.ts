/**
 * A worker thread of `tmad diff --population` (src/cli/diff-pool.ts): runs both versions' generated
 * code (transpiled by the main thread) once, then for each batch of NDJSON lines (or records) it is sent,
 * parses every record, decides it under both versions and counts it (PopulationTally), and sends
 * back the counts and the records that may answer one of the diff's questions (the first of each
 * answerKey this worker has seen), tagged with the batch's sequence number.
 */
import { parentPort, workerData } from "node:worker_threads";
import { PopulationPart, type TallySetup } from "../compiler/diff/population.js";
import { runGenerated } from "../compiler/run-generated.js";
import { parseRaw, recordsOf, type BatchInput, type Limits } from "./records.js";

export interface DiffWorkerSetup {
  /** Each version's generated code as CommonJS, by file (load.ts transpileGenerated). */
  readonly a: readonly (readonly [string, string])[];
  readonly b: readonly (readonly [string, string])[];
  readonly tally: TallySetup;
  readonly limits: Limits;
}

export interface DiffWorkerJob {
  readonly seq: number;
  readonly input: BatchInput;
}

const setup = workerData as DiffWorkerSetup;
const counter = new PopulationPart(runGenerated(setup.a).version, runGenerated(setup.b).version, setup.tally);

parentPort!.on("message", (job: DiffWorkerJob) => {
  for (const raw of recordsOf(job.input)) {
    const parsed = parseRaw(raw, setup.limits);
    counter.add("value" in parsed ? { record: raw.record, value: parsed.value } : { record: raw.record, parseError: parsed.problem.message });
  }
  parentPort!.postMessage({ seq: job.seq, ...counter.take() });
});
parentPort!.postMessage({ ready: true });
