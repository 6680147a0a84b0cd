import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readBatches, readRawRecords, recordsOf, scanJson, type RawRecord } from "../../src/cli/records.js";

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
    for (const target of [1, 64, 1000, 1 << 18]) {
      const batches = await collect(readBatches(file, limits, target));
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

describe("scanJson", () => {
  it("finds duplicate keys at any depth, and excessive nesting, without recursion", () => {
    expect(scanJson('{"a":1,"b":{"a":2}}', 32)).toBeUndefined();
    expect(scanJson('{"a":1,"b":{"c":2,"c":3}}', 32)?.code).toBe("duplicate-key");
    expect(scanJson('{"a\\u0062":1,"ab":2}', 32)?.code).toBe("duplicate-key");
    expect(scanJson('{"s":"{\\"a\\":1,\\"a\\":2}"}', 32)).toBeUndefined();
    expect(scanJson("[".repeat(100000) + "]".repeat(100000), 32)?.code).toBe("too-deep");
  });
});
