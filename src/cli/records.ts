/**
 * Reading installation records safely, from a file, standard input (`-`) or any stream of bytes. A
 * UTF-8 byte order mark at the start is skipped. The input is NDJSON (one record a line) unless its
 * whole first value is a JSON array followed by nothing else: a file whose first line merely starts
 * with `[` is NDJSON. Either way it streams: NDJSON is cut into lines without holding more than one
 * record (a line over the size limit is skipped as it streams and reported, not buffered), and an
 * array is split into its elements as it streams (src/cli/json-array.ts). Each record is then parsed
 * with the same limits, so hostile input gives a clear error for that record and the run goes on:
 * not JSON, too large, nested too deeply, duplicate keys.
 */
import { isAscii } from "node:buffer";
import { createReadStream } from "node:fs";
import { ArraySplitter, type ArrayElement } from "./json-array.js";
import { cliIo } from "./io.js";
import { SchemaReader } from "./schema-reader.js";
import type { Schema } from "../runtime/index.js";

export interface Limits {
  /** Largest record accepted, in bytes of its NDJSON line (or of its array element). */
  readonly maxRecordBytes: number;
  /** Deepest nesting of objects and lists accepted. */
  readonly maxDepth: number;
  /** Longest one record's evaluation may take, in milliseconds, before it is stopped (default DEFAULT_MAX_RECORD_MS). */
  readonly maxRecordMs?: number;
}

/** A record is never this slow unless something is wrong: the budget only stops runaways. */
export const DEFAULT_MAX_RECORD_MS = 5_000;

export const DEFAULT_LIMITS: Limits = { maxRecordBytes: 1 << 20, maxDepth: 32, maxRecordMs: DEFAULT_MAX_RECORD_MS };

/** One input record before parsing: its 1-based number (the line for NDJSON, the element for an array). */
export interface RawRecord {
  readonly record: number;
  readonly text?: string;
  /** Set instead of `text` when the record was longer than the limit: its length in bytes. */
  readonly tooLarge?: number;
  /** Set instead of `text` when the reader already knows what is wrong (an element too deep, a broken array). */
  readonly problem?: ParseProblem;
}

export type ParseProblem = { readonly code: "invalid-json" | "too-large" | "too-deep" | "duplicate-key"; readonly message: string };

/** Where records come from: a file name, `-` for standard input, or a stream of bytes (the library's evaluateStream). */
export type RecordSource = string | AsyncIterable<Uint8Array | string>;

/** A UTF-8 byte order mark, skipped at the start of an input. */
export const BOM = [0xef, 0xbb, 0xbf];
/** A line holding only what JSON counts as whitespace (String.prototype.trim would also drop U+FEFF, U+00A0, U+2028…). */
const JSON_BLANK = /^[ \t\r\n]*$/;
/** `[`: an input whose first character this is is read as one JSON array. */
export const OPEN_BRACKET = 91;

/** The bytes of a source, with a UTF-8 byte order mark at its start removed. */
async function* bytesOf(source: RecordSource, highWaterMark: number): AsyncGenerator<Buffer> {
  const stream: AsyncIterable<Uint8Array | string> = typeof source !== "string" ? source : source === "-" ? cliIo().stdin : createReadStream(source, { highWaterMark });
  let head: Buffer | undefined = Buffer.alloc(0); // the first bytes, until three are seen
  for await (const piece of stream) {
    let b = typeof piece === "string" ? Buffer.from(piece, "utf8") : Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    if (head !== undefined) {
      head = Buffer.concat([head, b]);
      if (head.length < BOM.length) continue;
      b = BOM.every((x, i) => head![i] === x) ? head.subarray(BOM.length) : head;
      head = undefined;
    }
    if (b.length > 0) yield b;
  }
  if (head !== undefined && head.length > 0) yield head;
}

/** Yields `held`, then what is left of `rest`; closes `rest` when stopped early. */
async function* replay(held: readonly Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  try {
    yield* held;
    for (;;) {
      const r = await rest.next();
      if (r.done === true) return;
      yield r.value;
    }
  } finally {
    await rest.return?.();
  }
}

