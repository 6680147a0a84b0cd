import { describe, expect, it } from "vitest";
import { DiagnosticList, formatDiagnostic, type Diagnostic } from "../../src/compiler/diagnostics/diagnostic.js";
import { parseDocument } from "yaml";
import { copyValue, mergePatch, resolveExamples as resolveWith, runExamples, setPath, type ResolvedExamples } from "../../src/compiler/examples/index.js";
import type { RuleBlock } from "../../src/compiler/extract/index.js";
import { loadGenerated } from "../../src/compiler/load.js";
import { compileVersion } from "../../src/compiler/pipeline.js";
import { readVersion } from "../../src/compiler/source/versions.js";

function resolveExamples(blocks: readonly RuleBlock[]): ResolvedExamples & { diagnostics: Diagnostic[] } {
  const list = new DiagnosticList();
  return { ...resolveWith(blocks, list.accept), diagnostics: list.all };
}

const DEMO_10 = "test/fixtures/versions/demo-1.0";
const DEMO_11 = "test/fixtures/versions/demo-1.1";

function exampleBlock(code: string, clause?: string): RuleBlock {
  const lines = code.split("\n");
  const block = { kind: "example" as const, file: "x.md", code, firstLine: 20, columnOffsets: lines.map(() => 0), span: { file: "x.md", start: { line: 19, column: 1 }, end: { line: 20 + lines.length, column: 4 } } };
  return clause === undefined ? block : { ...block, clause };
}

describe("amendments", () => {
  const base = compileVersion(readVersion(DEMO_10));
  const amended = compileVersion(readVersion(DEMO_11));

  it("both versions compile cleanly", () => {
    expect(base.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(amended.diagnostics.map(formatDiagnostic)).toEqual([]);
  });

  it("substitutes, inserts and inherits clauses", () => {
    expect(amended.extracted.amendment).toEqual({ base: "demo-1.0", inserted: ["2.2"], substituted: ["2.1"], repealed: [] });
    const byNumber = new Map(amended.extracted.clauses.map((c) => [c.number, c]));
    expect([...byNumber.keys()].sort()).toEqual(["1.1", "2.1", "2.2", "3.1"]);
    expect(byNumber.get("1.1")!.span.file).toBe(`${DEMO_10}/index.md`);
    expect(byNumber.get("2.1")!.span.file).toBe(`${DEMO_11}/index.md`);
    expect(byNumber.get("2.1")!.text).toContain("not seen since 2020");
  });

  it("takes the substituted clause's rules and examples from the amendment only", () => {
    const rule = amended.checked!.rules.find((r) => r.id === "exclude_failed")!;
    expect(rule.decl.span.file).toBe(`${DEMO_11}/index.md`);
    const examples = amended.checked!.examples;
    expect(examples.filter((e) => e.clause === "2.1").map((e) => e.name)).toEqual(["a meter not seen since 2019 excludes", "a meter seen in 2021 does not"]);
    expect(examples.map((e) => e.name)).toContain("all meters active");
  });

  it("hashes the whole chain and records the version's own metadata", () => {
    const manifest = amended.files!.find((f) => f.path.endsWith("manifest.ts"))!.content;
    expect(manifest).toContain('"version": "1.1"');
    expect(manifest).toContain('"amends": "1.0"');
    expect(base.files!.find((f) => f.path.endsWith("manifest.ts"))!.content).not.toEqual(manifest);
  });

  it("reports a repeal of a clause the base lacks and a missing base", () => {
    const src = readVersion(DEMO_11);
    const text = src.files[0].text.replace("base: demo-1.0", 'base: demo-1.0\nrepeals: ["9.9"]');
    const repealed = compileVersion({ ...src, files: [{ ...src.files[0], text }] });
    expect(repealed.diagnostics.map((d) => d.code)).toContain("TMAD1006");
    const missing = compileVersion({ ...src, base: () => ({ missing: "base version demo-1.0 not found" }) });
    expect(missing.diagnostics.map((d) => d.code)).toContain("TMAD1007");
  });
});

describe("examples", () => {
  it("resolves defined installations through patch and set", () => {
    const { examples, diagnostics } = resolveExamples([
      exampleBlock("define: a\ninstallation: { id: X, meters: [{ serial: E1 }, { serial: G1 }] }"),
      exampleBlock('define: b\ninstallation: a\npatch: { id: Y }\nset: { "meters[1].serial": G2 }'),
      exampleBlock("example: e\ninstallation: b\npatch: { extra: 1 }\nexpect: { outcome: MIGRATE }", "1.1"),
    ]);
    expect(diagnostics).toEqual([]);
    expect(examples).toHaveLength(1);
    expect(examples[0].record).toEqual({ id: "Y", meters: [{ serial: "E1" }, { serial: "G2" }], extra: 1 });
    expect(examples[0].clause).toBe("1.1");
  });

  it("reports bad YAML, unknown keys and names, circles, bad paths and empty expectations with codes", () => {
    const { diagnostics } = resolveExamples([
      exampleBlock("example: [unclosed"),
      exampleBlock("example: e1\ninstalation: a\nexpect: { outcome: X }"),
      exampleBlock("example: e2\ninstallation: nobody\nexpect: { outcome: X }"),
      exampleBlock("define: p\ninstallation: q"),
      exampleBlock("define: q\ninstallation: p"),
      exampleBlock("example: e3\ninstallation: p\nexpect: { outcome: X }"),
      exampleBlock('example: e4\ninstallation: { id: 1 }\nset: { "meters[3].x": 1 }\nexpect: { outcome: X }'),
      exampleBlock("example: e5\ninstallation: { id: 1 }"),
      exampleBlock("example: e5\ninstallation: { id: 1 }\ncites: [1.1]"),
    ]);
    const codes = diagnostics.map((d) => d.code);
    expect(codes).toContain("TMAD5001");
    expect(codes).toContain("TMAD5002");
    expect(codes).toContain("TMAD5003");
    expect(codes).toContain("TMAD5005");
    expect(diagnostics.find((d) => d.code === "TMAD5002" && d.message.includes("instalation"))?.hint).toBe("did you mean `installation`?");
    expect(diagnostics.find((d) => d.code === "TMAD5001")?.span.start.line).toBeGreaterThanOrEqual(20);
  });

  it("merge patch and set follow their rules", () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { b: { c: null, e: 4 }, l: [9] })).toEqual({ a: 1, b: { d: 3, e: 4 }, l: [9] });
    const r = { a: [{ b: 1 }] };
    expect(setPath(r, "a[0].b", 2)).toBeUndefined();
    expect(r).toEqual({ a: [{ b: 2 }] });
    expect(setPath(r, "a[1].b", 2)).toMatch(/only 1 element/);
    expect(setPath(r, "__proto__.x", 1)).toBe("that key is not allowed");
    expect(setPath(r, "a..b", 1)).toBe("not a path");
  });

  it("copies a YAML value as structuredClone does", () => {
    const yaml = "x: &r { k: [1, 2, { z: null }] }\ny: *r\n__proto__: { polluted: true }\nn: [.inf, .nan, -0, ~]\nb: !!binary aGVsbG8=\n";
    const value = parseDocument(yaml).toJS() as Record<string, { k: unknown[] }>;
    const copy = copyValue(value) as Record<string, { k: unknown[] }>;
    expect(copy).toStrictEqual(structuredClone(value));
    expect(copy.x).not.toBe(value.x);
    expect(copy.x.k).not.toBe(value.x.k);
    // The alias's value is one object in the copy too, and `__proto__` an own key, not the prototype.
    expect(copy.y).toBe(copy.x);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(["x", "y", "__proto__", "n", "b"]);
    expect(copy["b"]).toBeInstanceOf(Uint8Array);
    expect(() => copyValue(() => 1)).toThrow();
  });
});

