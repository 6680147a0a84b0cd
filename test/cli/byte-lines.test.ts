/**
 * Output written straight into bytes (src/cli/byte-lines.ts) is exactly the UTF-8 that encoding the
 * same text as a string gives: for strings of every kind (ASCII, control characters, accents,
 * astral characters, lone surrogates, short and long), JSON strings as JSON.stringify writes them,
 * whole numbers as String writes them; and what `take` hands over is a buffer of its own.
 */
import { describe, expect, it } from "vitest";
import { ByteLines } from "../../src/cli/byte-lines.js";

const odd = [
  "",
  "a",
  "GEN-000000001",
  'quote " and backslash \\',
  "tab\tnew line\ncarriage\r",
  "\u0000\u001f\u007f",
  "café ü ß",
  "€ 中文",
  "😀 astral",
  "lone \ud800 high",
  "lone \udfff low",
  "\ud83d",
  "x".repeat(63),
  "x".repeat(64),
  "x".repeat(65),
  `${"y".repeat(70)}é`,
  `${"é".repeat(40)}${"z".repeat(40)}`,
  "\u2028\u2029",
];

/** Deterministic pseudo-random strings over ASCII, Latin-1, BMP and surrogates. */
function* randomStrings(count: number): Generator<string> {
  let seed = 42;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const pools = [
    () => 32 + next(95),
    () => next(32),
    () => 0x80 + next(0x780),
    () => 0x800 + next(0xd000),
    () => 0xd800 + next(0x800),
  ];
  for (let i = 0; i < count; i++) {
    const len = next(100);
    let s = "";
    for (let j = 0; j < len; j++) s += String.fromCharCode(pools[next(10) < 7 ? 0 : 1 + next(4)]());
    yield s;
  }
}

describe("byte lines", () => {
  it("write text as the UTF-8 Buffer.from gives, one after another, across growth", () => {
    const out = new ByteLines(8);
    const all = [...odd, ...randomStrings(2000)];
    for (const s of all) out.text(s);
    expect(Buffer.from(out.take()).equals(Buffer.from(all.join(""), "utf8"))).toBe(true);
  });

  it("write a JSON string only when JSON.stringify needs no escape, and then as it writes it", () => {
    for (const s of [...odd, ...randomStrings(2000)]) {
      const out = new ByteLines(4);
      out.text("[");
      const plain = out.plainJsonString(s);
      expect(plain, JSON.stringify(s)).toBe(/^[\x20-\x7f]*$/.test(s) && !/["\\]/.test(s));
      if (!plain) out.text(JSON.stringify(s));
      expect(Buffer.from(out.take()).toString("utf8")).toBe(`[${JSON.stringify(s)}`);
    }
  });

  it("write whole numbers as String does", () => {
    const numbers = [0, 1, 9, 10, 99, 100, 12345, 999999, 1000000, 2 ** 31, 2 ** 32 + 7, Number.MAX_SAFE_INTEGER, 2 ** 53, 1e21, 1.5, -1, -0];
    for (let n = 1; n < 1e15; n *= 7) numbers.push(n, n + 1, n - 1);
    const out = new ByteLines(2);
    for (const n of numbers) {
      out.wholeNumber(n);
      out.text(",");
    }
    expect(Buffer.from(out.take()).toString("latin1")).toBe(numbers.map((n) => `${String(n)},`).join(""));
  });

  it("hand over the bytes in a buffer of their own, and start again empty", () => {
    const out = new ByteLines(16);
    out.text("first batch");
    const a = out.take();
    expect(a.byteOffset).toBe(0);
    expect(a.buffer.byteLength).toBeGreaterThanOrEqual(a.byteLength);
    out.text("second");
    const b = out.take();
    expect(b.buffer).not.toBe(a.buffer);
    expect(Buffer.from(a).toString()).toBe("first batch");
    expect(Buffer.from(b).toString()).toBe("second");
    expect(out.take().byteLength).toBe(0);
  });
});
