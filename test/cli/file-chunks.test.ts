import { execFileSync } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fileBatches, FileChunks } from "../../src/cli/file-chunks.js";
import { readBatches, recordsOf, type BatchInput, type Limits, type RawRecord } from "../../src/cli/records.js";

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** A deterministic generator of numbers in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const dir = mkdtempSync(join(tmpdir(), "tmad-file-chunks-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
function fileOf(content: string | Buffer): string {
  const path = join(dir, `in-${files++}.ndjson`);
  writeFileSync(path, content);
  return path;
}

/**
 * The records of every batch, each chunk's memory given back (and so used again) once its records
 * are out; the file read through the page cache and (where the system allows it) bypassing it.
 */
async function viaFile(path: string, limits: Limits, target: number, direct = false): Promise<RawRecord[]> {
  const chunks = new FileChunks(target, direct);
  const out: RawRecord[] = [];
  for await (const b of fileBatches(path, limits, target, chunks)) {
    out.push(...recordsOf(b));
    chunks.release(b);
  }
  return out;
}

async function viaStream(path: string, limits: Limits, target: number): Promise<RawRecord[]> {
  return (await collect(readBatches(path, limits, target))).flatMap(recordsOf);
}

/** Lines of many lengths (many over 64 KB, the size of a piece read, and some over the limit), blank ones, non-ASCII. */
function mixedLines(seed: number, count: number): string[] {
  const next = random(seed);
  return Array.from({ length: count }, (_, i) => {
    const r = next();
    if (r < 0.08) return "";
    if (r < 0.12) return " \t";
    const size = r < 0.3 ? Math.floor(next() * 200_000) : Math.floor(next() * 3000);
    return `{"n":${i},"s":"${(r < 0.5 ? "é" : "x").repeat(size)}"}`;
  });
}

describe("an NDJSON file read straight into shared memory", () => {
  const limits: Limits = { maxRecordBytes: 150_000, maxDepth: 32 };

  it("gives the records readBatches gives, sizes of long lines included", async () => {
    for (const seed of [1]) {
      const lines = mixedLines(seed, 100);
      const cases = [
        `${lines.join("\n")}\n`,
        lines.join("\r\n"), // no newline at the end
        `\uFEFF${lines.join("\n")}`, // a byte order mark
        `${"\n".repeat(70_000)}${lines.join("\n")}`, // the first piece blank
        `${"\n".repeat(70_000)}[${lines.filter((l) => l !== "" && l.trim() === l).join(",\n")}]`, // then a JSON array
        `["not an array", 1]\n${lines.join("\n")}`, // NDJSON whose first line starts with [
      ];
      for (const [i, content] of cases.entries()) {
        const path = fileOf(content);
        for (const target of [1, 100_000, 1 << 19]) {
          const expected = await viaStream(path, limits, target);
          expect(await viaFile(path, limits, target), `seed ${seed}, case ${i}, target ${target}`).toEqual(expected);
          expect(await viaFile(path, limits, target, true), `seed ${seed}, case ${i}, target ${target}, bypassing the cache`).toEqual(expected);
        }
      }
    }
  });

  it("is exact where a too-long line is cut by the pieces (just over the limit, ending in a carriage return, at the end)", async () => {
    const small: Limits = { maxRecordBytes: 70_000, maxDepth: 32 };
    for (const size of [65_535, 65_536, 69_999, 70_000, 70_001, 70_002, 131_071, 131_072, 200_000]) {
      for (const cr of ["", "\r"]) {
        const line = `{"s":"${"y".repeat(size - 8)}"}`;
        const content = [`{"a":1}`, `${line}${cr}`, `{"b":2}`, `${line}${cr}`, `${line}`].join("\n");
        const path = fileOf(content);
        const expected = await viaStream(path, small, 1 << 16);
        expect(await viaFile(path, small, 1 << 16), `size ${size}${cr === "" ? "" : " CR"}`).toEqual(expected);
        expect(await viaFile(path, small, 1 << 16, true), `size ${size}${cr === "" ? "" : " CR"}, bypassing the cache`).toEqual(expected);
      }
    }
  });

  it("hands a JSON array, an empty file and other odd starts to readBatches", async () => {
    const array = `[\n${Array.from({ length: 50 }, (_, i) => `{"n":${i}}`).join(",\n")}\n]\n`;
    for (const content of [array, `\uFEFF${array}`, "", "\n", "\uFEFF", Buffer.from([0xef, 0xbb]), "x", "  \n \n", "[1]\n[2]\n", "[1,\n"]) {
      const path = fileOf(content);
      for (const target of [1, 1 << 19]) {
        const expected = await viaStream(path, limits, target);
        expect(await viaFile(path, limits, target), JSON.stringify(content.toString())).toEqual(expected);
        expect(await viaFile(path, limits, target, true), JSON.stringify(content.toString())).toEqual(expected);
      }
    }
  });

  it("keeps each chunk unchanged while it is lent, and uses buffers again once they are given back", async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `{"n":${i},"pad":"${"z".repeat((i * 37) % 900)}"}`);
    const path = fileOf(`${lines.join("\n")}\n`);
    const chunks = new FileChunks(1 << 16, true);
    const lent: { input: BatchInput; copy: Buffer }[] = [];
    const seen = new Set<ArrayBufferLike>();
    let count = 0;
    const records: RawRecord[] = [];
    for await (const b of fileBatches(path, limits, 1 << 16, chunks)) {
      records.push(...recordsOf(b));
      if (b.kind !== "chunk") continue;
      count++;
      expect(b.bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
      seen.add(b.bytes.buffer);
      // A buffer holds one chunk at a time.
      expect(lent.some((l) => l.input.kind === "chunk" && l.input.bytes.buffer === b.bytes.buffer)).toBe(false);
      lent.push({ input: b, copy: Buffer.from(b.bytes) });
      // Up to 1 to 6 batches in flight, changing as it goes: the oldest come back, unchanged by what was read since.
      while (lent.length > [4, 1, 6, 2][Math.floor(count / 5) % 4]!) {
        const done = lent.shift()!;
        expect(Buffer.from(done.input.kind === "chunk" ? done.input.bytes : []).equals(done.copy)).toBe(true);
        chunks.release(done.input);
        // Given back twice by mistake: still one chunk at a time in its memory.
        chunks.release(done.input);
      }
    }
    for (const l of lent) expect(Buffer.from(l.input.kind === "chunk" ? l.input.bytes : []).equals(l.copy)).toBe(true);
    expect(records).toEqual(await viaStream(path, limits, 1 << 16));
    expect(count).toBeGreaterThan(20);
    expect(seen.size).toBeLessThanOrEqual(9);
  });

  it.runIf(process.platform === "linux")("reads a named pipe as it reads a file (there, waiting for each read off this thread)", async () => {
    const content = `${mixedLines(4, 60).join("\n")}\n`;
    const fifo = join(dir, `pipe-${files++}`);
    execFileSync("mkfifo", [fifo]);
    // The second half is written by a timer of this thread: were the pipe read in this thread, waiting, it would never come.
    const writing = new Promise<void>((resolve, reject) => {
      const w = createWriteStream(fifo).on("error", reject);
      w.write(content.slice(0, content.length >> 1), () => setTimeout(() => w.end(content.slice(content.length >> 1), resolve), 20));
    });
    const records = await viaFile(fifo, limits, 1 << 16);
    await writing;
    expect(records).toEqual(await viaStream(fileOf(content), limits, 1 << 16));
  });

  it("fails as readBatches does on a missing file or a folder, and can be stopped early", async () => {
    const missing = join(dir, "missing.ndjson");
    await expect(collect(fileBatches(missing, limits, 1 << 16, new FileChunks(1 << 16)))).rejects.toMatchObject({ code: "ENOENT", syscall: "open" });
    await expect(collect(readBatches(missing, limits, 1 << 16))).rejects.toMatchObject({ code: "ENOENT", syscall: "open" });
    await expect(collect(fileBatches(dir, limits, 1 << 16, new FileChunks(1 << 16)))).rejects.toMatchObject({ code: "EISDIR", syscall: "read" });
    await expect(collect(readBatches(dir, limits, 1 << 16))).rejects.toMatchObject({ code: "EISDIR", syscall: "read" });
    const path = fileOf(`${Array.from({ length: 2000 }, (_, i) => `{"n":${i},"pad":"${"q".repeat(300)}"}`).join("\n")}\n`);
    for await (const b of fileBatches(path, limits, 1 << 16, new FileChunks(1 << 16))) {
      expect(b.kind).toBe("chunk");
      break;
    }
  });
});
