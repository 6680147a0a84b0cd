/**
 * The library's batch evaluation: an NDJSON (or JSON array) file, standard input or any byte
 * stream, evaluated on the same parallel pipeline as `tmad eval` (src/cli/stream.ts: worker threads,
 * results in input order, memory flat, the same limits on hostile input), one outcome per record.
 *
 *     for await (const { record, outcome } of evaluateStream(request.body, { version: "20.v2" })) …
 *
 * The consumer sets the pace: the pipeline waits while the yielded outcomes are not taken.
 */
import { availableParallelism } from "node:os";
import type { BatchResult } from "./cli/batch.js";
import { DEFAULT_LIMITS, type Limits, type RecordSource } from "./cli/records.js";
import { evaluateStream as pipeline } from "./cli/stream.js";
import type { AnyResult, KnownVersion, ResultOf } from "./index.js";
import type { Decision, RecordOutcome, TraceLevel, VersionSelector } from "./runtime/index.js";

export type StreamOptions = VersionSelector & {
  /** `true` (or `complete`) for a complete trace, `evaluated` for the evaluation as it went (see Trace.explored). */
  readonly trace?: boolean | TraceLevel;
  /** Worker threads (default: one per core; 0 evaluates in this thread). */
  readonly workers?: number;
  readonly limits?: Partial<Limits>;
};

export interface StreamItem<R = AnyResult> {
  /** The record's number in the input (its line, for NDJSON). */
  readonly record: number;
  readonly outcome: RecordOutcome<R>;
}

const STOPPED = new Error("evaluateStream: the consumer stopped");

/** How many batches of outcomes may wait for the consumer before the pipeline pauses. */
const WAITING_BATCHES = 4;

/** Outcomes of a file (path, or `-` for standard input) or a byte stream, typed with the version's result when it is named. */
export function evaluateStream<V extends KnownVersion>(input: string | AsyncIterable<Uint8Array | string>, options: StreamOptions & { readonly version: V }): AsyncGenerator<StreamItem<ResultOf<V>>>;
export function evaluateStream(input: string | AsyncIterable<Uint8Array | string>, options: StreamOptions): AsyncGenerator<StreamItem>;
export async function* evaluateStream(input: string | AsyncIterable<Uint8Array | string>, options: StreamOptions): AsyncGenerator<StreamItem<any>> {
  const source: RecordSource = typeof input === "string" ? input : bytes(input);
  const waiting: StreamItem[][] = [];
  let finished = false;
  let stopped = false;
  let failure: unknown;
  let wakeConsumer: (() => void) | undefined;
  let wakeProducer: (() => void) | undefined;
  const selector: VersionSelector = "version" in options ? { version: options.version, asOf: options.asOf ?? null } : { asOf: options.asOf };
  const asOf = options.asOf ?? null;
  const run = pipeline(
    source,
    selector,
    {
      asOf,
      trace: options.trace ?? false,
      format: "ndjson",
      limits: { ...DEFAULT_LIMITS, ...options.limits },
      workers: options.workers ?? availableParallelism(),
      batchBytes: 1 << 18,
      progress: false,
    },
    async (batch: BatchResult) => {
      // The consumer has stopped: end the pipeline (it stops reading and ends its workers).
      if (stopped) throw STOPPED;
      if (batch.count === 0) return;
      waiting.push(batch.body.split("\n").map(toItem));
      wakeConsumer?.();
      while (waiting.length >= WAITING_BATCHES && !stopped) await new Promise<void>((resolve) => (wakeProducer = resolve));
    },
  ).then(
    () => {
      finished = true;
      wakeConsumer?.();
    },
    (e: unknown) => {
      failure = e;
      finished = true;
      wakeConsumer?.();
    },
  );
  try {
    for (;;) {
      const next = waiting.shift();
      if (next !== undefined) {
        wakeProducer?.();
        yield* next;
        continue;
      }
      if (finished) break;
      await new Promise<void>((resolve) => (wakeConsumer = resolve));
      wakeConsumer = undefined;
    }
    if (failure !== undefined) throw failure;
  } finally {
    // Done, or the consumer stopped early (break, return, an error of its own): end the pipeline.
    stopped = true;
    waiting.length = 0;
    wakeProducer?.();
    await run;
  }
}

/** One output line of the pipeline back as an outcome. */
function toItem(line: string): StreamItem {
  const o = JSON.parse(line) as Record<string, unknown> & { record: number };
  const { record, ...rest } = o;
  if (rest.status === "invalid") {
    return { record, outcome: { ok: false, installationId: (rest.installationId as string | null) ?? null, versionId: rest.versionId as string, errors: rest.errors as never } };
  }
  const { trace, ...decision } = rest;
  return { record, outcome: trace === undefined ? { ok: true, decision: decision as unknown as Decision } : { ok: true, decision: decision as unknown as Decision, trace: trace as never } };
}

async function* bytes(input: AsyncIterable<Uint8Array | string>): AsyncGenerator<Uint8Array> {
  for await (const c of input) yield typeof c === "string" ? Buffer.from(c, "utf8") : c;
}
