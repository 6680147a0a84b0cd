import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseRaw, readBatches, readRawRecords, recordsOf, scanJson, SharedChunks, type BatchInput, type RawRecord } from "../../src/cli/records.js";

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("reading records in chunks", () => {
  const dir = mkdtempSync(join(tmpdir(), "tmad-records-"));
  const lines = Array.from({ length: 400 }, (_, i) => (i % 37 === 5 ? "" : i % 53 === 7 ? `{"big":"${"x".repeat(300)}"}` : `{"n":${i}}`));
  const file = join(dir, "in.ndjson");
  writeFileSync(file, `${lines.join("\r\n")}\r\n{"last":true}`);
  const limits = { maxRecordBytes: 200, maxDepth: 32 };

  it("numbers every record by its line, whatever the chunk size, and reports long lines", async () => {
    const expected: RawRecord[] = await collect(readRawRecords(file, limits));
    const bytes = Buffer.from(`${lines.join("\r\n")}\r\n{"last":true}`);
    // Read from the file, and from streams cut into pieces of a few sizes (long lines then span pieces).
    const sources = [file, 3, 50, 333].map((cut) => (typeof cut === "string" ? () => cut : () => (async function* () { for (let i = 0; i < bytes.length; i += cut) yield bytes.subarray(i, i + cut); })()));
    for (const [target, source] of [1, 64, 1000, 1 << 18].flatMap((t) => sources.map((s) => [t, s] as const))) {
      const batches = await collect(readBatches(source(), limits, target));
      // Each batch is transferred to a worker in real use: detach it here to prove numbering does not depend on it.
      const records = batches.flatMap((b) => {
        const r = recordsOf(b);
        if (b.kind === "chunk") structuredClone(b.bytes.buffer, { transfer: [b.bytes.buffer as ArrayBuffer] });
        return r;
      });
      // Sizes may differ by a carriage return; which records are too large may not.
      const shape = (r: RawRecord): unknown => (r.tooLarge !== undefined || (r.text !== undefined && Buffer.byteLength(r.text) > limits.maxRecordBytes) ? { record: r.record, tooLarge: true } : r);
      expect(records.map(shape), `target ${target}`).toEqual(expected.map(shape));
    }
    expect(expected.filter((r) => r.tooLarge !== undefined).length).toBe(lines.filter((l) => l.length > 200).length);
    expect(expected[expected.length - 1]).toEqual({ record: 401, text: '{"last":true}' });
  });
});