/** The first byte of `b[from, to)` that JSON does not count as whitespace, or -1. */
export function firstNonBlank(b: Uint8Array, from = 0, to = b.length): number {
  for (let i = from; i < to; i++) {
    const c = b[i]!;
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return c;
  }
  return -1;
}

/**
 * Raw records of a source, one at a time: NDJSON lines (blank ones skipped) or the elements of one
 * JSON array. A record over the size limit comes as `tooLarge`, without its text.
 */
export async function* readRawRecords(source: RecordSource, limits: Limits = DEFAULT_LIMITS): AsyncGenerator<RawRecord> {
  for await (const batch of readBatches(source, limits, 1 << 16, true)) for (const raw of recordsOf(batch)) yield withinSize(raw, limits.maxRecordBytes);
}

/** A record measured against the size limit (a line split from a chunk was not measured by the reader). */
export function withinSize(r: RawRecord, max: number): RawRecord {
  if (r.text === undefined || r.text.length * 3 <= max) return r;
  const size = Buffer.byteLength(r.text, "utf8");
  return size > max ? { record: r.record, tooLarge: size } : r;
}

/**
 * Checks nesting depth and duplicate keys in one pass over the text, without recursion, so even
 * a pathologically deep record cannot exhaust the stack. Returns the problem, if any.
 */
export function scanJson(text: string, maxDepth: number): ParseProblem | undefined {
  const keys: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      let j = i + 1;
      let escaped = false;
      while (j < text.length) {
        const d = text.charCodeAt(j);
        if (d === 92) {
          escaped = true;
          j += 2;
          continue;
        }
        if (d === 34) break;
        j++;
      }
      const top = keys.length > 0 ? keys[keys.length - 1] : null;
      if (expectKey && top !== null) {
        let key = text.slice(i + 1, j);
        if (escaped) {
          try {
            key = JSON.parse(text.slice(i, j + 1)) as string;
          } catch {
            return undefined; // JSON.parse will report it
          }
        }
        if (top.has(key)) return { code: "duplicate-key", message: `key "${key.length > 40 ? `${key.slice(0, 37)}...` : key}" appears twice in one object` };
        top.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      keys.push(c === 123 ? new Set() : null);
      if (keys.length > maxDepth) return { code: "too-deep", message: `nested more than ${maxDepth} levels deep` };
      expectKey = c === 123;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      keys.pop();
      expectKey = false;
    } else if (c === 44 /* , */) {
      expectKey = keys.length > 0 && keys[keys.length - 1] !== null;
    }
  }
  return undefined;
}

/**
 * The keys (object member names) in a JSON text, or -1 when it nests deeper than `maxDepth`: one
 * pass of character tests, strings skipped with indexOf, nothing allocated. A key is a string
 * followed (after blanks) by `:`. Valid JSON has exactly as many members as this counts.
 */
export function countKeysInText(text: string, maxDepth: number): number {
  let depth = 0;
  let keys = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // The closing quote: the next one not escaped (preceded by an even number of backslashes).
      let j = text.indexOf('"', i + 1);
      while (j > 0) {
        let b = j - 1;
        while (text.charCodeAt(b) === 92) b--;
        if ((j - 1 - b) % 2 === 0) break;
        j = text.indexOf('"', j + 1);
      }
      if (j < 0) return keys; // unterminated: JSON.parse reports it
      let k = j + 1;
      let d = text.charCodeAt(k);
      while (d === 32 || d === 10 || d === 13 || d === 9) d = text.charCodeAt(++k);
      if (d === 58 /* : */) keys++;
      i = j;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > maxDepth) return -1;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
    }
  }
  return keys;
}

/**
 * The keys in a JSON text, found with indexOf alone, or -1 when this cannot be sure (then
 * countKeysInText counts). Outside strings, `":` ends a key; inside a string every `"` is
 * escaped, so a `":` preceded by a backslash may be either (unsure); a key followed by blanks
 * before its colon is not seen (unsure when any colon follows a blank). A string starting with a
 * colon counts once more: never fewer keys than the text has, which could hide a key given twice.
 */
