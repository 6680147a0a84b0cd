/**
 * Decision lines written with the text of what repeats made once (src/cli/decision-json.ts) are
 * exactly what JSON.stringify writes: for the decisions of every version on generated records (with
 * and without an as-of date, so with `factsIgnored` and `reviewOn`), and for decisions the shortcut
 * must leave to JSON.stringify: members in another order, a result that is not frozen (or frozen
 * only on the outside, or with a getter or a toJSON), a conflict, members JSON.stringify leaves out.
 */
import { describe, expect, it } from "vitest";
import { ByteLines } from "../../src/cli/byte-lines.js";
import { DecisionJson } from "../../src/cli/decision-json.js";
import { loadVersion } from "../../src/index.js";
import { generateInstallations } from "../../src/population/generate.js";
import { evaluateRecord, type Decision } from "../../src/runtime/index.js";

/** What the line was before: the Decision's JSON with the record number put first. */
function reference(record: number, d: unknown): string {
  return JSON.stringify({ record, ...(d as object) });
}

/** The line as DecisionJson.write puts it into bytes, decoded again (after some bytes already written, as in a batch). */
function written(json: DecisionJson, record: number, d: Decision): string {
  const out = new ByteLines(16);
  out.text("x\n");
  json.write(out, record, d);
  return Buffer.from(out.take()).toString("utf8").slice(2);
}

const base = {
  installationId: "INS-1",
  document: "TMAD",
  version: "20.v2",
  versionId: "tmad-20.v2",
  asOf: null,
  sourceHash: "abc",
  status: "decided",
  result: Object.freeze({ outcome: "MIGRATE", excludedCategory: null, deregister: Object.freeze(["A", "B"]), notifySupplier: true }),
  rule: "migrate",
  clause: "4.1",
  fired: Object.freeze(["migrate"]),
};

