/**
 * Property-based tests of reading and validating installation records (issue 6, part 3): the
 * validator never throws and accepts exactly the valid records (judged by an independent oracle
 * written from the schema); the raw reader never throws and agrees with JSON.parse. The properties
 * live in scripts/fuzz.ts; here each runs a bounded number of times.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseRaw, scanJson } from "../../src/cli/records.js";
import type { Validator } from "../../src/runtime/index.js";
import { version } from "../../generated/tmad-20.v2/index.js";
import { mutateRecord, recordProperties, validByOracle, validExamples } from "../../scripts/fuzz.js";

const seed = process.env.FUZZ_SEED === "random" ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED ?? 20240601);
const validator = version.validator as Validator<unknown>;

describe("record properties (fast-check)", () => {
  for (const p of recordProperties) {
    it(`${p.name} (${p.testRuns} runs)`, () => {
      fc.assert(p.property, { numRuns: p.testRuns, seed });
    });
  }
});

describe("the oracle and the mutations behind the properties", () => {
  const examples = validExamples(validator);

  it("starts from the valid example records, which validator and oracle both accept", () => {
    expect(examples.length).toBeGreaterThan(40);
    for (const e of examples) {
      expect(validator.validate(e).ok).toBe(true);
      expect(validByOracle(validator.schema, e)).toBe(true);
    }
  });

  it("the oracle rejects each kind of mutation that makes a record invalid", () => {
    const base = (): unknown => JSON.parse(JSON.stringify(examples[0]));
    const cases: unknown[] = [
      mutateRecord(base(), { kind: "replace", at: 1, value: 42 }), // `id` is text
      mutateRecord(base(), { kind: "drop", at: 1 }),
      mutateRecord(base(), { kind: "addKey", at: 0, key: "__proto__", value: {} }),
      mutateRecord(base(), { kind: "addKey", at: 0, key: "constructor", value: 1 }),
      mutateRecord(base(), { kind: "nest", at: 1, depth: 3, asList: true }),
      JSON.parse(JSON.stringify(examples[0]).replace(/^\{/, '{"__proto__":{"polluted":true},')),
    ];
    for (const c of cases) {
      expect(validByOracle(validator.schema, c)).toBe(false);
      const r = validator.validate(c);
      expect(r.ok).toBe(false);
    }
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it("a `__proto__` key read from JSON is reported as a forbidden key, and pollutes nothing", () => {
    const text = JSON.stringify(examples[0]).replace(/^\{/, '{"__proto__":{"isAdmin":true},');
    const parsed = parseRaw({ record: 1, text }, { maxRecordBytes: 1 << 20, maxDepth: 32 });
    expect("value" in parsed).toBe(true);
    const r = validator.validate((parsed as { value: unknown }).value);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toContainEqual(expect.objectContaining({ code: "forbidden-key", path: "$.__proto__" }));
    expect(({} as Record<string, unknown>)["isAdmin"]).toBeUndefined();
  });

  it("scanJson finds duplicate keys written with escapes, and depth beyond the limit", () => {
    expect(scanJson('{"a":1,"\\u0061":2}', 32)?.code).toBe("duplicate-key");
    expect(scanJson('{"a":{"b":1},"b":{"a":1}}', 32)).toBeUndefined();
    expect(scanJson("[[[]]]", 3)).toBeUndefined();
    expect(scanJson("[[[[]]]]", 3)?.code).toBe("too-deep");
    expect(scanJson('["{{{{", "[[[["]', 2)).toBeUndefined();
  });
});
