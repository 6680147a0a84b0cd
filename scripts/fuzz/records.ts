/**
 * Whole installation records, mutated structurally, through the CLI's reading path and the worker
 * pool, for the fuzzer. Records come from the population generator (src/population); each is kept,
 * or changed: fields replaced, dropped or added with hostile keys and values, strings up to the
 * size limit, lists thousands long, nesting past the depth limit, a size exactly at the limit, one
 * byte under and over, duplicate keys, text corrupted, a root that is not an object. They are
 * framed as NDJSON (CRLF or LF, blank lines, a byte order mark) or one JSON array (compact or
 * pretty), or as NDJSON whose first line is an array, written to a file, and evaluated by
 * `evaluateSource` (the pipeline the CLI uses: src/cli/records.ts, src/cli/pool.ts) with random
 * worker counts, batch sizes and limits; now and then by the built CLI itself too.
 *
 * What must hold (each failure gives a reproducer): one output per record, numbered as the input
 * numbers it, in order; a record over the size limit is too-large; text that is not JSON is
 * invalid-json (or too-deep or duplicate-key, which the scan may see first); JSON nested past the
 * limit or with a duplicate key is reported so; any other record gets exactly the output the
 * evaluator gives it in this thread, and is valid exactly when an oracle written from the schema
 * says so; nothing is internal-error, out-of-memory or too-slow (a hang: the per-record budget).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { evaluateRaw, toOutput } from "../../src/cli/batch.js";
import type { Limits } from "../../src/cli/records.js";
import { generateInstallations } from "../../src/population/generate.js";
import { Rng } from "../../src/population/random.js";
import type { Validator, VersionModule } from "../../src/runtime/index.js";
import { depthOf, hasDuplicateKey, mutateRecord, validByOracle, type RecordMutation } from "../fuzz.js";

export interface RecordFailure {
  readonly kind: string;
  readonly signature: string;
  readonly detail: string;
  /** The input file that shows it, and how to run it. */
  readonly content: Buffer;
  readonly extension: "ndjson" | "json";
  readonly command: string;
}

interface RecordCase {
  /** The record as it appears in the file (one line, no line break). */
  readonly text: string;
  /** How it was made. */
  readonly kind: string;
}

