/**
 * Property-based tests of the compiler front end (issue 6, part 3): random and mutated rule files
 * never make extract, parse or check throw or hang, and every diagnostic has a valid span.
 * The properties live in scripts/fuzz.ts, which runs them with many more cases
 * (`npx tsx scripts/fuzz.ts --cases 1000000`); here each runs a bounded number of times.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chainOf } from "../../src/compiler/extract/index.js";
import { compileVersion } from "../../src/compiler/pipeline.js";
import { applyMutation, compilerProperties, fencedDocument, FRONT_MATTER, ruleVersions, setSlowMs, spanProblem } from "../../scripts/fuzz.js";

/** A fixed seed keeps `npm test` reproducible; FUZZ_SEED=random (or a number) explores. */
const seed = process.env.FUZZ_SEED === "random" ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED ?? 20240601);

describe("compiler properties (fast-check)", () => {
  // No wall-clock limit per case here (a loaded CI machine is not a hang): the test's own timeout
  // catches a real hang; `npm run fuzz` keeps its per-case limit.
  setSlowMs(Number.POSITIVE_INFINITY);
  for (const p of compilerProperties) {
    it(`${p.name} (${p.testRuns} runs)`, () => {
      fc.assert(p.property, { numRuns: p.testRuns, seed });
    });
  }

  it("the real rule documents compile without span problems (the mutations' starting point)", () => {
    for (const v of ruleVersions()) {
      const compiled = compileVersion(v, "check");
      const files = chainOf(v, () => undefined).flatMap((c) => c.source.files);
      for (const d of compiled.diagnostics) expect(spanProblem(d, files)).toBeUndefined();
      expect(compiled.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    }
  });

  it("mutations change the text as described", () => {
    const text = "```tmad\nrule a when x then y = 1\n```\n";
    expect(applyMutation(text, { kind: "truncate", at: 3 }, false)).toBe("```");
    expect(applyMutation(text, { kind: "insert", at: 0, text: "@" }, true)).toBe("```tmad\n@rule a when x then y = 1\n```\n");
    expect(applyMutation(text, { kind: "deleteToken", at: 0 }, true)).toBe("```tmad\n a when x then y = 1\n```\n");
    expect(applyMutation(text, { kind: "swapTokens", at: 0, other: 5 }, true)).toBe("```tmad\na rule when x then y = 1\n```\n");
  });
});

/** Spans of diagnostics in the Markdown file (1-based), for the bug reports below. */
function spans(text: string): { code: string; file: string; start: string; end: string }[] {
  const compiled = compileVersion({ id: "bug", dir: "bug", files: [{ path: "bug/index.md", text }] }, "check");
  return compiled.diagnostics.map((d) => ({ code: d.code, file: d.span.file, start: `${d.span.start.line}:${d.span.start.column}`, end: `${d.span.end.line}:${d.span.end.column}` }));
}

describe("bugs found by the properties", () => {
  // Was a bug, fixed: when no declaration of a version parsed (e.g. a tmad block holding only `@`), the three
  // TMAD3009 diagnostics ("no `input` / `decision` / `default` is declared") carry
  // span.file = "rules", which is not a file of the version (check/index.ts: fileSpan("rules")).
  // Expected: a file of the version (e.g. its first file, or the file with the front matter).
  it("TMAD3009 with no declarations points at a file of the version", () => {
    const d = spans(fencedDocument("@").files[0].text).filter((x) => x.code === "TMAD3009");
    expect(d.length).toBe(3);
    for (const x of d) expect(x.file).toBe("bug/index.md");
  });

  // Was a bug, fixed: a syntax error at the end of a block (the parser ran out of tokens) gets a span that ends
  // one column past the end of the last line: for the line `default` (7 characters) the span is
  // 13:8-13:9, but a column may be at most line length + 1 = 8 (parse/index.ts: BlockMap.endOfBlock
  // gives point(line, length + 1) with length 1). Expected: end column ≤ 8 (an empty span 13:8-13:8).
  it("a syntax error at the end of a block ends within its line", () => {
    const text = `${FRONT_MATTER}\n## 1.1 Fuzz\n\n\`\`\`tmad\ndefault\n\`\`\`\n`;
    const lines = text.split("\n");
    const d = spans(text).find((x) => x.code === "TMAD2003")!;
    expect(lines[12]).toBe("default");
    expect(d.start).toBe("13:8");
    const [line, column] = d.end.split(":").map(Number);
    expect(column).toBeLessThanOrEqual(lines[line - 1].length + 1);
  });
});
