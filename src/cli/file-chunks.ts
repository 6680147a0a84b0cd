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
 * How the pieces are read (class Pieces): a regular file larger than half the memory bypassing
 * the page cache where the system allows it (O_DIRECT), the next piece while the batches of the
 * last one go; a smaller one from the cache, in this thread; anything else (a pipe) through
 * libuv's thread pool, also while the batches go.
 *
 * Memory: a buffer holds one batch, and is given back (`release`) once that batch's result is in;
 * buffers are used again, so a run allocates a few and keeps them (shared memory is freed only when
 * every thread that saw it has collected its garbage).
 */
import { close, constants, fstat, open, read, readSync, type Stats } from "node:fs";
import { totalmem } from "node:os";
import { BOM, firstNonBlank, OPEN_BRACKET, readBatches, SharedChunks, type BatchInput, type Limits } from "./records.js";

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

  /**
   * @param direct Whether a regular file is read bypassing the page cache, where the system allows
   * it: `"large"` (the default) for a file larger than half the machine's memory (see Pieces), or
   * always or never (for tests).
   */
  constructor(
    targetBytes: number,
    readonly direct: boolean | "large" = "large",
  ) {
    this.piece = Math.max(1 << 16, targetBytes);
  }

  private get standard(): number {
    return roomFor(CARRY_ROOM) + this.piece;
  }

  /** A buffer with room for a piece after `carry` bytes (see roomFor), not lent. */
  take(carry: number): SharedArrayBuffer {
    const size = roomFor(carry) + this.piece;
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

/** What a read that bypasses the page cache asks of its memory and file offsets: multiples of this. */
const ALIGN = 4096;

/** Bytes before a piece in a buffer: room for `carry` bytes, a multiple of ALIGN, and up to ALIGN to align the piece's address. */
function roomFor(carry: number): number {
  return Math.ceil(Math.max(carry, CARRY_ROOM) / ALIGN) * ALIGN + ALIGN;
}

function opened(path: string, flags: number): Promise<number> {
  return new Promise((resolve, reject) => open(path, flags, (e, fd) => (e === null ? resolve(fd) : reject(e))));
}

function closed(fd: number): Promise<void> {
  return new Promise((resolve) => close(fd, () => resolve()));
}

/**
 * The pieces of a file, read one after another.
 *
 * A regular file is read at explicit offsets. One larger than half the machine's memory (the
 * national population: 19 GB on 24 GB), where the system allows it, through a second descriptor
 * opened with O_DIRECT: the device writes into the buffer itself, and the page cache is neither
 * filled nor searched. Such a file is not in the cache when a run starts (read from start to end,
 * it pushes its own start out), and filling the cache as it is read cost about 2 CPU-µs a record
 * of system time (2 M records not in the cache, whole runs: 21.3-24.3 CPU-s through the cache,
 * 19.7-20.7 bypassing it); but a file that is in the cache is read from it more cheaply than from
 * the device (17.6-18.1 against 18.4-19.6), so a smaller file goes through the cache. Such a read needs an address that is a multiple of the
 * device's alignment; JavaScript cannot see an address, so a buffer's first such offset is found
 * by trying each in turn (`shift`): a misaligned read fails at once with EINVAL and reads nothing.
 * Any read that cannot bypass the cache, or that the system refuses, reads through it instead,
 * in this thread: from the cache that takes about as long as handing it to libuv's thread pool.
 *
 * Anything else (a pipe, a device) is read where the descriptor stands, through libuv's thread
 * pool: such a read can wait indefinitely, and this thread must not wait (it collects results and
 * runs the watchdog).
 */
class Pieces {
  private position = 0;
  /** Per buffer: the first offset whose address is aligned, or -1 (reads into it go through the cache). */
  private readonly shifts = new WeakMap<SharedArrayBuffer, number>();
  private lastShift = 0;

  private constructor(
    private readonly fd: number,
    private readonly regular: boolean,
    private readonly direct: number | undefined,
    private readonly piece: number,
  ) {}

  static async open(path: string, piece: number, bypass: boolean | "large"): Promise<Pieces> {
    const fd = await opened(path, constants.O_RDONLY);
    try {
      const st = await new Promise<Stats>((resolve, reject) => fstat(fd, (e, got) => (e === null ? resolve(got) : reject(e))));
      const regular = st.isFile();
      let direct: number | undefined;
      const wanted = bypass === "large" ? st.size > totalmem() / 2 : bypass;
      if (regular && wanted && constants.O_DIRECT !== undefined && piece % ALIGN === 0) direct = await opened(path, constants.O_RDONLY | constants.O_DIRECT).catch(() => undefined);
      return new Pieces(fd, regular, direct, piece);
    } catch (e) {
      await closed(fd);
      throw e;
    }
  }

  /** Where in `buffer` a piece goes after `carry` bytes: aligned for a read that bypasses the cache, if the buffer can take one. */
  at(buffer: SharedArrayBuffer, carry: number): number {
    return roomFor(carry) - ALIGN + Math.max(0, this.shift(buffer));
  }

  private shift(buffer: SharedArrayBuffer): number {
    let shift = this.shifts.get(buffer);
    if (shift !== undefined) return shift;
    shift = -1;
    if (this.direct !== undefined) {
      // One piece from the file's start, read at each offset until one is accepted (it is read again
      // where it belongs); first at the offset the last buffer took, as buffers of a size tend to share it.
      for (let i = -1; i < ALIGN / 16 && shift === -1; i++) {
        const at = i === -1 ? this.lastShift : i * 16;
        if (i >= 0 && at === this.lastShift) continue;
        try {
          readSync(this.direct, new Uint8Array(buffer, at, this.piece), 0, this.piece, 0);
          shift = at;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "EINVAL") break;
        }
      }
      if (shift !== -1) this.lastShift = shift;
    }
    this.shifts.set(buffer, shift);
    return shift;
  }

  /** The next piece (up to `length` bytes) into `buffer` at `at`; 0 at the end of the file. */
  async read(buffer: SharedArrayBuffer | ArrayBuffer, at: number, length: number): Promise<number> {
    const into = new Uint8Array(buffer, at, length);
    if (!this.regular) return new Promise((resolve, reject) => read(this.fd, into, 0, length, null, (e, n) => (e === null ? resolve(n) : reject(e))));
    const position = this.position;
    let n: number | undefined;
    const shift = buffer instanceof SharedArrayBuffer ? this.shifts.get(buffer) : undefined;
    if (this.direct !== undefined && shift !== undefined && shift >= 0 && (at - shift) % ALIGN === 0 && position % ALIGN === 0 && length % ALIGN === 0) {
      const direct = this.direct;
      n = await new Promise<number | undefined>((resolve, reject) =>
        read(direct, into, 0, length, position, (e, got) => (e === null ? resolve(got) : (e as NodeJS.ErrnoException).code === "EINVAL" ? resolve(undefined) : reject(e))),
      );
      // Refused after all: this buffer's reads go through the cache.
      if (n === undefined) this.shifts.set(buffer as SharedArrayBuffer, -1);
    }
    n ??= readSync(this.fd, into, 0, length, position);
    this.position += n;
    return n;
  }

  async close(): Promise<void> {
    if (this.direct !== undefined) await closed(this.direct);
    await closed(this.fd);
  }
}

