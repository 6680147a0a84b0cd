/**
 * The benchmark's hand-written and json-rules-engine implementations of TMAD 20.v2 must decide
 * exactly as the generated evaluator does: on every valid record of examples/installations.ndjson
 * and on the installation of every example block of rules/tmad-20.v2.
 */
import { describe, expect, it } from "vitest";
import { evaluate as handwritten, instantMs } from "../../bench/handwritten-20v2.js";
import { createEngine, evaluate as jre } from "../../bench/json-rules-engine-20v2.js";
import { exampleLines, loadRecords } from "../../bench/records.js";
import version, { type Decision as Result, type Installation } from "../../generated/tmad-20.v2/index.js";
import type { Decision } from "../../src/runtime/index.js";
import { checkedDir } from "../helpers/diff.js";
import { expectEqual } from "../helpers/equal.js";

function validated(raw: readonly unknown[]): Installation[] {
  const out: Installation[] = [];
  for (const r of raw) {
    const checked = version.validator.validate(r);
    if (checked.ok) out.push(checked.value);
  }
  return out;
}

const fileRecords = validated(exampleLines().map((l) => JSON.parse(l)));
const blockRecords = validated(
  checkedDir("rules/tmad-20.v2").examples.map((e) => e.record),
);

/** The fields the benchmark compares: status, rule, clause and the decision's result. */
function essentials(d: { status: string; rule: string | null; clause: string | null; result: Result | null; conflict?: readonly string[] }) {
  return { status: d.status, rule: d.rule, clause: d.clause, result: d.result, conflict: d.conflict };
}

describe("benchmark implementations agree with the generated 20.v2 evaluator", () => {
  it("has records to compare", () => {
    expect(fileRecords.length).toBeGreaterThan(40);
    expect(blockRecords.length).toBeGreaterThan(20);
  });

  for (const [name, records] of [["examples/installations.ndjson", fileRecords], ["example blocks", blockRecords]] as const) {
    it(`hand-written: the same Decision on every record of ${name}`, () => {
      for (const r of records) {
        const expected: Decision<Result> = version.evaluate(r, null);
        // The whole Decision, `fired` and version metadata included.
        expect({ id: r.id, ...handwritten(r, null) }).toEqual({ id: r.id, ...expected });
      }
    });

    it(`json-rules-engine: the same decision on every record of ${name}`, async () => {
      const engine = createEngine();
      for (const r of records) {
        expect({ id: r.id, ...essentials(await jre(engine, r)) }).toEqual({ id: r.id, ...essentials(version.evaluate(r, null)) });
      }
    });
  }

  it("hand-written: agrees on the benchmark's own records", async () => {
    const { records } = await loadRecords(version, 20_000);
    for (const r of records) expectEqual(handwritten(r, null), version.evaluate(r, null));
  });

  it("hand-written timestamp parser matches Date.parse", () => {
    const samples = [
      "2022-01-10T08:00:00Z",
      "2022-01-10T08:00Z",
      "2022-01-10T08:00+01:00",
      "2022-01-10T08:00:00.5-05:30",
      "2022-01-10T08:00:00.1239Z",
      "1999-12-31T23:59:59.999999999Z",
      "2000-02-29T12:00:00+14:00",
      "1600-03-01T00:00:00Z",
      "2024-02-29",
      "0001-01-01T00:00:00Z",
    ];
    for (const s of samples) expect([s, instantMs(s)]).toEqual([s, Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s)]);
    // A deterministic sweep over dates, times and offsets.
    let x = 12345;
    const next = (n: number): number => ((x = (x * 1103515245 + 12345) % 2 ** 31), x % n);
    const pad = (n: number, w = 2): string => String(n).padStart(w, "0");
    for (let i = 0; i < 5_000; i++) {
      const y = 1900 + next(300);
      const m = 1 + next(12);
      const d = 1 + next(28);
      const zone = next(3) === 0 ? "Z" : `${next(2) === 0 ? "+" : "-"}${pad(next(14))}:${pad(next(60))}`;
      const s = `${pad(y, 4)}-${pad(m)}-${pad(d)}T${pad(next(24))}:${pad(next(60))}:${pad(next(60))}.${pad(next(1000), 3)}${zone}`;
      expectEqual([s, instantMs(s)], [s, Date.parse(s)]);
    }
  });
});
