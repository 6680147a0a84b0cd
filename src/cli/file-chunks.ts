/**
 * An NDJSON file read straight into shared memory, for the evaluation pool (src/cli/pool.ts): each
 * piece read from the file lands in a SharedArrayBuffer that then goes to a worker as it is, so the
 * bytes are not first read into a fresh buffer of their own and then copied into shared memory (as
 * readBatches with SharedChunks does: src/cli/records.ts), and no stream sits in between. Only the
 * start of a line cut by the end of a piece is copied, into the next buffer.
 *
 * The batches are what readBatches gives for the same file, cut at other line ends: whole lines
 * numbered from the file's first line, a line over the size limit skipped as it streams and sent
 * as a `too-large` record. The file is read in pieces of the size and at the places readBatches's
 * stream reads it (so a line over the limit is found, and measured, where it would be there), a
 * UTF-8 byte order mark at the start is skipped, and anything that is not plainly NDJSON (the first
 * piece blank, or its first character `[`: perhaps one JSON array) is handed to readBatches whole,
 * the bytes already read first, read on from the same descriptor.
 *
 * A regular file is read in this thread (see readInto), anything else through libuv's thread pool,
 * the next piece while the batches of the last one go.
 *
 * Memory: a buffer holds one batch, and is given back (`release`) once that batch's result is in;
 * buffers are used again, so a run allocates a few and keeps them (shared memory is freed only when
 * every thread that saw it has collected its garbage).
 */
import { close, fstat, open, read, readSync } from "node:fs";
import { readBatches, SharedChunks, type BatchInput, type Limits } from "./records.js";

const OPEN_BRACKET = 91;
const NEWLINE = 10;

/** Standard buffers kept free for reuse; more are left to the garbage collector. */
const MAX_FREE = 16;

/** Room beyond a piece in a standard buffer: for the start of a line carried over from the piece before. */
const CARRY_ROOM = 1 << 16;

/**
 * Shared buffers for the batches of one run. A standard buffer holds a piece and a carried line
 * start of up to CARRY_ROOM bytes; a longer line start gets a buffer of its own size, not kept.
 */
export class FileChunks {
  private readonly free: SharedArrayBuffer[] = [];
  private readonly lent = new Set<ArrayBufferLike>();
  /** For an input handed to readBatches (see above). */
  readonly fallback = new SharedChunks();

  /** Bytes read at a time: about a batch, as readBatches reads (at least 64 KB). */
  readonly piece: number;

  constructor(targetBytes: number) {
    this.piece = Math.max(1 << 16, targetBytes);
  }

  private get standard(): number {
    return this.piece + CARRY_ROOM;
  }

  /** A buffer of at least `size` bytes, not lent. */
  take(size: number): SharedArrayBuffer {
    if (size <= this.standard) return this.free.pop() ?? new SharedArrayBuffer(this.standard);
    return new SharedArrayBuffer(Math.ceil(size / CARRY_ROOM) * CARRY_ROOM);
  }

  /** A buffer taken and not lent after all: kept for reuse if standard. */
  keep(buffer: SharedArrayBuffer): void {
    if (buffer.byteLength === this.standard && this.free.length < MAX_FREE) this.free.push(buffer);
  }

  /** The chunk `bytes[from, to)` of `buffer`, which it now holds until given back. */
  lend(buffer: SharedArrayBuffer, from: number, to: number): Uint8Array {
    this.lent.add(buffer);
    return new Uint8Array(buffer, from, to - from);
  }

  /** The batch is done with (its result is in, it will not be sent again): its memory may hold another. */
  release(input: BatchInput): void {
    if (input.kind !== "chunk") return;
    const buffer = input.bytes.buffer;
    // Given back once only: a buffer holds one chunk at a time.
    if (this.lent.delete(buffer)) this.keep(buffer as SharedArrayBuffer);
    else this.fallback.release(input);
  }
}

function openFile(path: string): Promise<number> {
  return new Promise((resolve, reject) => open(path, "r", (e, fd) => (e === null ? resolve(fd) : reject(e))));
}

function isRegularFile(fd: number): Promise<boolean> {
  return new Promise((resolve, reject) => fstat(fd, (e, st) => (e === null ? resolve(st.isFile()) : reject(e))));
}

/**
 * Reads up to `length` bytes from the file's current position into `buffer` at `at`; 0 at the end.
 * From a regular file in this thread: a read from the page cache takes about as long as handing it
 * to libuv's thread pool and being told it is done (2 M records: 0.3-0.5 CPU-s less in all, the
 * pool's threads' system time 1.45 -> 0.6 s). Anything else (a pipe, a device) can keep a read
 * waiting indefinitely, and this thread must not wait: it collects results and runs the watchdog.
 */
function readInto(fd: number, sync: boolean, buffer: SharedArrayBuffer, at: number, length: number): Promise<number> {
  const into = new Uint8Array(buffer, at, length);
  if (sync) {
    try {
      return Promise.resolve(readSync(fd, into, 0, length, null));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }
  return new Promise((resolve, reject) => read(fd, into, 0, length, null, (e, n) => (e === null ? resolve(n) : reject(e))));
}

function firstNonBlank(b: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const c = b[i]!;
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return c;
  }
  return -1;
}

