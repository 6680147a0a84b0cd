/**
 * The fast reader of example blocks (examples/simple-yaml.ts) answers only for text the yaml
 * package reads without error, and then with the same value: on every example block of the corpus
 * and of a synthetic version (bench/synthetic.ts writes its examples with yaml's stringify), on
 * hand-written edge cases, and on 2,000 mutations of the corpus's blocks. It must also read
 * the corpus's and the synthetic version's blocks itself (else it speeds nothing up).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { writeSyntheticVersions } from "../../bench/synthetic.js";
import { readSimpleYaml } from "../../src/compiler/examples/simple-yaml.js";
import { extractVersion } from "../../src/compiler/extract/index.js";
import { readVersion } from "../../src/compiler/source/versions.js";

function exampleBlocks(dir: string): string[] {
  return extractVersion(readVersion(dir), () => undefined).blocks.filter((b) => b.kind === "example").map((b) => b.code);
}

/** undefined when the fast reader declines; otherwise whether yaml agrees (no error, the same value). */
function agrees(text: string): boolean | undefined {
  const fast = readSimpleYaml(text);
  if (fast === undefined) return undefined;
  const doc = parseDocument(text, { uniqueKeys: true });
  return doc.errors.length === 0 && isDeepStrictEqual(fast, doc.toJS());
}

const corpus = ["rules/tmad-19.0", "rules/tmad-20.v1", "rules/tmad-20.v2"].flatMap(exampleBlocks);

describe("simple-yaml", () => {
  it("reads every example block of the corpus as yaml does", () => {
    expect(corpus.length).toBeGreaterThan(100);
    for (const text of corpus) expect({ text, agrees: agrees(text) }).toEqual({ text, agrees: true });
  });

  it("reads every example block of a synthetic version (yaml's own block style) as yaml does", () => {
    const dir = mkdtempSync(join(tmpdir(), "tmad-simple-yaml-"));
    try {
      const { a, b } = writeSyntheticVersions(dir, 2);
      const blocks = [...exampleBlocks(a), ...exampleBlocks(b)];
      expect(blocks.length).toBeGreaterThan(100);
      for (const text of blocks) expect({ text, agrees: agrees(text) }).toEqual({ text, agrees: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("declines what it does not read, and agrees where it reads", () => {
    const declined = [
      "a: 1.5",
      "a: +1",
      "a: 007",
      "a: -0",
      "a: 0x1F",
      "a: .inf",
      "a: 1e3",
      "a: &x 1\nb: *x",
      "a: !!str 1",
      "a: |\n  text",
      "a: >\n  text",
      "a: 1 # comment",
      "# comment\na: 1",
      "a: 1\na: 2",
      "a: { b: 1, b: 2 }",
      "a: [1, 2,]",
      "a: { b: }",
      "a: 'it''s'",
      'a: "say \\"x\\""',
      "a:\tb",
      "a: b\r\nc: d",
      "a: b ",
      "---\na: 1",
      "- a\n- b",
      "a",
      "",
      "a: [b\n  c]",
      "a: { b: c:d }",
      "a: b: c",
      "a:\n  - b\n   - c",
      "a:\n  b: 1\n   c: 2",
      "a: x\n\n  y",
      "a: \"x\n  y\"",
      "__proto__: 1",
      "a: [\nb]",
      "true: 1",
      "a:  b",
      "a: -",
      "a:\n  -\n  - b",
      "a: café",
      // Nesting deeper than the reader recurses (yaml decides; the reader must not overflow its stack).
      `a: ${"[".repeat(100_000)}${"]".repeat(100_000)}`,
      Array.from({ length: 200 }, (_, i) => `${" ".repeat(i)}k:`).join("\n"),
      Array.from({ length: 200 }, (_, i) => `${" ".repeat(2 * i)}- k:`).join("\n"),
    ];
    for (const text of declined) expect({ text, read: readSimpleYaml(text) }).toEqual({ text, read: undefined });
    const read: [string, unknown][] = [
      ["a: 1", { a: 1 }],
      ["a: -12", { a: -12 }],
      ["a: null\nb: ~\nc: True\nd: FALSE", { a: null, b: null, c: true, d: false }],
      ["a: yes\nb: no\nc: on", { a: "yes", b: "no", c: "on" }],
      ["a: 2022-01-03T00:00:00Z\nb: 4.1A\nc: 18.9 before 18.11", { a: "2022-01-03T00:00:00Z", b: "4.1A", c: "18.9 before 18.11" }],
      ["a:\n  - x: 1\n    y: [\"2\", b c]\n  - 3", { a: [{ x: 1, y: ["2", "b c"] }, 3] }],
      ["a:\n- 1\n- 2\nb: {}", { a: [1, 2], b: {} }],
      ["a: long words\n  go on here (copy 1)\nb: []", { a: "long words go on here (copy 1)", b: [] }],
      ["a:\n  {\"b\": [1,\n   2], \"c\": {}}", { a: { b: [1, 2], c: {} } }],
      ["a:\nb: 1", { a: null, b: 1 }],
      ["\"d[0].x\": 'y'", { "d[0].x": "y" }],
    ];
    for (const [text, value] of read) {
      expect({ text, read: readSimpleYaml(text) }).toEqual({ text, read: value });
      expect({ text, agrees: agrees(text) }).toEqual({ text, agrees: true });
    }
  });

  it("never disagrees with yaml on mutations of the corpus's blocks", () => {
    // A fixed-seed generator: the same mutations every run.
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pieces = [" ", "  ", ":", ": ", "#", "-", "- ", "[", "]", "{", "}", ",", '"', "'", "\n", "\n  ", "0", "1.5", "a", "null", "true", "&", "*", "!", "|", ">", "~", "."];
    let read = 0;
    for (let i = 0; i < 2000; i++) {
      let text = corpus[random(corpus.length)];
      for (let edits = 1 + random(3); edits > 0; edits--) {
        const at = random(text.length + 1);
        const kind = random(3);
        const piece = pieces[random(pieces.length)];
        if (kind === 0) text = text.slice(0, at) + piece + text.slice(at);
        else if (kind === 1) text = text.slice(0, at) + text.slice(at + 1 + random(3));
        else text = text.slice(0, at) + piece + text.slice(at + piece.length);
      }
      const result = agrees(text);
      if (result !== undefined) read++;
      expect({ text, agrees: result ?? true }).toEqual({ text, agrees: true });
    }
    // The mutations reach the reader, not only its refusals.
    expect(read).toBeGreaterThan(250);
  });
});