export function countKeysQuickly(text: string): number {
  let keys = 0;
  // Every colon, in one-character searches (cheaper than searching for `":`, though they stop at
  // colons in strings too): one after a quote ends a key; one after a blank may end a key written
  // `"a" :`, so this is unsure (which also spares a pass looking for blanks before colons).
  for (let i = text.indexOf(":"); i >= 0; i = text.indexOf(":", i + 1)) {
    const before = text.charCodeAt(i - 1);
    if (before === 34 /* " */) {
      if (text.charCodeAt(i - 2) === 92 /* \ */) return -1;
      keys++;
    } else if (before === 32 || before === 9 || before === 10 || before === 13) return -1;
  }
  return keys;
}

/**
 * The members of every object in a parsed JSON value, or -1 when it nests deeper than `maxDepth`
 * (each object and list is a level, as each `{` and `[` of its text): a walk with a stack, no
 * recursion.
 */
export function countKeysInValue(value: unknown, maxDepth = Infinity): number {
  let keys = 0;
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const v = stack.pop();
    const depth = depths.pop()!;
    if (typeof v !== "object" || v === null) continue;
    if (depth > maxDepth) return -1;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (typeof x === "object" && x !== null) {
          stack.push(x);
          depths.push(depth + 1);
        }
      }
      continue;
    }
    const names = Object.keys(v);
    keys += names.length;
    for (let i = 0; i < names.length; i++) {
      const x = (v as Record<string, unknown>)[names[i]];
      if (typeof x === "object" && x !== null) {
        stack.push(x);
        depths.push(depth + 1);
      }
    }
  }
  return keys;
}

/** What parseRaw needs of a version's validator (rt.Validator) to validate as it parses. */
export interface Accounting {
  /** How deep a valid record nests. */
  readonly depth: number;
  /** The members a valid value accounts for, or -1 (rt.Validator.accounted). */
  accounted(value: unknown): number;
  /** The length of the value `accounted` last accepted as compact JSON without escapes, numbers aside (rt.Validator.textLength). */
  readonly textLength: number;
  /** The version's input schema: records in its plainest form are read straight from the text by a SchemaReader. */
  readonly schema?: Schema;
}

/** Each validator's reader, made once (null: its schema has what a SchemaReader does not read). */
const readers = new WeakMap<Accounting, SchemaReader | null>();

/** One lookup a record (asked for every record parsed). */
function readerOf(validator: Accounting): SchemaReader | null {
  let reader = readers.get(validator);
  if (reader === undefined) {
    reader = (validator.schema === undefined ? undefined : SchemaReader.for(validator.schema)) ?? null;
    readers.set(validator, reader);
  }
  return reader;
}

/**
 * How many characters more the escapes of a valid JSON text take than the characters they stand
 * for: each backslash of valid JSON starts an escape in a string, `\uXXXX` (six characters for one
 * UTF-16 unit, a surrogate pair being two of them) or `\"`, `\\`, `\/`, `\b`… (two for one). One
 * search a backslash, so a text without escapes costs one search (what parseRaw did before) and one
 * with a few (a name written with `\u00e9`, as ensure_ascii writes it) a few, not a count of its keys.
 */
export function escapeExcess(text: string): number {
  let excess = 0;
  for (let i = text.indexOf("\\"); i >= 0; ) {
    const u = text.charCodeAt(i + 1) === 117; /* u */
    excess += u ? 5 : 1;
    i = text.indexOf("\\", i + (u ? 6 : 2));
  }
  return excess;
}

/**
 * parseRaw's fast path, for the value JSON.parse made of `text`: whether the generated check
 * accounts for every key of the text, so that the record is valid, holds no key twice and nests
 * no deeper than a valid record can. (The caller makes sure that depth is within its limit.)
 */
export function settledValid(text: string, value: unknown, validator: Accounting): boolean {
  const accounted = validator.accounted(value);
  if (accounted < 0) return false;
  if (text.length - escapeExcess(text) === validator.textLength) return true;
  let keys = countKeysQuickly(text);
  if (keys === -1) keys = countKeysInText(text, Infinity);
  return keys === accounted;
}