/** The bytes `head`, then the rest of the file, in fresh buffers of `piece` bytes: for readBatches. */
async function* rest(head: Buffer, fd: number, piece: number): AsyncGenerator<Buffer> {
  if (head.length > 0) yield head;
  for (;;) {
    const b = Buffer.allocUnsafeSlow(piece);
    const n = await new Promise<number>((resolve, reject) => read(fd, b, 0, piece, null, (e, got) => (e === null ? resolve(got) : reject(e))));
    if (n === 0) return;
    yield n === piece ? b : b.subarray(0, n);
  }
}

/**
 * The batches of the file `path` (see above), in buffers of `chunks`, read in pieces of
 * `chunks.piece` bytes; a batch holds the whole lines of one piece or more (`targetBytes` is for
 * an input handed to readBatches).
 */
export async function* fileBatches(path: string, limits: Limits, targetBytes: number, chunks: FileChunks): AsyncGenerator<BatchInput> {
  const piece = chunks.piece;
  const fd = await openFile(path);
  let reading: Promise<number> | undefined;
  try {
    const sync = await isRegularFile(fd);
    let buffer = chunks.take(piece);
    reading = readInto(fd, sync, buffer, 0, piece);
    const got = await reading;
    reading = undefined;
    const bom = got >= 3 && new Uint8Array(buffer, 0, 3).every((x, i) => x === [0xef, 0xbb, 0xbf][i]);
    const first = firstNonBlank(new Uint8Array(buffer), bom ? 3 : 0, got);
    // A read of under 3 bytes (a pipe) could cut a byte order mark: readBatches joins the pieces first.
    if (got < 3 || first === -1 || first === OPEN_BRACKET) {
      const head = Buffer.from(new Uint8Array(buffer, 0, got));
      chunks.keep(buffer);
      yield* readBatches(rest(head, fd, piece), limits, targetBytes, false, chunks.fallback);
      return;
    }
    let start = bom ? 3 : 0; // the first byte of `buffer` not yet sent
    let filled = got; // bytes of `buffer` read
    let line = 1; // number of the first line not yet sent
    let lines = 0; // whole lines in `buffer` from `start`
    let partial = 0; // bytes of the line in progress read before the last piece
    let skipping = false; // inside a line over the limit: its bytes are dropped
    let skipped = 0;
    let pieceAt = start; // where the last piece read starts in `buffer`
    let n = got - start;
    while (n > 0) {
      const out: BatchInput[] = [];
      const view = Buffer.from(buffer, 0, filled);
      let from = pieceAt; // the first byte of the piece not yet looked at
      if (skipping) {
        const nl = view.indexOf(NEWLINE, from);
        if (nl !== -1) {
          out.push({ kind: "raws", raws: [{ record: line, tooLarge: skipped + nl - from }] });
          line++;
          skipping = false;
          from = nl + 1;
          start = from;
        } else {
          skipped += n;
          // Dropped: the next piece goes where this one was.
          filled = pieceAt;
          from = filled;
        }
      }
      let end = from; // after the last line end in the piece
      for (let nl = view.indexOf(NEWLINE, from); nl !== -1; nl = view.indexOf(NEWLINE, nl + 1)) {
        end = nl + 1;
        lines++;
        partial = 0;
      }
      let next: SharedArrayBuffer | undefined; // where the next piece goes, when not after this one
      if (from < filled) {
        const tail = filled - end; // the start of a line that goes on in the next piece
        if (partial + tail > limits.maxRecordBytes + 1) {
          // The line in progress is too long (as readBatches judges it): send the lines before it,
          // then drop it as it streams.
          const lineStart = filled - partial - tail;
          if (lineStart > start) {
            out.push({ kind: "chunk", firstLine: line, bytes: chunks.lend(buffer, start, lineStart) });
            line += lines;
            next = chunks.take(piece);
          }
          skipping = true;
          skipped = partial + tail;
          lines = 0;
          partial = 0;
          start = 0;
          filled = 0;
        } else partial += tail;
      }
      if (!skipping && lines > 0) {
        // Every whole line read goes; the line in progress is carried over to the next buffer.
        const lineStart = filled - partial;
        out.push({ kind: "chunk", firstLine: line, bytes: chunks.lend(buffer, start, lineStart) });
        line += lines;
        lines = 0;
        next = chunks.take(partial + piece);
        new Uint8Array(next).set(new Uint8Array(buffer, lineStart, partial));
        start = 0;
        filled = partial;
      } else if (!skipping && filled + piece > buffer.byteLength) {
        // A line longer than the room left: a larger buffer, holding what is not sent yet.
        next = chunks.take(filled - start + piece);
        new Uint8Array(next).set(new Uint8Array(buffer, start, filled - start));
        chunks.keep(buffer);
        filled -= start;
        start = 0;
      }
      if (next !== undefined) buffer = next;
      // The next piece (from a pipe: read while the batches go).
      pieceAt = filled;
      reading = readInto(fd, sync, buffer, filled, piece);
      yield* out;
      n = await reading;
      reading = undefined;
      filled += n;
    }
    if (skipping) yield { kind: "raws", raws: [{ record: line, tooLarge: skipped }] };
    else if (filled > start) yield { kind: "chunk", firstLine: line, bytes: chunks.lend(buffer, start, filled) };
  } finally {
    // A read still under way writes into memory and uses the descriptor: let it end first.
    await reading?.catch(() => undefined);
    await new Promise<void>((resolve) => close(fd, () => resolve()));
  }
}