describe("running examples", () => {
  const compiled = compileVersion(readVersion(DEMO_10));
  const version = loadGenerated(compiled.files!);

  it("passes the fixture's examples and reports full coverage", () => {
    const report = runExamples(compiled.checked!, version);
    expect(report.failures).toEqual([]);
    expect(report.clauses.map((c) => [c.number, c.examples.length])).toEqual([
      ["1.1", 2],
      ["2.1", 3],
      ["3.1", 1],
    ]);
    expect(report.precedence).toEqual([{ winner: "migrate", loser: "exclude_failed", exercisedBy: ["migration wins over exclusion"] }]);
  });

  it("fails an example whose expectation or citations are wrong, and a clause without examples", () => {
    const examples = compiled.checked!.examples.filter((e) => e.clause !== "3.1");
    const wrong = examples.map((e) => (e.name === "all meters active" ? { ...e, expect: { fields: { outcome: "EXCLUDED", nosuch: 1 }, cites: ["2.1"], notCites: ["1.1"] } } : e));
    const report = runExamples(compiled.checked!, version, { examples: wrong });
    const failed = report.examples.find((e) => e.name === "all meters active")!;
    expect(failed.passed).toBe(false);
    expect(failed.problems).toEqual([
      'outcome: expected "EXCLUDED", got "MIGRATE"',
      "expects `nosuch`, which is not a field of the decision",
      "must cite clause 2.1, but cites 1.1",
      "must not cite clause 1.1, but does",
    ]);
    expect(report.failures).toContain("clause 3.1 (Default) has no example");
  });

  it("an invalid example installation fails with the validator's message", () => {
    const [one] = compiled.checked!.examples;
    const report = runExamples(compiled.checked!, version, { examples: [{ ...one, record: { id: "Z" } }] });
    expect(report.examples[0].problems[0]).toMatch(/^invalid installation: \$\.installedOn: Site requires/);
  });
});