/**
 * Parses one raw record within the limits. JSON.parse comes first (it nests a million levels deep
 * without trouble); the depth is then measured on the parsed value, and duplicate keys, invisible
 * once parsed, are found by counting: the keys in the text (countKeysQuickly, else
 * countKeysInText) against the members of the parsed objects, which a duplicate makes fewer. Only
 * a record with a problem (too deep, a duplicate, not JSON) is scanned key by key (scanJson), which
 * names the first problem exactly as before: every record gets the outcome that scanning every
 * record gave, at a fraction of the cost for the records that have none.
 *
 * With the version's validator, a record is validated as it is parsed, and a valid one costs
 * less still: when the generated check accepts the parsed value and accounts for every key of the
 * text, no key is undeclared or given twice and the record nests no deeper than a valid one can
 * (at most `validator.depth`, within the limit), so the value is returned marked `valid` without
 * walking it. Its length settles it: less what its escapes add (escapeExcess), every string, key
 * and literal of the value is written exactly as compact JSON writes it, so the text is exactly as
 * long as the check measured the members it accounted for (numbers aside) only when it has nothing
 * else: any other member (undeclared, or a key given twice), blank or number makes it longer.
 * Otherwise its keys are counted (countKeysQuickly, else countKeysInText). Any other record takes the path
 * above, then validation from the schema, and gets the same problem or errors as ever.
 *
 * Before all that, a record in the plainest form (the declared fields in declared order, plain
 * ASCII strings, no number; compact or with blanks between tokens) is read straight from its text by the version's SchemaReader,
 * without JSON.parse: the same value, marked valid (test/cli/schema-reader.test.ts compares every
 * outcome with and without it on valid, broken and mutated records).
 */
export function parseRaw(raw: RawRecord, limits: Limits, validator?: Accounting): { value: unknown; valid?: true } | { problem: ParseProblem } {
  if (raw.tooLarge !== undefined) return { problem: { code: "too-large", message: `record ${raw.record} is ${raw.tooLarge} bytes, over the limit of ${limits.maxRecordBytes} (--max-record-bytes)` } };
  if (raw.problem !== undefined) return { problem: raw.problem };
  const text = raw.text ?? "";
  if (validator !== undefined && validator.depth <= limits.maxDepth) {
    // Text of exactly the declared shape (compact or spaced), read and validated in one go (src/cli/schema-reader.ts);
    // anything else, valid or not, is read below as ever.
    const read = readerOf(validator)?.read(text);
    if (read !== undefined) return { value: read, valid: true };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const problem = scanJson(text, limits.maxDepth);
    return { problem: problem ?? { code: "invalid-json", message: `line ${raw.record} is not valid JSON: ${(e as Error).message}` } };
  }
  if (validator !== undefined && validator.depth <= limits.maxDepth && settledValid(text, value, validator)) return { value, valid: true };
  const members = countKeysInValue(value, limits.maxDepth);
  let keys = members < 0 ? -2 : countKeysQuickly(text);
  if (keys === -1) keys = countKeysInText(text, Infinity);
  if (keys !== members) {
    // Too deep, or a key twice: scanned key by key for the first problem, named as it always was.
    const problem = scanJson(text, limits.maxDepth);
    if (problem !== undefined) return { problem };
  }
  return { value };
}

/** A unit of work for an evaluating thread: whole NDJSON lines as bytes, or records already split. */
export type BatchInput = { readonly kind: "chunk"; readonly firstLine: number; readonly bytes: Uint8Array } | { readonly kind: "raws"; readonly raws: RawRecord[] };

/**
 * Batches of an input for parallel evaluation. NDJSON is cut into chunks of whole lines (about
 * `targetBytes` each) that the evaluating thread splits itself, so this thread only finds line ends:
 * it does no decoding or parsing. A line over the size limit is skipped as it streams and sent on as
 * a `too-large` record. A JSON array is split into its elements as it streams, sent as records.
 */
