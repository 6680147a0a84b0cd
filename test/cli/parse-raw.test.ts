/**
 * parseRaw finds duplicate keys and excess depth by counting (keys in the text against members
 * of the parsed value) and scans key by key only when something is wrong: every record must get
 * the outcome that scanning every record (scanJson, then JSON.parse) gave.
 */
import { describe, expect, it } from "vitest";
import { countKeysInText, countKeysInValue, countKeysQuickly, DEFAULT_LIMITS, escapeExcess, parseRaw, scanJson } from "../../src/cli/records.js";
import { generateInstallations } from "../../src/population/generate.js";
import { expectEqual } from "../helpers/equal.js";

function reference(text: string, maxDepth: number): { value: unknown } | { problem: { code: string; message: string } } {
  const scanned = scanJson(text, maxDepth);
  if (scanned !== undefined) return { problem: scanned };
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    return { problem: { code: "invalid-json", message: `line 1 is not valid JSON: ${(e as Error).message}` } };
  }
}

function random(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return Math.floor((x / 2 ** 31) * n); // the high bits: an LCG's low bits repeat with a short period
  };
}

const PIECES = ['"id"', '"a\\\\"', '"b\\"c"', ":", ",", "{", "}", "[", "]", '"', "\\", " ", "1", "null", '"devices":', '{"id":1,"id":2}', '"x":{"y":[{"z":1}]}'];

describe("parseRaw counts instead of scanning every record", () => {
  const lines = [...generateInstallations({ count: 300, seed: 3, invalidRate: 0.2 })];

  it("counts the keys of valid JSON exactly", () => {
    for (const line of lines) {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        continue;
      }
      expect(countKeysInText(line, 64)).toBe(countKeysInValue(value));
    }
    expect(countKeysInText('{"a": 1, "b" : {"a\\"": [ "x", {"c":"\\\\"} ]}}', 64)).toBe(4);
    expect(countKeysInText('{"a":1,"a":2}', 64)).toBe(2);
    expect(countKeysInValue(JSON.parse('{"a":1,"a":2}'))).toBe(1);
    expect(countKeysInText("[[[1]]]", 2)).toBe(-1);
  });

  it("counts keys quickly never fewer than there are, or says it cannot", () => {
    // Fewer could hide a key given twice; more (a string value starting with `:`) only sends the
    // record the long way.
    let counted = 0;
    for (const line of lines) {
      const spaced = line.replaceAll('":', '": ').replaceAll(',"', ', "');
      for (const text of [line, spaced]) {
        const quick = countKeysQuickly(text);
        if (quick !== -1) expect(quick).toBeGreaterThanOrEqual(countKeysInText(text, 64));
        if (quick === countKeysInText(text, 64)) counted++;
      }
    }
    expect(counted).toBeGreaterThan(lines.length);
    expect(countKeysQuickly('{"a":1,"b":{"c":":"}}')).toBe(4);
    expect(countKeysQuickly('{"a":1,"b\\":{"c":2}}')).toBe(-1);
    expect(countKeysQuickly('{"a" :1}')).toBe(-1);
    expect(countKeysQuickly('{"a":"x:y","b":"10:11:12Z"}')).toBe(2);
    expect(countKeysQuickly('{"a":"\\":1}')).toBe(-1);
  });

  it("measures what escapes add exactly: a string's text less its escapes is its length and quotes", () => {
    // Every kind of escape, backslashes before `u` and before a backslash, surrogate pairs, lone
    // surrogates, written as JSON.stringify writes them and with every character escaped as \uXXXX.
    const strings = ["", "plain", 'a"b', "a\\b", "\\u0041", "\\\\u", "tab\there", "line\nend\r\b\f", "\u0001\u001f", "é and ü", "\u{1F600}", "\ud800 lone", "a/b", "\\", '\\"'];
    const everyEscaped = (x: string): string => `"${Array.from({ length: x.length }, (_, i) => `\\u${x.charCodeAt(i).toString(16).padStart(4, "0")}`).join("")}"`;
    for (const x of strings) {
      for (const text of [JSON.stringify(x), everyEscaped(x), JSON.stringify(x).replace(/\//g, "\\/")]) {
        expect(JSON.parse(text)).toBe(x);
        expectEqual([text, text.length - escapeExcess(text)], [text, x.length + 2]);
      }
    }
    const record = JSON.stringify({ "k\"ey": ["\\u0041", { "\n": "é" }], plain: "x" });
    expect(record.length - escapeExcess(record)).toBe('{"k"ey":["\\u0041",{"\n":"é"}],"plain":"x"}'.length);
  });

  it("gives every record the outcome scanning gave: generated lines, and lines with pieces spliced in", () => {
    const next = random(99);
    let problems = 0;
    const check = (text: string, maxDepth: number): void => {
      const got = parseRaw({ record: 1, text }, { ...DEFAULT_LIMITS, maxDepth });
      expectEqual([text, got], [text, reference(text, maxDepth)]);
      if ("problem" in got) problems++;
    };
    for (const line of lines) check(line, DEFAULT_LIMITS.maxDepth);
    for (let i = 0; i < 6_000; i++) {
      const line = lines[next(lines.length)];
      const at = next(line.length);
      const piece = PIECES[next(PIECES.length)];
      const text = next(2) === 0 ? line.slice(0, at) + piece + line.slice(at) : line.slice(0, at) + piece + line.slice(at + 1 + next(5));
      check(text, [2, 3, 4, 32][next(4)]);
    }
    // Duplicates made on purpose, at depth.
    check('{"id":"x","devices":[{"id":1,"type":2,"id":3}]}', 32);
    check('{"a":{"b":{"c":{"d":1}}},"a":2}', 3);
    expect(problems).toBeGreaterThan(1_000);
  });
});
