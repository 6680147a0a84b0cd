/**
 * The evaluation pipeline through its library function (`evaluateSource`, built in dist/ because
 * worker threads run JavaScript): one record that kills its worker (out of memory), throws, or runs
 * over the time budget costs only itself, as an error record; the run goes on, in input order, and
 * counts reconcile. A test version (test/fixtures/pool/version.mjs) misbehaves on chosen ids.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import type { BatchResult } from "../../dist/src/cli/batch.js";
import { evaluateInWorkers } from "../../dist/src/cli/pool.js";
import type { BatchInput } from "../../dist/src/cli/records.js";
import { evaluateSource, type StreamOptions } from "../../dist/src/cli/stream.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const fixture = { module: pathToFileURL(join(root, "test/fixtures/pool/version.mjs")).href };
const real = { selector: { version: "20.v2" } };
const base = JSON.parse(readFileSync(join(root, "examples/installations.ndjson"), "utf8").split("\n")[0]) as Record<string, unknown>;
const record = (id: string): string => JSON.stringify({ ...base, id });

function options(over: Partial<StreamOptions> & { maxRecordMs?: number; maxRecordBytes?: number } = {}): StreamOptions {
  return {
    asOf: null,
    trace: false,
    format: "ndjson",
    limits: { maxRecordBytes: over.maxRecordBytes ?? 1 << 20, maxDepth: 32, maxRecordMs: over.maxRecordMs ?? 5000 },
    workers: 2,
    batchBytes: 2048, // several records a batch, several batches a worker
    progress: false,
    ...over,
  };
}

/** The lines evaluated from a stream of text, or (`fromFile`) from a file, read into the workers' shared buffers (src/cli/file-chunks.ts). */
async function run(lines: readonly string[], ref: typeof fixture | typeof real, opts: StreamOptions, fromFile = false): Promise<{ outputs: Record<string, any>[]; results: BatchResult[] }> {
  const input = async function* (): AsyncGenerator<string> {
    yield `${lines.join("\n")}\n`;
  };
  const dir = fromFile ? mkdtempSync(join(tmpdir(), "tmad-pool-")) : undefined;
  let source: string | AsyncGenerator<string> = input();
  if (dir !== undefined) {
    source = join(dir, "in.ndjson");
    writeFileSync(source, `${lines.join("\n")}\n`);
  }
  const results: BatchResult[] = [];
  try {
    for await (const r of evaluateSource(source, ref, opts)) results.push(r);
  } finally {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
  const outputs = results.flatMap((r) => (r.count === 0 ? [] : r.body.split("\n").map((l) => JSON.parse(l) as Record<string, any>)));
  return { outputs, results };
}

/** Each output's code: its first error code, or "decision". */
const codes = (outputs: Record<string, any>[]): string[] => outputs.map((o) => (o.status === "invalid" ? o.errors[0].code : "decision"));

function reconcile(outputs: Record<string, any>[], results: BatchResult[], n: number): void {
  expect(outputs.map((o) => o.record)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  const total = results.reduce((s, r) => s + r.count, 0);
  const invalid = results.reduce((s, r) => s + r.invalid, 0);
  expect(total).toBe(n);
  expect(invalid).toBe(outputs.filter((o) => o.status === "invalid").length);
  expect(results.reduce((s, r) => s + Object.values(r.counts).reduce((a, b) => a + b, 0), 0)).toBe(n);
}

describe("one record never costs the run", { timeout: 60_000 }, () => {
  it("a record that never ends is stopped at the budget, as too-slow; the rest of its batch and the run go on", async () => {
    const lines = Array.from({ length: 40 }, (_, i) => record(i === 6 ? "SLOW-forever" : `INS-${i}`));
    const { outputs, results } = await run(lines, fixture, options({ maxRecordMs: 300 }));
    reconcile(outputs, results, 40);
    expect(codes(outputs)).toEqual(lines.map((_, i) => (i === 6 ? "too-slow" : "decision")));
    expect(outputs[6].errors[0].message).toMatch(/longer than the budget of 300 ms \(--max-record-ms\)/);
  });

  it("with --workers 0 a record over the budget is reported when it ends", async () => {
    const lines = [record("INS-1"), record("SLOW-400"), record("INS-3")];
    const { outputs, results } = await run(lines, fixture, options({ workers: 0, maxRecordMs: 100 }));
    reconcile(outputs, results, 3);
    expect(codes(outputs)).toEqual(["decision", "too-slow", "decision"]);
  });

  it("a record that runs its worker out of memory is out-of-memory; the worker is replaced", async () => {
    const lines = Array.from({ length: 30 }, (_, i) => record(i === 3 || i === 20 ? "HOG" : `INS-${i}`));
    const { outputs, results } = await run(lines, fixture, options({ resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 4 } }));
    reconcile(outputs, results, 30);
    expect(codes(outputs)).toEqual(lines.map((_, i) => (i === 3 || i === 20 ? "out-of-memory" : "decision")));
    expect(outputs[3].errors[0].message).toMatch(/ran out of memory \(a worker's heap is 32 MB\)/);
  });

  it("the same with the records read from a file: the batches a dead worker held are sent again from the reader's buffers", async () => {
    const lines = Array.from({ length: 900 }, (_, i) => record(i === 3 || i === 450 ? "HOG" : `INS-${i}`));
    const { outputs, results } = await run(lines, fixture, options({ resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 4 } }), true);
    reconcile(outputs, results, 900);
    expect(results.length).toBeGreaterThan(2 * 4); // more than the pool holds at once: buffers are used again
    expect(codes(outputs)).toEqual(lines.map((_, i) => (i === 3 || i === 450 ? "out-of-memory" : "decision")));
    // Each record's own text was evaluated, the resent ones too: the buffers were not used again while lent.
    expect(outputs.map((o) => o.installationId ?? null)).toEqual(lines.map((_, i) => (i === 3 || i === 450 ? null : `INS-${i}`)));
  });

  it("a 6 MB record with a raised size limit that exhausts a small heap is one error record (the real evaluator)", async () => {
    const huge = JSON.stringify({ ...base, id: "INS-huge", devices: Array.from({ length: 1_500_000 }, () => 1.5) });
    const lines = [record("INS-1"), huge, record("INS-3")];
    const { outputs, results } = await run(lines, real, options({ maxRecordBytes: 64 << 20, resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 } }));
    reconcile(outputs, results, 3);
    expect(codes(outputs)).toEqual(["decision", "out-of-memory", "decision"]);
  });

  it("a fault inside tmad on one record is internal-error, in a worker and in this thread", async () => {
    const lines = [record("INS-1"), record("THROW"), record("INS-3")];
    for (const workers of [0, 1]) {
      const { outputs, results } = await run(lines, fixture, options({ workers }));
      reconcile(outputs, results, 3);
      expect(codes(outputs)).toEqual(["decision", "internal-error", "decision"]);
      expect(outputs[1].errors[0].message).toMatch(/TypeError: a fault planted by the test/);
    }
  });

  it("a 700 KB enum value gets an unknown-enum-member error without a suggestion (it once ran the worker out of memory)", async () => {
    const devices = (base.devices as Record<string, unknown>[]).map((d, i) => (i === 0 ? { ...d, type: "E".repeat(700_000) } : d));
    const lines = [record("INS-1"), JSON.stringify({ ...base, id: "INS-enum", devices }), record("INS-3")];
    const { outputs, results } = await run(lines, real, options({ workers: 1 }));
    reconcile(outputs, results, 3);
    expect(codes(outputs)).toEqual(["decision", "unknown-enum-member", "decision"]);
    expect(outputs[1].errors[0].message).not.toMatch(/did you mean/);
  });
});

describe("worker threads start as the work needs them", { timeout: 60_000 }, () => {
  /** Runs `batches` batches of `perBatch` records in a pool of `workers`; gives the records out, in order, and the threads started. */
  async function pooled(batches: number, perBatch: number, workers: number): Promise<{ records: number[]; started: number }> {
    const inputs = async function* (): AsyncGenerator<BatchInput> {
      for (let b = 0; b < batches; b++) {
        yield { kind: "raws", raws: Array.from({ length: perBatch }, (_, i) => ({ record: b * perBatch + i + 1, text: record(`INS-${b}-${i}`) })) };
      }
    };
    let started = 0;
    const records: number[] = [];
    for await (const r of evaluateInWorkers(inputs(), { workers, version: fixture, options: options(), onWorkerStart: () => started++ })) {
      for (const line of r.body.split("\n")) records.push((JSON.parse(line) as { record: number }).record);
    }
    return { records, started };
  }

  it("an input of one batch starts one worker, even when more are allowed", async () => {
    expect(await pooled(1, 12, 2)).toEqual({ records: Array.from({ length: 12 }, (_, i) => i + 1), started: 1 });
  });

  it("a second batch starts the other workers, up to the number allowed, and the order is kept", async () => {
    expect(await pooled(12, 5, 2)).toEqual({ records: Array.from({ length: 60 }, (_, i) => i + 1), started: 2 });
    expect((await pooled(12, 5, 3)).started).toBe(3);
  });
});