export async function* readBatches(source: RecordSource, limits: Limits, targetBytes = 1 << 18, eager = false, chunks?: SharedChunks): AsyncGenerator<BatchInput> {
  // Read about a batch at a time: fewer reads, each a hand-off between threads.
  const input = bytesOf(source, Math.max(1 << 16, targetBytes));
  const concat = chunks === undefined ? (pieces: readonly Buffer[], length: number): Uint8Array => Buffer.concat(pieces, length) : (pieces: readonly Buffer[], length: number): Uint8Array => chunks.copy(pieces, length);
  const head: Buffer[] = [];
  let first = -1;
  while (first === -1) {
    const r = await input.next();
    if (r.done === true) break;
    head.push(r.value);
    first = firstNonBlank(r.value);
  }
  if (first === OPEN_BRACKET) yield* arrayOrLines(head, input, limits, targetBytes, eager, concat);
  else yield* lineBatches(replay(head, input), limits, targetBytes, eager, concat);
}

function rawOf(e: ArrayElement): RawRecord {
  if (e.problem !== undefined) return { record: e.index, problem: e.problem };
  if (e.tooLarge !== undefined) return { record: e.index, tooLarge: e.tooLarge };
  return { record: e.index, text: e.text ?? "" };
}

/**
 * The input starts with `[`: one JSON array, or NDJSON whose first line happens to start with `[`.
 * The bytes are held, and nothing is sent, until the array shows itself: two elements complete on
 * lines after the opening `[` (NDJSON lines are never joined by commas), or the array closes with
 * nothing after it, or it is larger than any one record may be. If instead its syntax breaks before
 * that, or it closes on its first line and more text follows, the held bytes are read again as
 * NDJSON. So at most about one record's worth of bytes is ever held.
 */
async function* arrayOrLines(head: readonly Buffer[], input: AsyncIterator<Buffer>, limits: Limits, targetBytes: number, eager: boolean, concat: Concat): AsyncGenerator<BatchInput> {
  const chunks = replay(head, input);
  const splitter = new ArraySplitter(limits);
  const held: Buffer[] = [];
  let heldBytes = 0;
  let committed = false;
  let batch: RawRecord[] = [];
  let batchBytes = 0;
  const error = (message: string): RawRecord => ({ record: splitter.count + 1, problem: { code: "invalid-json", message } });
  const trailing = (): string => `text after the end of the JSON array, at line ${splitter.trailingLine}; a file holds one JSON array or one record per line (NDJSON)`;
  for (;;) {
    const r = await chunks.next();
    if (r.done === true) break;
    if (!committed) {
      held.push(r.value);
      heldBytes += r.value.length;
    }
    for (const e of splitter.push(r.value)) {
      const raw = rawOf(e);
      batch.push(raw);
      batchBytes += raw.text?.length ?? 16;
    }
    if (!committed) {
      // Counted up to a break, so the choice does not depend on where the chunks were cut.
      const shown = splitter.afterFirstLine >= 2;
      if ((splitter.failed && !shown) || (splitter.ended && splitter.trailingLine !== undefined && splitter.endLine === splitter.startLine)) {
        yield* lineBatches(replay(held, chunks), limits, targetBytes, eager, concat);
        return;
      }
      committed = shown || (splitter.ended && splitter.trailingLine !== undefined) || heldBytes > limits.maxRecordBytes + (1 << 16);
      if (committed) held.length = 0;
      else continue;
    }
    if (splitter.failed || (splitter.ended && splitter.trailingLine !== undefined)) {
      batch.push(error(splitter.failed ? splitter.failure! : trailing()));
      yield { kind: "raws", raws: batch };
      await chunks.return(undefined);
      return;
    }
    if (batch.length >= 512 || batchBytes >= targetBytes || (eager && batch.length > 0)) {
      yield { kind: "raws", raws: batch };
      batch = [];
      batchBytes = 0;
    }
  }
  splitter.close();
  if (!committed && splitter.failed && splitter.afterFirstLine < 2) {
    // Never closed, and never clearly an array: NDJSON with a broken first line.
    yield* lineBatches(replay(held, chunks), limits, targetBytes, eager, concat);
    return;
  }
  if (splitter.failed) batch.push(error(splitter.failure!));
  if (batch.length > 0) yield { kind: "raws", raws: batch };
}

/**
 * NDJSON cut into chunks of whole lines: a chunk is sent at the first line end at which it holds
 * `targetBytes`. Each piece read is walked from line end to line end (counting the lines) but kept
 * whole: only the bytes sent are copied, once, into the chunk.
 */