describe("chunks in shared memory", () => {
  const dir = mkdtempSync(join(tmpdir(), "tmad-shared-"));
  const lines = Array.from({ length: 300 }, (_, i) => (i % 41 === 3 ? "" : `{"n":${i},"pad":"${"é".repeat(i % 17)}${"x".repeat((i * 7) % 90)}"}`));
  const file = join(dir, "in.ndjson");
  writeFileSync(file, `${lines.join("\n")}\n`);
  const limits = { maxRecordBytes: 1000, maxDepth: 32 };

  it("hold every chunk's bytes while lent, and are used again once given back", async () => {
    const expected: RawRecord[] = await collect(readRawRecords(file, limits));
    for (const target of [64, 700, 5000]) {
      const chunks = new SharedChunks();
      const lent: { input: BatchInput; copy: Buffer }[] = [];
      const seen = new Set<ArrayBufferLike>();
      const records: RawRecord[] = [];
      let count = 0;
      for await (const b of readBatches(file, limits, target, false, chunks)) {
        records.push(...recordsOf(b));
        if (b.kind !== "chunk") continue;
        count++;
        expect(b.bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
        seen.add(b.bytes.buffer);
        lent.push({ input: b, copy: Buffer.from(b.bytes) });
        // Three batches in flight: the oldest comes back, unchanged by the chunks made since.
        if (lent.length > 3) {
          const done = lent.shift()!;
          expect(Buffer.from(done.input.kind === "chunk" ? done.input.bytes : []).equals(done.copy)).toBe(true);
          chunks.release(done.input);
          // Given back twice by mistake: still only one chunk at a time in its memory.
          chunks.release(done.input);
        }
      }
      for (const l of lent) expect(Buffer.from(l.input.kind === "chunk" ? l.input.bytes : []).equals(l.copy)).toBe(true);
      expect(records, `target ${target}`).toEqual(expected);
      if (count > 8) expect(seen.size).toBeLessThan(count);
    }
  });
});

describe("splitting a chunk into records", () => {
  it("gives the lines of a chunk decoded as a whole, however it is cut into pieces to decode", () => {
    // Lines of every length around the 64 KB pieces, multi-byte characters, a broken UTF-8
    // sequence before a newline, carriage returns, blank lines and lines longer than a piece.
    const lines: Buffer[] = [];
    for (let i = 0; i < 120; i++) {
      const text = i % 11 === 3 ? " \t" : `{"n":${i},"s":"${"é€𝄞x".repeat((i * 977) % 3000)}${i % 17 === 0 ? "y".repeat(70_000 + i) : ""}"}${i % 5 === 0 ? "\r" : ""}`;
      lines.push(Buffer.concat([Buffer.from(text), i % 23 === 9 ? Buffer.from([0xe2, 0x82]) : Buffer.alloc(0)]));
    }
    const bytes = Buffer.concat(lines.flatMap((l) => [l, Buffer.from("\n")]));
    expect(bytes.length).toBeGreaterThan(4 << 16);
    const expected: RawRecord[] = [];
    bytes
      .toString("utf8")
      .split("\n")
      .slice(0, -1)
      .forEach((line, i) => {
        const text = line.endsWith("\r") ? line.slice(0, -1) : line;
        if (text.trim() !== "") expected.push({ record: 10 + i, text });
      });
    expect(recordsOf({ kind: "chunk", firstLine: 10, bytes: new Uint8Array(bytes) })).toEqual(expected);
    // The last line without its newline.
    const open = bytes.subarray(0, bytes.length - 1);
    expect(recordsOf({ kind: "chunk", firstLine: 10, bytes: new Uint8Array(open) })).toEqual(expected);
  });
});

describe("scanJson", () => {
  it("finds duplicate keys at any depth, and excessive nesting, without recursion", () => {
    expect(scanJson('{"a":1,"b":{"a":2}}', 32)).toBeUndefined();
    expect(scanJson('{"a":1,"b":{"c":2,"c":3}}', 32)?.code).toBe("duplicate-key");
    expect(scanJson('{"a\\u0062":1,"ab":2}', 32)?.code).toBe("duplicate-key");
    expect(scanJson('{"s":"{\\"a\\":1,\\"a\\":2}"}', 32)).toBeUndefined();
    expect(scanJson("[".repeat(100000) + "]".repeat(100000), 32)?.code).toBe("too-deep");
  });
});

/** The records read from `content`, as a file and as a stream (standard input), which must agree. */
async function read(content: string | Buffer, limits = { maxRecordBytes: 1 << 20, maxDepth: 32 }, chunk = 7): Promise<{ record: number; value?: unknown; problem?: string; message?: string }[]> {
  const dir = mkdtempSync(join(tmpdir(), "tmad-framing-"));
  const file = join(dir, "in.json");
  writeFileSync(file, content);
  const bytes = Buffer.from(content);
  // A stream cut into small pieces: every boundary (inside strings, escapes, a BOM) is crossed.
  const stream = async function* (): AsyncGenerator<Buffer> {
    for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
  };
  const shape = (raws: RawRecord[]) =>
    raws.map((raw) => {
      const p = parseRaw(raw, limits);
      return "value" in p ? { record: raw.record, value: p.value } : { record: raw.record, problem: p.problem.code, message: p.problem.message };
    });
  const fromFile = shape(await collect(readRawRecords(file, limits)));
  const fromStream = shape(await collect(readRawRecords(stream(), limits)));
  expect(fromStream).toEqual(fromFile);
  const viaBatches = shape((await collect(readBatches(stream(), limits, 64))).flatMap(recordsOf));
  expect(viaBatches.map((r) => r.record)).toEqual(fromFile.map((r) => r.record));
  return fromFile;
}

describe("framing: NDJSON or one JSON array, decided by the whole first value", () => {
  it("an NDJSON file whose first line is an array is NDJSON: every line is a record", async () => {
    const got = await read('[1,2]\n{"a":1}\n{"a":2}\n');
    expect(got).toEqual([
      { record: 1, value: [1, 2] },
      { record: 2, value: { a: 1 } },
      { record: 3, value: { a: 2 } },
    ]);
  });

  it("an NDJSON file whose first line starts with [ but is broken is NDJSON too", async () => {
    const got = await read('[1,2\n{"a":1}\n{"a":2}\n{"a":3}\n');
    expect(got.map((r) => r.record)).toEqual([1, 2, 3, 4]);
    expect(got[0].problem).toBe("invalid-json");
    expect(got.slice(1).map((r) => r.value)).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
    const trailingComma = await read('[1,2,\n{"a":1}\n{"a":2}\n{"a":3}\n');
    expect(trailingComma.slice(1).map((r) => r.value)).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
  });

  it("a file that is one JSON array, on one line or pretty-printed, gives its elements", async () => {
    expect(await read('[{"a":1},{"a":2}]')).toEqual([
      { record: 1, value: { a: 1 } },
      { record: 2, value: { a: 2 } },
    ]);
    const pretty = JSON.stringify([{ a: 1, s: "x,]}\"[{" }, { a: 2 }, 3, "t", null, [4]], null, 2);
    expect((await read(`\n${pretty}\n\n`)).map((r) => r.value)).toEqual([{ a: 1, s: "x,]}\"[{" }, { a: 2 }, 3, "t", null, [4]]);
    expect(await read("[]\n")).toEqual([]);
    expect(await read("  [ ]  ")).toEqual([]);
  });

  it("a UTF-8 byte order mark at the start is skipped, for NDJSON and arrays", async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    expect(await read(Buffer.concat([bom, Buffer.from('{"a":1}\n{"a":2}\n')]), undefined, 1)).toEqual([
      { record: 1, value: { a: 1 } },
      { record: 2, value: { a: 2 } },
    ]);
    expect((await read(Buffer.concat([bom, Buffer.from('[{"a":"é"}]')]), undefined, 2)).map((r) => r.value)).toEqual([{ a: "é" }]);
  });

  it("array elements get the same guards as NDJSON lines: depth, duplicate keys, size", async () => {
    // 200,000 levels deep: once the run's end (a stack overflow), now one too-deep record.
    const deep = `${"[".repeat(200_000)}${"]".repeat(200_000)}`;
    const got = await read(`[\n{"a":1},\n{"a":1,"a":2},\n${deep},\n{"\\u0062":1,"b":2},\n{"b":2}\n]\n`, undefined, 4096);
    expect(got.map((r) => r.problem ?? "ok")).toEqual(["ok", "duplicate-key", "too-deep", "duplicate-key", "ok"]);
    expect(got.map((r) => r.record)).toEqual([1, 2, 3, 4, 5]);
    expect(got[1].message).toBe('key "a" appears twice in one object');
    expect(got[2].message).toBe("nested more than 32 levels deep");
    const limits = { maxRecordBytes: 100, maxDepth: 4 };
    const small = await read(`[\n{"pad":"${"x".repeat(200)}"},\n[[[[[1]]]]],\n[[[[1]]]],\n{"b":2}\n]\n`, limits, 5);
    expect(small.map((r) => r.problem ?? "ok")).toEqual(["too-large", "too-deep", "ok", "ok"]);
    expect(small[0].message).toBe("record 1 is 210 bytes, over the limit of 100 (--max-record-bytes)");
    expect(small[1].message).toBe("nested more than 4 levels deep");
  });

  it("a broken array gives the elements before the break and one error record, and counts reconcile", async () => {
    const truncated = await read('[\n{"a":1},\n{"a":2},\n{"a":3},\n{"a":');
    expect(truncated.map((r) => r.value ?? r.problem)).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }, "invalid-json"]);
    expect(truncated[3].message).toBe("the JSON array is not closed: the input ends inside it (line 5); nothing after element 3 was read");
    const garbage = await read('[\n{"a":1},\n{"a":2},\n{"a":3} x {"a":4}\n]');
    expect(garbage.map((r) => r.value ?? r.problem)).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }, "invalid-json"]);
    expect(garbage[3].message).toBe("the JSON array breaks off at line 4: expected `,` or `]` after element 3, found `x`; the rest of the input was not read");
    const trailing = await read('[\n{"a":1},\n{"a":2}\n]\n{"a":3}\n');
    expect(trailing.map((r) => r.value ?? r.problem)).toEqual([{ a: 1 }, { a: 2 }, "invalid-json"]);
    expect(trailing[2].message).toBe("text after the end of the JSON array, at line 5; a file holds one JSON array or one record per line (NDJSON)");
  });
});