const HOSTILE_KEYS = ["__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "id", "devices", "", "\u0000", "é", "😀", "a".repeat(300)];
const HOSTILE_VALUES: unknown[] = [
  null, true, 0, -0, 1.5, 2 ** 53, -1, "", "ESME", "GSME", "IOC", "LIVE", "2022-02-29", "2024-02-29", "0099-12-31", "2022-05-11T09:30:00Z", "2016-12-31T23:59:60Z", "2022-05-11T24:00Z",
  "0050-01-01T00:00:00+00:00", "1040000000009", "1040000000008", "90-B3-D5-1F-30-10-00-01", "=cmd|' /C calc'!A0", "\ud800", "é😀", [], {}, [1, 2], { a: 1 },
];
/** Characters long strings are made of: plain, escaped in JSON, multi-byte, lone surrogates. */
const PALETTE = ["a", "E", " ", '"', "\\", "\n", "\t", "\u0000", "é", "😀", "\ud800", "\u2028", "/", "<"];

function randomMutation(rng: Rng): RecordMutation {
  switch (rng.int(0, 3)) {
    case 0:
      return { kind: "replace", at: rng.int(0, 1e6), value: structuredClone(rng.pick(HOSTILE_VALUES)) };
    case 1:
      return { kind: "drop", at: rng.int(0, 1e6) };
    case 2:
      return { kind: "addKey", at: rng.int(0, 1e6), key: rng.pick(HOSTILE_KEYS), value: structuredClone(rng.pick(HOSTILE_VALUES)) };
    default:
      return { kind: "nest", at: rng.int(0, 1e6), depth: rng.int(1, 40), asList: rng.chance(0.5) };
  }
}

function longString(rng: Rng, length: number): string {
  if (rng.chance(0.5)) return "x".repeat(length);
  let s = "";
  while (s.length < length) s += rng.pick(PALETTE).repeat(rng.int(1, 64));
  return s.slice(0, length);
}

/** Every list inside a value, as [holder, key]. */
function listsIn(v: unknown, out: [Record<string, unknown> | unknown[], string | number][] = []): [Record<string, unknown> | unknown[], string | number][] {
  if (Array.isArray(v)) v.forEach((x, i) => (Array.isArray(x) ? out.push([v, i]) : listsIn(x, out)));
  else if (typeof v === "object" && v !== null)
    for (const [k, x] of Object.entries(v)) {
      if (Array.isArray(x)) out.push([v as Record<string, unknown>, k]);
      listsIn(x, out);
    }
  return out;
}

/** A record made from `base` (a parsed generated installation) in one of the ways above. */
function recordCase(base: Record<string, unknown>, rng: Rng, limits: Limits, framing: "ndjson" | "array"): RecordCase {
  const r = structuredClone(base);
  const u = rng.next();
  if (u < 0.25) return { text: JSON.stringify(r), kind: "as generated" };
  if (u < 0.5) {
    let v: unknown = r;
    for (let i = rng.int(1, 4); i > 0; i--) v = mutateRecord(v, randomMutation(rng));
    return { text: JSON.stringify(v), kind: "fields changed" };
  }
  if (u < 0.56) {
    const target = rng.pick(["id", "groupId", "cohort", "installedOn"]);
    // Sizes up to the limit, the large ones rarely: they cost a thousand small ones.
    const length = rng.chance(0.02) ? rng.pick([Math.floor(limits.maxRecordBytes * 0.7), limits.maxRecordBytes]) : rng.pick([100, 1000, 5000]);
    r[target] = longString(rng, length);
    return { text: JSON.stringify(r), kind: `long string (${length})` };
  }
  if (u < 0.62) {
    const lists = listsIn(r);
    if (lists.length > 0) {
      const [holder, key] = rng.pick(lists);
      const list = (holder as Record<string | number, unknown[]>)[key];
      const big = rng.chance(0.01);
      const n = big ? 20_000 : rng.pick([20, 100, 500]);
      const element = list.length > 0 ? list[0] : rng.pick<unknown>([{ at: "2022-01-10T08:00:00Z", outcome: "TIMED_OUT" }, 1, "x"]);
      const grown: unknown[] = [];
      // Up to the size limit now and then; mostly a few kilobytes.
      const budget = big ? limits.maxRecordBytes * 1.1 : 16_384;
      const unit = JSON.stringify(element).length + 1;
      for (let i = 0; i < n && grown.length * unit < budget; i++) grown.push(structuredClone(element));
      (holder as Record<string | number, unknown[]>)[key] = grown;
      return { text: JSON.stringify(r), kind: `long list (${grown.length})` };
    }
  }
  if (u < 0.66) {
    // Nesting written as text, so that even 100,000 levels cost no recursion here.
    const depth = rng.chance(0.05) ? 100_000 : rng.pick([limits.maxDepth - 2, limits.maxDepth - 1, limits.maxDepth, limits.maxDepth + 1, 1000].filter((d) => d > 0));
    const asList = rng.chance(0.5);
    const deep = asList ? `${"[".repeat(depth)}1${"]".repeat(depth)}` : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
    r.deep = "\u0001DEEP\u0001";
    return { text: JSON.stringify(r).replace('"\\u0001DEEP\\u0001"', deep), kind: `nested ${depth} (${asList ? "lists" : "objects"})` };
  }
  if (u < 0.69 && (limits.maxRecordBytes <= 65_536 || rng.chance(0.1))) {
    // Exactly at the size limit, one byte under or over it: a top-level text field grows (a broken record may lack any).
    const want = limits.maxRecordBytes + rng.int(-1, 1);
    const before = Buffer.byteLength(JSON.stringify(r));
    const field = ["groupId", "id", "cohort"].find((k) => typeof r[k] === "string");
    if (field !== undefined && before <= want) {
      r[field] = `${r[field] as string}${"x".repeat(want - before)}`;
      const text = JSON.stringify(r);
      return { text, kind: `size ${Buffer.byteLength(text)} at limit ${limits.maxRecordBytes}` };
    }
  }
  if (u < 0.75) {
    // A key twice in one object, at the top or inside: only text can say it.
    const text = JSON.stringify(r);
    const at = rng.chance(0.5) ? 0 : Math.max(0, text.indexOf('{"at"'));
    const key = at === 0 ? rng.pick(['"id":"dup",', '"cohort":"IOC",', '"\\u0069d":"dup",']) : '"at":"2022-01-01T00:00:00Z",';
    return { text: `${text.slice(0, at + 1)}${key}${text.slice(at + 1)}`, kind: "duplicate key" };
  }
  if (u < 0.85 && framing === "ndjson") {
    let text = JSON.stringify(r);
    for (let i = rng.int(1, 4); i > 0; i--) {
      const at = rng.int(0, text.length);
      text = rng.chance(0.5) ? text.slice(0, at) + text.slice(at + rng.int(1, 30)) : text.slice(0, at) + rng.pick(["{", "}", "[", "]", '"', ",", ":", "\\", "\u0000", "nul", "1e999", "-", "\ufeff"]) + text.slice(at);
    }
    text = text.replace(/[\r\n]/g, " ");
    // Corrupted down to nothing, it would be a blank line (no record at all): keep something.
    return { text: /^[ \t]*$/.test(text) ? `${text}~` : text, kind: "text corrupted" };
  }
  if (u < 0.88) return { text: JSON.stringify(rng.pick<unknown>([[1, 2], [r], "a record", 42, null, true, []])), kind: "root not an object" };
  if (u < 0.93) {
    for (const k of Object.keys(r)) if (rng.chance(0.5)) r[k] = structuredClone(rng.pick(HOSTILE_VALUES));
    return { text: JSON.stringify(r), kind: "many fields wrong" };
  }
  return { text: JSON.stringify(r), kind: "as generated" };
}

interface Framed {
  readonly content: Buffer;
  readonly framing: string;
  /** The record number each case gets. */
  readonly numbers: readonly number[];
}

function frame(cases: readonly RecordCase[], framing: "ndjson" | "array" | "first-line-array", rng: Rng): Framed {
  const bom = rng.chance(0.05) ? "\ufeff" : "";
  if (framing === "array") {
    const sep = rng.pick([",", ",\n", " , ", ",\r\n  "]);
    const open = rng.pick(["[", "[\n", " [\n  ", "\n["]);
    const close = rng.pick(["]", "\n]", "\n]\n", "]\n\n"]);
    return { content: Buffer.from(`${bom}${open}${cases.map((c) => c.text).join(sep)}${close}`), framing: "JSON array", numbers: cases.map((_, i) => i + 1) };
  }
  const eol = rng.chance(0.1) ? "\r\n" : "\n";
  const lines: string[] = [];
  const numbers: number[] = [];
  for (const c of cases) {
    while (rng.chance(0.03)) lines.push(rng.pick(["", " ", "\t"]));
    lines.push(c.text);
    numbers.push(lines.length);
  }
  const last = rng.chance(0.1) ? "" : eol;
  return { content: Buffer.from(`${bom}${lines.join(eol)}${last}`), framing: framing === "ndjson" ? "NDJSON" : "NDJSON, first line an array", numbers };
}

/** What a record must give, from its text alone (and, when plainly valid JSON, from the in-thread evaluator). */
function problemWith(c: RecordCase, output: Record<string, any>, line: string, limits: Limits, version: VersionModule<any, any>, number: number): string | undefined {
  const code: string | undefined = output.status === "invalid" ? output.errors?.[0]?.code : undefined;
  if (code === "internal-error" || code === "out-of-memory" || code === "too-slow") return `${code}: ${output.errors[0].message}`;
  const bytes = Buffer.byteLength(c.text);
  if (bytes > limits.maxRecordBytes) return code === "too-large" ? undefined : `a record of ${bytes} bytes (limit ${limits.maxRecordBytes}) gave ${code ?? "a decision"}`;
  if (code === "too-large") return `a record of ${bytes} bytes (limit ${limits.maxRecordBytes}) is too-large`;
  let value: unknown;
  try {
    value = JSON.parse(c.text);
  } catch {
    return code === "invalid-json" || code === "too-deep" || code === "duplicate-key" ? undefined : `text that is not JSON gave ${code ?? "a decision"}`;
  }
  const deep = depthOf(value) > limits.maxDepth;
  // JSON.stringify never writes a key twice: only the text-made cases can hold one, and a first
  // line that is an array made of the first record's text (which may be one of them).
  const dup = (c.kind === "duplicate key" || c.kind === "text corrupted" || c.kind === "first line an array") && hasDuplicateKey(c.text);
  if (deep || dup) {
    if ((code === "too-deep" && deep) || (code === "duplicate-key" && dup)) return undefined;
    return `JSON ${deep ? `nested ${depthOf(value)} deep (limit ${limits.maxDepth})` : ""}${deep && dup ? " and " : ""}${dup ? "with a duplicate key" : ""} gave ${code ?? "a decision"}`;
  }
  if (code === "invalid-json" || code === "too-deep" || code === "duplicate-key") return `plain JSON gave ${code}: ${output.errors[0].message}`;
  const valid = validByOracle((version.validator as Validator<unknown>).schema, value);
  if (valid !== (output.status !== "invalid" || code === "evaluation-error")) return `the schema oracle says ${valid ? "valid" : "invalid"}, the output is ${output.status}${code === undefined ? "" : ` (${code}: ${output.errors[0].message})`}`;
  if (bytes <= 256 * 1024) {
    const expected = JSON.stringify(toOutput(number, evaluateRaw(version, { record: number, text: c.text }, { asOf: null, trace: output.trace !== undefined, limits })));
    if (expected !== line) return `the pool's output differs from this thread's:\n  pool:   ${line.slice(0, 400)}\n  thread: ${expected.slice(0, 400)}`;
  }
  return undefined;
}

/** Everything about one file of records, decided by (seed, n) alone, so a failing file can be made again. */
export interface RecordFile {
  readonly n: number;
  readonly limits: Limits;
  readonly cases: readonly RecordCase[];
  readonly framed: Framed;
  readonly extension: "ndjson" | "json";
  readonly versionId: string;
  /** In this thread from a stream of chunks (`--workers 0`), through the worker pool from a file, or the built CLI as well. */
  readonly mode: "thread" | "pool" | "cli";
  readonly workers: number;
  readonly batchBytes: number;
  /** Chunk size of the stream in thread mode: every boundary, even one byte. */
  readonly chunkBytes: number;
  readonly trace: boolean;
}

/** File `n` of the stream `seed`; `count` (for tests) overrides how many records it holds. */
export function recordFile(seed: number, n: number, caseMs: number, count?: number): RecordFile {
  const rng = new Rng(seed, n, 0x726563);
  const limits: Limits = { maxRecordBytes: rng.chance(0.7) ? 1 << 20 : rng.int(256, 65_536), maxDepth: rng.chance(0.8) ? 32 : rng.int(1, 64), maxRecordMs: caseMs };
  // Most files hold thousands of records: a file through the worker pool starts its one or two
  // workers (about 150 CPU-ms each, loading the versions), a cost shared by the file's records.
  const drawn = rng.chance(0.1) ? rng.int(1, 20) : rng.int(400, 6000);
  count ??= drawn;
  const u = rng.next();
  const framing = u < 0.7 ? "ndjson" : u < 0.95 ? "array" : "first-line-array";
  const bases = [...generateInstallations({ count, seed: rng.int(0, 2 ** 31), invalidRate: rng.chance(0.2) ? 0.1 : 0 })].map((l) => {
    try {
      return JSON.parse(l) as Record<string, unknown>;
    } catch {
      return { id: "broken" };
    }
  });
  // After a first line that is an array, only JSON lines: then the file is unambiguously NDJSON.
  const cases = bases.map((b) => recordCase(b, rng, limits, framing === "ndjson" ? "ndjson" : "array"));
  // A plain NDJSON file must not start with an array: a file that is one array is read as one.
  if (framing === "ndjson" && cases.length > 0 && cases[0].text.trimStart().startsWith("[")) cases[0] = { text: JSON.stringify(bases[0]), kind: "as generated" };
  if (framing === "first-line-array") cases.unshift({ text: rng.pick(["[1,2]", "[]", `[${cases[0]?.text ?? "1"}]`]), kind: "first line an array" });
  const framed = frame(cases, framing, rng);
  const m = rng.next();
  // A record that cannot be interrupted in this thread must not stall the stream: large ones go to the pool, whose budget stops them.
  const large = cases.some((c) => c.text.length > 65_536);
  return {
    n,
    limits,
    cases,
    framed,
    extension: framing === "array" ? "json" : "ndjson",
    versionId: rng.pick(["20.v2", "20.v2", "20.v1", "19.0"]),
    mode: m < 0.99 ? (large || m >= 0.8 ? "pool" : "thread") : "cli",
    workers: rng.pick([1, 2]),
    batchBytes: rng.pick([512, 4096, 65_536, 1 << 18]),
    chunkBytes: rng.pick([1, 7, 4096, 65_536, 1 << 20]),
    trace: rng.chance(0.05),
  };
}

export function commandFor(f: RecordFile, name: string): string {
  const l = f.limits;
  return `tmad eval ${name} --version ${f.versionId} --workers ${f.mode === "thread" ? 0 : f.workers} --max-record-bytes ${l.maxRecordBytes} --max-depth ${l.maxDepth} --max-record-ms ${l.maxRecordMs}${f.trace ? " --trace" : ""}`;
}

export interface RecordRunOptions {
  readonly repo: string;
  /** The pipeline: from dist/ for the pool (its worker threads run built JavaScript). */
  readonly evaluateSource: (source: unknown, ref: { selector: { version: string } }, options: any) => AsyncGenerator<{ body: string; count: number }>;
  readonly versions: ReadonlyMap<string, VersionModule<any, any>>;
  readonly tmp: string;
}

/** One file of records through the pipeline; gives the number of records and any failures. */
export async function fuzzRecordFile(f: RecordFile, o: RecordRunOptions): Promise<{ records: number; failures: RecordFailure[] }> {
  const { cases, framed, limits, versionId } = f;
  const version = o.versions.get(versionId)!;
  const name = `records-${f.n}.${f.extension}`;
  const file = join(o.tmp, name);
  const command = commandFor(f, name);
  const failures: RecordFailure[] = [];
  const fail = (kind: string, signature: string, detail: string): void => {
    failures.push({ kind, signature, detail: `${framed.framing}, ${cases.length} records, ${f.mode}; ${detail}`, content: framed.content, extension: f.extension, command });
  };
  const options = { asOf: null, trace: f.trace, format: "ndjson", limits, workers: f.mode === "thread" ? 0 : f.workers, batchBytes: f.batchBytes, progress: false };
  const lines: string[] = [];
  try {
    let source: unknown;
    if (f.mode === "thread") {
      const content = framed.content;
      source = (async function* () {
        for (let i = 0; i < content.length; i += f.chunkBytes) yield content.subarray(i, i + f.chunkBytes);
      })();
    } else {
      writeFileSync(file, framed.content);
      source = file;
    }
    for await (const r of o.evaluateSource(source, { selector: { version: versionId } }, options)) if (r.count > 0) lines.push(...r.body.split("\n"));
  } catch (e) {
    fail("crash", `the pipeline throws ${(e as Error).name}: ${(e as Error).message.split("\n")[0].slice(0, 120)}`, (e as Error).stack ?? String(e));
    rmSync(file, { force: true });
    return { records: cases.length, failures };
  }
  if (lines.length !== cases.length) fail("count", "outputs do not match records one for one", `${cases.length} records gave ${lines.length} outputs`);
  else {
    const seen = new Set<string>();
    for (let i = 0; i < cases.length; i++) {
      // Let the main thread's messages and timers in now and then.
      if (i % 500 === 499) await new Promise((r) => setImmediate(r));
      let output: Record<string, any>;
      try {
        output = JSON.parse(lines[i]) as Record<string, any>;
      } catch {
        fail("output", "an output line is not JSON", `output ${i + 1}: ${lines[i].slice(0, 200)}`);
        break;
      }
      if (output.record !== framed.numbers[i]) {
        fail("numbering", "an output is numbered differently from its record", `record ${framed.numbers[i]} (${cases[i].kind}) came back as ${output.record}`);
        break;
      }
      const problem = problemWith(cases[i], output, lines[i], limits, version, framed.numbers[i]);
      if (problem !== undefined) {
        const signature = `${cases[i].kind.replace(/\d+/g, "N")}: ${problem.split("\n")[0].replace(/\d+/g, "N").replace(/"[^"]*"/g, '"…"').slice(0, 140)}`;
        if (!seen.has(signature)) {
          seen.add(signature);
          fail(problem.startsWith("too-slow") ? "hang" : problem.startsWith("internal-error") || problem.startsWith("out-of-memory") ? "crash" : "wrong-output", signature, `record ${framed.numbers[i]} (${cases[i].kind}): ${problem}`);
        }
      }
    }
  }
  // The built CLI itself on the same file: the same bytes out.
  if (f.mode === "cli") {
    const args = command.split(" ").slice(1);
    args[1] = file;
    const r = spawnSync(process.execPath, [join(o.repo, "dist/src/cli/main.js"), ...args], { encoding: "utf8", maxBuffer: 1 << 30, timeout: 300_000 });
    if (r.status !== 0 && r.status !== 1) fail("cli", `the CLI exits ${r.status}`, r.stderr.slice(0, 2000));
    else if (r.stdout !== (lines.length === 0 ? "" : `${lines.join("\n")}\n`)) fail("cli", "the CLI's output differs from the pipeline's", `first difference near output ${r.stdout.split("\n").findIndex((l, i) => l !== lines[i]) + 1}`);
  }
  rmSync(file, { force: true });
  return { records: cases.length, failures };
}

export function scratchFolder(): string {
  return mkdtempSync(join(tmpdir(), "tmad-fuzz-"));
}