async function* lineBatches(stream: AsyncIterable<Buffer>, limits: Limits, targetBytes: number, eager: boolean, concat: Concat = (pieces, length) => Buffer.concat(pieces, length)): AsyncGenerator<BatchInput> {
  let line = 1; // number of the first line not yet sent
  let pending: Buffer[] = []; // whole lines waiting to be sent, and then a partial last line
  let pendingBytes = 0;
  let lines = 0; // whole lines in `pending`
  let partial = 0; // bytes of the partial line at the end of `pending`
  let skipping = false; // inside a line over the limit: its bytes are dropped
  let skipped = 0;
  for await (const chunk of stream) {
    let from = 0; // the first byte of `chunk` not yet in `pending`
    if (skipping) {
      const nl = chunk.indexOf(10);
      if (nl === -1) {
        skipped += chunk.length;
        continue;
      }
      yield { kind: "raws", raws: [{ record: line, tooLarge: skipped + nl }] };
      line++;
      skipping = false;
      from = nl + 1;
    }
    let end = from; // after the last line end found in `chunk`
    for (let nl = chunk.indexOf(10, from); nl !== -1; nl = chunk.indexOf(10, nl + 1)) {
      end = nl + 1;
      lines++;
      partial = 0;
      if (pendingBytes + nl + 1 - from >= targetBytes) {
        pending.push(chunk.subarray(from, nl + 1));
        const first = line;
        line += lines;
        yield { kind: "chunk", firstLine: first, bytes: concat(pending, pendingBytes + nl + 1 - from) };
        pending = [];
        pendingBytes = 0;
        lines = 0;
        from = nl + 1;
      }
    }
    if (from < chunk.length) {
      const tail = chunk.length - end; // the start of a line that goes on in the next piece
      if (partial + tail > limits.maxRecordBytes + 1) {
        // The line in progress is too long (beyond the limit and a carriage return, which is not
        // part of the record; the exact size is checked where lines are split): send what came
        // before it, then drop it as it streams.
        if (end > from) pending.push(chunk.subarray(from, end));
        const whole = pendingBytes + end - from - partial;
        if (whole > 0) {
          const first = line;
          line += lines;
          yield { kind: "chunk", firstLine: first, bytes: concat(pending, whole) };
        }
        skipping = true;
        skipped = partial + tail;
        pending = [];
        pendingBytes = 0;
        lines = 0;
        partial = 0;
        continue;
      }
      pending.push(chunk.subarray(from));
      pendingBytes += chunk.length - from;
      partial += tail;
    }
    // Eager (one record at a time, for explain): hand on the whole lines read so far, keep the partial one.
    if (eager && pendingBytes - partial > 0) {
      const all = Buffer.concat(pending);
      const first = line;
      line += lines;
      lines = 0;
      yield { kind: "chunk", firstLine: first, bytes: all.subarray(0, pendingBytes - partial) };
      pending = partial > 0 ? [Buffer.from(all.subarray(pendingBytes - partial))] : [];
      pendingBytes = partial;
    }
  }
  if (skipping) yield { kind: "raws", raws: [{ record: line, tooLarge: skipped }] };
  else if (pendingBytes > 0) yield { kind: "chunk", firstLine: line, bytes: concat(pending, pendingBytes) };
}

/** The first `length` bytes of some pieces, as one chunk. */
type Concat = (pieces: readonly Buffer[], length: number) => Uint8Array;

/** Free buffers kept for reuse; more are left to the garbage collector. */
const MAX_FREE = 16;

/**
 * Shared memory for NDJSON chunks, used again: a worker is sent a chunk in shared memory without
 * a copy (a plain buffer is copied twice on the way, into the message and out of it), and the pool
 * keeps it to send again if the worker dies. A SharedArrayBuffer is freed only once every thread
 * that saw it has collected its garbage (a 2 M record run grew past 600 MB without reuse), so each
 * chunk is given back (`release`) once its batch's result is in, and its memory holds a later chunk.
 */
export class SharedChunks {
  private readonly free: SharedArrayBuffer[] = [];
  /** Buffers holding a chunk not yet given back. */
  private readonly lent = new Set<ArrayBufferLike>();

