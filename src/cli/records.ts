/**
 * Reading installation records safely: NDJSON split into lines without ever holding more than one
 * record (a line over the size limit is skipped as it streams and reported, not buffered), or one
 * JSON array read whole; and parsing each line with limits, so hostile input gives a clear error
 * for that record and the run goes on: not JSON, too large, nested too deeply, duplicate keys.
 */
import { closeSync, createReadStream, openSync, readFileSync, readSync } from "node:fs";

export interface Limits {
  /** Largest record accepted, in bytes of its NDJSON line. */
  readonly maxRecordBytes: number;
  /** Deepest nesting of objects and lists accepted. */
  readonly maxDepth: number;
}

export const DEFAULT_LIMITS: Limits = { maxRecordBytes: 1 << 20, maxDepth: 32 };

/** One input record as text, before parsing: its 1-based number (the line number for NDJSON). */
export interface RawRecord {
  readonly record: number;
  readonly text?: string;
  /** Set instead of `text` when the line was longer than the limit: its length in bytes. */
  readonly tooLarge?: number;
}

export type ParseProblem = { readonly code: "invalid-json" | "too-large" | "too-deep" | "duplicate-key"; readonly message: string };

/** The first non-blank character of a file, read from its first 4 KiB only. */
function readHead(file: string): string {
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(4096);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.toString("utf8", 0, n).trimStart().slice(0, 1);
  } finally {
    closeSync(fd);
  }
}

/**
 * Raw records of a file (or `-` for standard input): NDJSON lines, blank ones skipped, or the
 * elements of a JSON array when the file starts with `[` (read whole: use NDJSON for large inputs).
 */
export async function* readRawRecords(file: string, limits: Limits = DEFAULT_LIMITS): AsyncGenerator<RawRecord> {
  if (file !== "-" && readHead(file) === "[") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, "utf8"));
    } catch (e) {
      yield { record: 1, text: `\u0000the file starts with '[' but is not a JSON array: ${(e as Error).message}` };
      return;
    }
    if (Array.isArray(parsed)) for (let i = 0; i < parsed.length; i++) yield { record: i + 1, text: JSON.stringify(parsed[i]) };
    return;
  }
  const stream = file === "-" ? process.stdin : createReadStream(file, { highWaterMark: 1 << 16 });
  let parts: Buffer[] = [];
  let size = 0;
  let skipping = false;
  let line = 0;
  const finish = function* (): Generator<RawRecord> {
    line++;
    if (skipping) yield { record: line, tooLarge: size };
    else {
      const text = Buffer.concat(parts).toString("utf8").replace(/\r$/, "");
      if (text.trim() !== "") yield { record: line, text };
    }
    parts = [];
    size = 0;
    skipping = false;
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      const end = nl === -1 ? chunk.length : nl;
      size += end - start;
      if (!skipping && size > limits.maxRecordBytes) {
        skipping = true;
        parts = [];
      }
      if (!skipping && end > start) parts.push(chunk.subarray(start, end));
      if (nl === -1) break;
      yield* finish();
      start = nl + 1;
    }
  }
  // A last line without a newline is still a record (a truncated one fails to parse, visibly).
  if (size > 0 || parts.length > 0 || skipping) yield* finish();
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

/** Parses one raw record within the limits. */
export function parseRaw(raw: RawRecord, limits: Limits): { value: unknown } | { problem: ParseProblem } {
  if (raw.tooLarge !== undefined) return { problem: { code: "too-large", message: `record ${raw.record} is ${raw.tooLarge} bytes, over the limit of ${limits.maxRecordBytes} (--max-record-bytes)` } };
  const text = raw.text ?? "";
  if (text.startsWith("\u0000")) return { problem: { code: "invalid-json", message: text.slice(1) } };
  const scanned = scanJson(text, limits.maxDepth);
  if (scanned !== undefined) return { problem: scanned };
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    return { problem: { code: "invalid-json", message: `line ${raw.record} is not valid JSON: ${(e as Error).message}` } };
  }
}

