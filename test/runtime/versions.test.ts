import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadVersion } from "../../src/index.js";
import { evaluateRecord } from "../../src/runtime/index.js";

/** examples/installations.expected.ndjson: per record, the expected decision under each version. */
const records = new Map(
  readFileSync("examples/installations.ndjson", "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const r = JSON.parse(l);
      return [r.id as string, r];
    }),
);
const expected = readFileSync("examples/installations.expected.ndjson", "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l) as Record<string, any>);

describe("every sample record under every version", () => {
  it("the expectations cover every record", () => {
    expect(expected.map((e) => e.id).sort()).toEqual([...records.keys()].sort());
  });

  for (const id of ["tmad-19.0", "tmad-20.v1", "tmad-20.v2"]) {
    it(`${id}: each decision is the expected one`, async () => {
      const version = await loadVersion({ version: id });
      for (const e of expected) {
        const outcome = evaluateRecord(version, records.get(e.id));
        if (e.invalid !== undefined) {
          expect(outcome.ok, e.id).toBe(false);
          if (!outcome.ok) expect(outcome.errors.map((x) => `${x.code} at ${x.path}`), e.id).toEqual(e.invalid);
          continue;
        }
        expect(outcome.ok, e.id).toBe(true);
        if (!outcome.ok) continue;
        const d = outcome.decision;
        const want = e[id];
        const got = { status: d.status, outcome: d.result?.outcome, clause: d.clause, rule: d.rule, ...(d.result?.excludedCategory == null ? {} : { excludedCategory: d.result.excludedCategory }), deregister: d.result?.deregister, notifySupplier: d.result?.notifySupplier };
        expect(got, `${e.id} under ${id}`).toEqual(want);
      }
    });
  }

  it("the configuration-failed MOC (MDS) record: 20.v1 excludes under 18.10, 20.v2 migrates partially under 4.26A, 19.0 cites neither", async () => {
    const record = records.get("INS-4.26A-mds-gsme-configuration-failed");
    const decide = async (v: string) => {
      const o = evaluateRecord(await loadVersion({ version: v }), record);
      if (!o.ok) throw new Error("invalid");
      return o.decision;
    };
    const v1 = await decide("20.v1");
    const v2 = await decide("20.v2");
    const v19 = await decide("19.0");
    expect([v1.result?.outcome, v1.result?.excludedCategory]).toEqual(["EXCLUDED", "18.10"]);
    expect([v2.result?.outcome, v2.clause]).toEqual(["MIGRATE_PARTIAL", "4.26A"]);
    expect(["4.26A", "18.10", "18.5"]).not.toContain(v19.clause);
    expect(v19.result?.excludedCategory ?? null).toBeNull();
  });
});