  copy(pieces: readonly Buffer[], length: number): Uint8Array {
    const i = this.free.findIndex((b) => b.byteLength >= length);
    // Room for a chunk a little larger next time (a chunk ends at the first line end past its target).
    const buffer = i >= 0 ? this.free.splice(i, 1)[0] : new SharedArrayBuffer(Math.ceil((length * 1.25) / (1 << 16)) * (1 << 16));
    this.lent.add(buffer);
    const out = new Uint8Array(buffer, 0, length);
    let at = 0;
    for (const p of pieces) {
      if (at >= length) break;
      const n = Math.min(p.length, length - at);
      out.set(n === p.length ? p : p.subarray(0, n), at);
      at += n;
    }
    return out;
  }

  /** The batch is done with (its result is in, it will not be sent again): its memory may hold another chunk. */
  release(input: BatchInput): void {
    if (input.kind !== "chunk") return;
    const buffer = input.bytes.buffer;
    // Given back once only: a buffer holds one chunk at a time.
    if (!this.lent.delete(buffer)) return;
    if (this.free.length < MAX_FREE) this.free.push(buffer as SharedArrayBuffer);
  }
}

/**
 * Bytes of a chunk decoded at a time. V8 puts a string of over 128 KB in its large-object space,
 * whose allocation costs several times more per byte than the pieces' (a batch of 256 KB decoded
 * whole took about 1 µs per KB; in pieces of 64 KB, 0.1–0.3).
 */
const PIECE = 1 << 16;

/** The records of a batch: a chunk split into its lines (blank ones skipped), or the records as sent. */
export function recordsOf(input: BatchInput): RawRecord[] {
  if (input.kind === "raws") return input.raws;
  const out: RawRecord[] = [];
  eachRecord(input, (raw) => out.push(raw));
  return out;
}

/**
 * Each record of a batch in turn, as recordsOf gives them, with its position in the batch. A chunk
 * is decoded a piece at a time, and a piece's text is let go once its lines are visited, so a
 * garbage collection in between has at most one piece to keep. `decoding` is told before each piece
 * is decoded, with the position of the first record it can hold.
 */
export function eachRecord(input: BatchInput, visit: (raw: RawRecord, index: number) => void, decoding?: (index: number) => void): void {
  let index = 0;
  if (input.kind === "raws") {
    for (const raw of input.raws) visit(raw, index++);
    return;
  }
  const bytes = Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength);
  const count = (raw: RawRecord): void => visit(raw, index++);
  let line = input.firstLine;
  for (let from = 0; from < bytes.length; ) {
    // A piece ends just after a newline (or at the end of the chunk): no character's bytes are cut,
    // so the pieces decode to exactly the text the whole chunk would.
    let to = from + PIECE >= bytes.length ? bytes.length : bytes.lastIndexOf(10, from + PIECE - 1) + 1;
    if (to <= from) {
      // A line longer than a piece: up to its end.
      to = bytes.indexOf(10, from + PIECE) + 1;
      if (to === 0) to = bytes.length;
    }
    decoding?.(index);
    line = eachLine(decoded(bytes, from, to), line, count);
    from = to;
  }
}

/** Bytes `from` to `to` as UTF-8 text; ASCII (almost every record) is copied as it is, which is quicker than decoding it. */
function decoded(bytes: Buffer, from: number, to: number): string {
  return isAscii(bytes.subarray(from, to)) ? bytes.toString("latin1", from, to) : bytes.toString("utf8", from, to);
}

/** Each line of `text` as a record numbered from `line` (blank ones skipped, a carriage return before the newline dropped); the next line's number. */
function eachLine(text: string, line: number, visit: (raw: RawRecord) => void): number {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    let stop = end;
    if (stop > start && text.charCodeAt(stop - 1) === 13) stop--;
    const slice = text.slice(start, stop);
    // Blank means JSON whitespace only: a line of U+FEFF or U+00A0 is a (broken) record, never dropped.
    if (slice.charCodeAt(0) === 123 /* { */ || !JSON_BLANK.test(slice)) visit({ record: line, text: slice });
    line++;
    start = end + 1;
  }
  return line;
}
