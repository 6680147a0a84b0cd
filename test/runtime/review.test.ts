/**
 * The reviewOn search (src/runtime/review.ts) on a version made by hand, for what no TMAD version
 * has: a waited-on list inside another waited-on list (a site's batches, each with its own
 * attempts). The search then builds each hypothetical record by copying the path to every list
 * (its fallback), since one list's copy holds the other. Each record the rules are asked to decide
 * is recorded, so the test sees the lists grown together, the planned failing entries on their
 * days, and the input left as it was.
 */
import { describe, expect, it } from "vitest";
import { decided } from "../../src/runtime/decide.js";
import { reviewDecision } from "../../src/runtime/review.js";
import type { Regime, Timeline } from "../../src/runtime/timeline.js";
import type { Schema } from "../../src/runtime/validate.js";
import type { Decision, Manifest, VersionModule } from "../../src/runtime/version.js";

interface Attempt {
  readonly at: string;
  readonly ok: boolean;
}
interface Batch extends Attempt {
  readonly attempts: readonly Attempt[];
}
interface Site {
  readonly id: string;
  readonly batches: readonly Batch[];
}

const schema: Schema = {
  root: "Site",
  key: "id",
  records: {
    Site: [
      ["id", { kind: "text" }],
      ["batches", { kind: "list", element: { kind: "record", name: "Batch" } }],
    ],
    Batch: [
      ["at", { kind: "date" }],
      ["ok", { kind: "boolean" }],
      ["attempts", { kind: "list", element: { kind: "record", name: "Attempt" } }],
    ],
    Attempt: [
      ["at", { kind: "date" }],
      ["ok", { kind: "boolean" }],
    ],
  },
  enums: {},
  identifiers: {},
};

/** Four failed batches end the wait (no pace: every remaining one may come on the first day)… */
const batches: Regime = { list: ["batches"], record: "Batch", dating: { field: "at", type: "date" }, counted: [{ ok: false }], count: 4, next: { ok: false, attempts: [] }, name: "batchesExhausted", at: "review.test.ts" };
/** …and six failed attempts over three days (two a day) in every batch the site had. */
const attempts: Regime = { list: ["batches", "*", "attempts"], record: "Attempt", dating: { field: "at", type: "date" }, counted: [{ ok: false }], count: 6, days: 3, next: { ok: false }, name: "attemptsExhausted", at: "review.test.ts" };

const failing = (list: readonly Attempt[]): number => list.filter((e) => !e.ok).length;

/** A version whose rule `wait` holds until both regimes are exhausted; every record it decides is kept in `decided`. */
function version(regimes: readonly Regime[]) {
  const timeline: Timeline = { records: { Batch: { field: "at", type: "date" }, Attempt: { field: "at", type: "date" } }, fields: {}, waits: { wait: regimes } };
  const manifest = { id: "nested-1", document: "TEST", version: "1", sourceHash: "0", rules: [], clauses: [], decisionFields: ["outcome"], clauseFields: [], labels: {}, timeline } as unknown as Manifest;
  const seen: Site[] = [];
  const evaluate = (site: Site, asOf: string | null): Decision => {
    seen.push(site);
    const waiting = failing(site.batches) < 4 || site.batches.some((b) => b.attempts.length > 0 && failing(b.attempts) < 6);
    return waiting ? decided(manifest, site.id, asOf, "wait", "1", { outcome: "PENDING" }, ["wait"]) : decided(manifest, site.id, asOf, "give_up", "2", { outcome: "EXCLUDED" }, ["give_up"]);
  };
  const module = { manifest, validator: { schema }, evaluate } as unknown as VersionModule<any, any>;
  return { module, evaluate, seen };
}

/** One failed batch (5 January 2024) whose two failed attempts were on 1 and 2 January. */
const site = (): Site => ({
  id: "S-1",
  batches: [
    {
      at: "2024-01-05",
      ok: false,
      attempts: [
        { at: "2024-01-01", ok: false },
        { at: "2024-01-02", ok: false },
      ],
    },
  ],
});

describe("reviewOn with a waited-on list inside another", () => {
  it.each([
    ["outer list's regime first", [batches, attempts]],
    ["inner list's regime first", [attempts, batches]],
  ])("grows both lists in one hypothetical record (%s)", (_, regimes) => {
    const v = version(regimes);
    const input = site();
    const before = JSON.stringify(input);
    const decision = v.evaluate(input, null);
    v.seen.length = 0;
    // From 5 January (the latest entry, which holds one failed batch): the three batches still to
    // fail come that day; the attempts, two a day, reach six on 6 January.
    const review = reviewDecision(v.module, input, decision, null, true);
    expect(review).toMatchObject({ reviewOn: "2024-01-06", from: "2024-01-05", then: { rule: "give_up", result: { outcome: "EXCLUDED" } } });
    expect(JSON.stringify(input)).toBe(before);
    // The record of 6 January: four batches more (three planned on the 5th, one on the 6th itself),
    // and the first batch's attempts grown by two on the 5th and two on the 6th, in the same record.
    const last = v.seen[0];
    expect(last.batches.map((b) => [b.at, b.ok])).toEqual([["2024-01-05", false], ["2024-01-05", false], ["2024-01-05", false], ["2024-01-05", false], ["2024-01-06", false]]);
    expect(last.batches[0].attempts.map((a) => a.at)).toEqual(["2024-01-01", "2024-01-02", "2024-01-05", "2024-01-05", "2024-01-06", "2024-01-06"]);
    expect(last.batches.slice(1).map((b) => b.attempts)).toEqual([[], [], [], []]);
    // The record of 5 January keeps the decision: the attempts are two short.
    expect(v.seen[1].batches[0].attempts).toHaveLength(4);
    expect(v.evaluate(v.seen[1], null).rule).toBe("wait");
    // Each list is needed: without its failing entries the decision stays.
    expect(review?.waitingOn?.map((w) => [w.list, w.regime, w.counted, w.left])).toEqual(
      regimes[0] === batches
        ? [["$.batches", "batchesExhausted", 1, 3], ["$.batches[0].attempts", "attemptsExhausted", 2, 4]]
        : [["$.batches[0].attempts", "attemptsExhausted", 2, 4], ["$.batches", "batchesExhausted", 1, 3]],
    );
  });

  it("as of a date, counts from the day after it", () => {
    const v = version([batches, attempts]);
    const input = site();
    const review = reviewDecision(v.module, input, v.evaluate(input, "2024-01-07"), "2024-01-07", false);
    expect([review?.reviewOn, review?.from, review?.evaluations]).toEqual(["2024-01-09", "2024-01-08", 2]);
  });
});