describe("decision lines", () => {
  it("leave out what a Decision inherits, even where Object.prototype was given enumerable members", () => {
    const json = new DecisionJson();
    const { fired, ...withoutFired } = base;
    const proto = Object.prototype as Record<string, unknown>;
    // Written once before, so the tail for base's result and fired list is known.
    expect(written(json, 1, base as unknown as Decision)).toBe(reference(1, base));
    try {
      proto.fired = fired;
      proto.zzz = "inherited";
      for (const d of [base, { ...withoutFired }, { ...base, reviewOn: "2022-05-20" }, { ...withoutFired, reviewOn: "2022-05-20" }]) {
        for (let i = 0; i < 2; i++) {
          expect(written(json, 2, d as unknown as Decision), JSON.stringify(d)).toBe(reference(2, d));
          expect(json.line(2, d as unknown as Decision), JSON.stringify(d)).toBe(reference(2, d));
        }
      }
      expect(reference(2, withoutFired)).not.toContain('"fired"');
    } finally {
      delete proto.fired;
      delete proto.zzz;
    }
  });

  it("are JSON.stringify's on the decisions of every version, with and without an as-of date", async () => {
    const json = new DecisionJson();
    const records = [...generateInstallations({ count: 1000, seed: 5 })].map((l) => JSON.parse(l) as unknown);
    let n = 0;
    const seen = new Set<string>();
    for (const id of ["tmad-19.0", "tmad-20.v1", "tmad-20.v2"]) {
      const version = await loadVersion({ version: id });
      for (const asOf of [null, "2022-04-01"]) {
        const lines: string[] = [];
        const expected: string[] = [];
        for (const record of records) {
          const o = evaluateRecord(version, record, { asOf });
          if (!o.ok) continue;
          n++;
          seen.add(Object.keys(o.decision).join());
          // Twice: the second line reuses the text made for the first.
          lines.push(json.line(n, o.decision), json.line(n + 1, o.decision), written(json, n + 2, o.decision));
          expected.push(reference(n, o.decision), reference(n + 1, o.decision), reference(n + 2, o.decision));
        }
        expect(lines.join("\n"), `${id} as of ${asOf}`).toBe(expected.join("\n"));
      }
    }
    expect(n).toBeGreaterThan(5_000);
    // Decisions of every shape were among them: plain, with reviewOn, with factsIgnored.
    expect([...seen].some((k) => k.endsWith(",fired,reviewOn"))).toBe(true);
    expect([...seen].some((k) => k.endsWith(",fired,factsIgnored"))).toBe(true);
    expect([...seen].some((k) => k.endsWith(",fired,factsIgnored,reviewOn"))).toBe(true);
  });

  it("follow what changes between records with the same result: the version's fields, status, rule, clause, as-of date", () => {
    const json = new DecisionJson();
    const variants: Record<string, unknown>[] = [
      base,
      { ...base, installationId: 'INS-"2"\n\u2028' },
      { ...base, asOf: "2022-04-01" },
      { ...base, version: "20.v3", versionId: "tmad-20.v3" },
      { ...base, sourceHash: "def" },
      { ...base, status: "default", rule: null, clause: null },
      { ...base, rule: "other", clause: "18.5" },
      { ...base, document: "TMAD2" },
      { ...base, fired: Object.freeze(["migrate", "exclude"]) },
      { ...base, reviewOn: "2022-05-20" },
      { ...base, reviewOn: null, factsIgnored: 3 },
      { ...base, factsIgnored: undefined },
      { ...base, reviewOn: Object.freeze(["a", 1, null, Object.freeze({ b: true })]) },
      base,
    ];
    for (const [i, d] of variants.entries()) {
      expect(json.line(i + 1, d as unknown as Decision), JSON.stringify(d)).toBe(reference(i + 1, d));
      expect(written(json, i + 1, d as unknown as Decision), JSON.stringify(d)).toBe(reference(i + 1, d));
    }
  });

  it("leave to JSON.stringify what could write otherwise another time", () => {
    const json = new DecisionJson();
    const thawed = { ...base, result: { ...base.result } as Record<string, unknown> };
    const shallow = { ...base, result: Object.freeze({ ...base.result, deregister: ["A"] }) };
    let calls = 0;
    const getter = { ...base, result: Object.freeze(Object.defineProperty({}, "outcome", { get: () => `MIGRATE ${++calls}`, enumerable: true })) };
    const inheritedToJSON = { ...base, result: Object.freeze(Object.assign(Object.create({ toJSON: () => `inherited ${++calls}` }) as object, { outcome: "MIGRATE" })) };
    const toJSON = { ...base, result: Object.freeze({ outcome: "MIGRATE", toJSON: () => ({ outcome: "SECRET" }) }) };
    const hiddenToJSON = { ...base, result: Object.freeze(Object.defineProperty({ outcome: "MIGRATE" }, "toJSON", { value: () => "hidden" })) };
    const date = { ...base, reviewOn: new Date(Date.UTC(2022, 4, 20)) };
    const cyclic: Record<string, unknown> = { outcome: "MIGRATE" };
    cyclic.self = cyclic;
    Object.freeze(cyclic);
    const { document, ...others } = base;
    const reordered = { ...others, document };
    const conflict = { ...base, status: "conflict", result: null, rule: null, clause: null, conflict: Object.freeze(["a", "b"]) };
    const missing = { ...base, installationId: undefined };
    const numeric = { ...base, installationId: 7 };
    const fn = { ...base, reviewOn: () => "x" };
    const empty = {};
    const classy = Object.assign(Object.create({ inherited: 1 }) as object, base);
    for (const d of [thawed, shallow, getter, inheritedToJSON, toJSON, hiddenToJSON, date, reordered, conflict, missing, numeric, fn, empty, classy]) {
      // Twice each: a getter or toJSON numbers its calls, and each line must call it again.
      for (let i = 0; i < 2; i++) {
        const before = calls;
        const line = json.line(9, d as unknown as Decision);
        if (d === getter || d === inheritedToJSON) expect(calls).toBe(before + 1);
        calls = before;
        expect(line).toBe(reference(9, d));
        // Written as bytes: the same, calling it once too.
        const again = calls;
        const bytes = written(json, 9, d as unknown as Decision);
        if (d === getter || d === inheritedToJSON) expect(calls).toBe(again + 1);
        calls = again;
        expect(bytes).toBe(reference(9, d));
        calls = before;
      }
    }
    // Alternating between results and fired lists (the last tail written is remembered), and back.
    const other = { ...base, result: Object.freeze({ outcome: "EXCLUDED" }), fired: Object.freeze(["exclude"]), rule: "exclude" };
    for (const d of [base, other, { ...other, fired: base.fired }, base, { ...base, status: "default" }, { ...base, asOf: "2022-01-01" }, base, other]) {
      expect(written(json, 3, d as unknown as Decision)).toBe(reference(3, d));
    }
    // A result that is changed between two lines: written as it is each time.
    thawed.result.outcome = "EXCLUDED";
    expect(json.line(9, thawed as unknown as Decision)).toContain('"outcome":"EXCLUDED"');
    shallow.result.deregister.push("B");
    expect(json.line(9, shallow as unknown as Decision)).toContain('"deregister":["A","B"]');
    // Cyclic: JSON.stringify's own error, as before.
    expect(() => json.line(9, { ...base, result: cyclic } as unknown as Decision)).toThrow(/circular/);
    expect(() => written(json, 9, { ...base, result: cyclic } as unknown as Decision)).toThrow(/circular/);
  });
});