describe("the size limit at its edge", () => {
  it("a record of exactly the limit is read, one byte over is too-large, with LF or CRLF, however the input is cut", async () => {
    const limits = { maxRecordBytes: 40, maxDepth: 32 };
    const line = (n: number): string => `{"a":"${"x".repeat(n - 8)}"}`;
    for (const eol of ["\n", "\r\n"]) {
      const content = Buffer.from(`${line(40)}${eol}${line(41)}${eol}${line(39)}${eol}`);
      for (const cut of [1, 2, 3, 7, 41, 42, 43, 4096]) {
        const stream = async function* (): AsyncGenerator<Buffer> {
          for (let i = 0; i < content.length; i += cut) yield content.subarray(i, i + cut);
        };
        const got = (await collect(readRawRecords(stream(), limits))).map((r) => (r.tooLarge !== undefined ? "too-large" : r.text?.length));
        expect(got, `${JSON.stringify(eol)} cut every ${cut}`).toEqual([40, "too-large", 39]);
      }
    }
  });
});

describe("blank lines", () => {
  it("only JSON whitespace makes a line blank: a line of U+FEFF, U+00A0 or U+2028 is a record (invalid JSON), not skipped", async () => {
    const got = await read('{"a":1}\n\ufeff\n \t \n\u00a0\n\u2028\n{"a":2}\n');
    expect(got.map((r) => [r.record, r.problem ?? "ok"])).toEqual([
      [1, "ok"],
      [2, "invalid-json"],
      [4, "invalid-json"],
      [5, "invalid-json"],
      [6, "ok"],
    ]);
  });
});