/** A unit of work for an evaluating thread: whole NDJSON lines as bytes, or records already split. */
/** Where records come from: a file path, `-` for standard input, or a stream of bytes (the library's evaluateStream). */
export type RecordSource = string | AsyncIterable<Uint8Array>;

export type BatchInput = { readonly kind: "chunk"; readonly firstLine: number; readonly bytes: Uint8Array } | { readonly kind: "raws"; readonly raws: RawRecord[] };

/**
 * Batches of an input file for parallel evaluation. NDJSON is cut into chunks of whole lines
 * (about `targetBytes` each) that the evaluating thread splits itself, so this thread only finds
 * line ends: it does no decoding or parsing. A line over the size limit is skipped as it streams
 * and sent on as a `too-large` record. A JSON array file is read whole and sent as records.
 */
export async function* readBatches(file: RecordSource, limits: Limits, targetBytes = 1 << 18): AsyncGenerator<BatchInput> {
  if (typeof file === "string" && file !== "-" && readHead(file) === "[") {
    let raws: RawRecord[] = [];
    for await (const raw of readRawRecords(file, limits)) {
      raws.push(raw);
      if (raws.length >= 512) {
        yield { kind: "raws", raws };
        raws = [];
      }
    }
    if (raws.length > 0) yield { kind: "raws", raws };
    return;
  }
  const stream = typeof file !== "string" ? file : file === "-" ? process.stdin : createReadStream(file, { highWaterMark: 1 << 18 });
  let line = 1; // number of the first line not yet sent
  let pending: Buffer[] = []; // whole lines waiting to be sent, and then a partial last line
  let pendingBytes = 0;
  let partial = 0; // bytes of the partial line at the end of `pending`
  let skipping = false; // inside a line over the limit: its bytes are dropped
  let skipped = 0;
  const countLines = (b: Buffer): number => {
    let n = 0;
    for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) n++;
    return n;
  };
  for await (const bytes of stream as AsyncIterable<Uint8Array>) {
    const chunk = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(10, start);
      const end = nl === -1 ? chunk.length : nl + 1;
      const piece = chunk.subarray(start, end);
      if (skipping) {
        skipped += piece.length;
        if (nl !== -1) {
          yield { kind: "raws", raws: [{ record: line, tooLarge: skipped - 1 }] };
          line++;
          skipping = false;
        }
      } else if (nl === -1 && partial + piece.length > limits.maxRecordBytes) {
        // The line in progress is too long: send what came before it, then drop it as it streams.
        const whole = Buffer.concat(pending).subarray(0, pendingBytes - partial);
        if (whole.length > 0) {
          // Count before yielding: the consumer may transfer (detach) the bytes.
          const first = line;
          line += countLines(whole);
          yield { kind: "chunk", firstLine: first, bytes: whole };
        }
        skipping = true;
        skipped = partial + piece.length;
        pending = [];
        pendingBytes = 0;
        partial = 0;
      } else {
        pending.push(piece);
        pendingBytes += piece.length;
        partial = nl === -1 ? partial + piece.length : 0;
        if (nl !== -1 && pendingBytes >= targetBytes) {
          const whole = Buffer.concat(pending);
          const first = line;
          line += countLines(whole);
          yield { kind: "chunk", firstLine: first, bytes: whole };
          pending = [];
          pendingBytes = 0;
        }
      }
      start = end;
    }
  }
  if (skipping) yield { kind: "raws", raws: [{ record: line, tooLarge: skipped }] };
  else if (pendingBytes > 0) yield { kind: "chunk", firstLine: line, bytes: Buffer.concat(pending) };
}

/** The records of a batch: a chunk split into its lines (blank ones skipped), or the records as sent. */
export function recordsOf(input: BatchInput): RawRecord[] {
  if (input.kind === "raws") return input.raws;
  const text = Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength).toString("utf8");
  const out: RawRecord[] = [];
  let line = input.firstLine;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    let stop = end;
    if (stop > start && text.charCodeAt(stop - 1) === 13) stop--;
    const slice = text.slice(start, stop);
    if (slice.trim() !== "") out.push({ record: line, text: slice });
    line++;
    start = end + 1;
  }
  return out;
}