/** The bytes `head`, then the rest of the file, in fresh buffers of `piece` bytes: for readBatches. */
async function* rest(head: Buffer, pieces: Pieces, piece: number): AsyncGenerator<Buffer> {
  if (head.length > 0) yield head;
  for (;;) {
    const b = Buffer.allocUnsafeSlow(piece);
    const n = await pieces.read(b.buffer, b.byteOffset, piece);
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
  const pieces = await Pieces.open(path, piece, chunks.direct);
  let reading: Promise<number> | undefined;
  try {
    let buffer = chunks.take(0);
    const at = pieces.at(buffer, 0);
    reading = pieces.read(buffer, at, piece);
    const got = await reading;
    reading = undefined;
    const head = new Uint8Array(buffer, at, got);
    const bom = got >= BOM.length && BOM.every((x, i) => head[i] === x);
    const first = firstNonBlank(new Uint8Array(buffer), at + (bom ? BOM.length : 0), at + got);
    // A read of under 3 bytes (a pipe) could cut a byte order mark: readBatches joins the pieces first.
    if (got < BOM.length || first === -1 || first === OPEN_BRACKET) {
      const copy = Buffer.from(head);
      chunks.keep(buffer);
      yield* readBatches(rest(copy, pieces, piece), limits, targetBytes, false, chunks.fallback);
      return;
    }
    let start = at + (bom ? BOM.length : 0); // the first byte of `buffer` not yet sent
    let filled = at + got; // the end of the bytes read into `buffer`
    let line = 1; // number of the first line not yet sent
    let lines = 0; // whole lines in `buffer` from `start`
    let partial = 0; // bytes of the line in progress read before the last piece
    let skipping = false; // inside a line over the limit: its bytes are dropped
    let skipped = 0;
    let pieceAt = start; // where the last piece read starts in `buffer`
    let n = got - (bom ? BOM.length : 0);
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
            next = chunks.take(0);
          }
          skipping = true;
          skipped = partial + tail;
          lines = 0;
          partial = 0;
          start = filled = pieces.at(next ?? buffer, 0);
        } else partial += tail;
      }
      if (!skipping && lines > 0) {
        // Every whole line read goes; the line in progress is carried over to the next buffer.
        const lineStart = filled - partial;
        out.push({ kind: "chunk", firstLine: line, bytes: chunks.lend(buffer, start, lineStart) });
        line += lines;
        lines = 0;
        next = chunks.take(partial);
        filled = pieces.at(next, partial);
        start = filled - partial;
        new Uint8Array(next).set(new Uint8Array(buffer, lineStart, partial), start);
      } else if (!skipping && filled + piece > buffer.byteLength) {
        // A line longer than the room left: a larger buffer, holding what is not sent yet.
        const held = filled - start;
        next = chunks.take(held);
        const to = pieces.at(next, held);
        new Uint8Array(next).set(new Uint8Array(buffer, start, held), to - held);
        chunks.keep(buffer);
        start = to - held;
        filled = to;
      }
      if (next !== undefined) buffer = next;
      // The next piece (from a pipe: read while the batches go).
      pieceAt = filled;
      reading = pieces.read(buffer, filled, piece);
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
    await pieces.close();
  }
}
