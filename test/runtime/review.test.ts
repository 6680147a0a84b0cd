/**
 * The reviewOn search (src/runtime/review.ts) on a version made by hand, for what no TMAD version
 * has: a waited-on list inside another waited-on list (a site's batches, each with its own
 * attempts). The search then builds each hypothetical record by copying the path to every list
 * (its fallback), since one list's copy holds the other. Each record the rules are asked to decide
 * is recorded, so the test sees the lists grown together, the planned failing entries on their
 * days, and the input left as it was.
 *
 * Then the search itself (firstChange: the likely candidates first, each checked against the one
 * before it, a binary search otherwise) against every candidate tried in turn, on every way a
 * decision can change over a few candidates, and on the whole review of generated 20.v2 records.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loadVersion } from "../../src/index.js";
import { generateInstallations } from "../../src/population/generate.js";
import { cutFacts } from "../../src/runtime/asof.js";
import { decided } from "../../src/runtime/decide.js";
import { firstChange, reviewDecision, reviewWith, type Search } from "../../src/runtime/review.js";
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
    // The search tried 5 January, then 6 January (each list's likely end; batches and the first
    // batch's attempts below), then, for what the decision waits on, 6 January without one list and without the other.
    expect(v.seen.slice(0, 2).map((s) => [s.batches.length, s.batches[0].attempts.length])).toEqual([[4, 4], [5, 6]]);
    expect(v.seen).toHaveLength(4);
    // The record of 6 January: four batches more (three planned on the 5th, one on the 6th itself),
    // and the first batch's attempts grown by two on the 5th and two on the 6th, in the same record.
    const last = v.seen[1];
    expect(last.batches.map((b) => [b.at, b.ok])).toEqual([["2024-01-05", false], ["2024-01-05", false], ["2024-01-05", false], ["2024-01-05", false], ["2024-01-06", false]]);
    expect(last.batches[0].attempts.map((a) => a.at)).toEqual(["2024-01-01", "2024-01-02", "2024-01-05", "2024-01-05", "2024-01-06", "2024-01-06"]);
    expect(last.batches.slice(1).map((b) => b.attempts)).toEqual([[], [], [], []]);
    // The record of 5 January keeps the decision: the attempts are two short.
    expect(v.seen[0].batches[0].attempts).toHaveLength(4);
    expect(v.evaluate(v.seen[0], null).rule).toBe("wait");
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

/**
 * The reference search: every candidate tried in turn, the first that changes the decision. It
 * also checks what the search relies on: once the decision changes, no later candidate brings it back.
 */
const linear: Search = (length, _likely, changed) => {
  const all = Array.from({ length }, (_, n) => changed(n));
  const first = all.indexOf(true);
  expect(all.slice(first === -1 ? length : first)).not.toContain(false);
  return first === -1 ? length : first;
};

/** A review without its count of evaluations, which is all the two searches may differ in. */
const answer = (review: ReturnType<typeof reviewDecision>) => {
  if (review === undefined) return undefined;
  const { evaluations, ...rest } = review;
  return rest;
};

describe("the search for the first candidate that changes the decision", () => {
  it("finds it wherever it is, whatever candidates are guessed, asking about each at most once", () => {
    let cases = 0;
    for (let length = 0; length <= 7; length++) {
      const guesses = [-1, ...Array.from({ length: length + 1 }, (_, n) => n)];
      for (let change = 0; change <= length; change++) {
        for (const likely of [[], ...guesses.map((a) => [a]), ...guesses.flatMap((a) => guesses.map((b) => [a, b]))]) {
          const asked: number[] = [];
          const found = firstChange(length, likely, (n) => (asked.push(n), n >= change));
          expect({ length, change, likely, found }).toEqual({ length, change, likely, found: change });
          expect(new Set(asked).size).toBe(asked.length);
          for (const n of asked) expect(n >= 0 && n < length).toBe(true);
          // A right guess is checked against the candidate before it, and nothing more.
          if (likely[0] === change && change < length) expect(asked).toEqual(change === 0 ? [0] : [change, change - 1]);
          cases++;
        }
      }
    }
    expect(cases).toBeGreaterThan(500);
  });

  it("gives the nested-list fixtures the review every candidate tried in turn gives", () => {
    for (const regimes of [[batches, attempts], [attempts, batches]]) {
      for (const asOf of [null, "2024-01-05", "2024-01-07"]) {
        const v = version(regimes);
        const input = site();
        const decision = v.evaluate(input, asOf);
        const expected = reviewWith(v.module, input, decision, asOf, true, linear);
        expect(expected?.reviewOn).not.toBeNull();
        expect(answer(reviewDecision(v.module, input, decision, asOf, true))).toEqual(answer(expected));
      }
    }
  });
});

describe("reviewOn of generated 20.v2 records", () => {
  let tmad: Awaited<ReturnType<typeof loadVersion<"20.v2">>>;
  beforeAll(async () => {
    tmad = await loadVersion({ version: "20.v2" });
  });

  // Mostly Dormant Meters still being prepared, so that most records wait.
  const mix = { dormant: 0.9, preparation: { prepared: 0.2, retrying: 0.45, compressed: 0.1, unableToAttempt: 0.05, gsmeFailed: 0.1, esmeFailed: 0.1 } };

  it.each([null, "2022-06-11", "2024-06-01"])("is the review every candidate tried in turn gives (as of %s)", (asOf) => {
    const counts = { reviews: 0, dated: 0, evaluations: 0, reference: 0 };
    for (const line of generateInstallations({ count: 1200, seed: 13, mix })) {
      const checked = tmad.validator.validate(JSON.parse(line));
      if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
      let input: unknown = checked.value;
      if (asOf !== null) {
        const cut = cutFacts(tmad.validator.schema, tmad.manifest.timeline!, input, asOf);
        if (!cut.ok) throw new Error(JSON.stringify(cut.errors));
        input = cut.value;
      }
      const decision = tmad.evaluate(input as never, asOf);
      const expected = reviewWith(tmad, input, decision, asOf, true, linear);
      const review = reviewDecision(tmad, input, decision, asOf, true);
      expect(answer(review)).toEqual(answer(expected));
      if (review === undefined || expected === undefined) continue;
      counts.reviews++;
      if (review.reviewOn !== null) counts.dated++;
      counts.evaluations += review.evaluations;
      counts.reference += expected.evaluations;
    }
    // Enough waiting records, most with a date, each found with fewer evaluations than trying every candidate.
    expect(counts.reviews).toBeGreaterThan(400);
    expect(counts.dated).toBeGreaterThan(counts.reviews / 2);
    expect(counts.evaluations).toBeLessThan(counts.reference / 2);
  });

  // The planned failing entries are shared between reviews (by regime, first day and counts): a
  // record's review must not depend on which records were reviewed before it.
  it("gives each record the same review whatever was reviewed before it", () => {
    const waiting: { input: unknown; decision: ReturnType<typeof tmad.evaluate>; asOf: string | null }[] = [];
    for (const asOf of [null, "2022-06-11", "2024-06-01"]) {
      for (const line of generateInstallations({ count: 400, seed: 29, mix })) {
        let input: unknown = JSON.parse(line);
        if (asOf !== null) {
          const cut = cutFacts(tmad.validator.schema, tmad.manifest.timeline!, input, asOf);
          if (!cut.ok) throw new Error(JSON.stringify(cut.errors));
          input = cut.value;
        }
        const decision = tmad.evaluate(input as never, asOf);
        if (tmad.manifest.timeline!.waits[decision.rule ?? ""] !== undefined) waiting.push({ input, decision, asOf });
      }
    }
    expect(waiting.length).toBeGreaterThan(300);
    const review = (w: (typeof waiting)[number]) => JSON.stringify(reviewDecision(tmad, w.input, w.decision, w.asOf, true));
    const forward = waiting.map(review);
    const backward = waiting.slice().reverse().map(review).reverse();
    // Each record again, right after one from elsewhere in the list.
    const after = waiting.map((w, n) => (review(waiting[(n * 7919) % waiting.length]), review(w)));
    const differ = waiting.map((_, n) => n).filter((n) => backward[n] !== forward[n] || after[n] !== forward[n]);
    expect(differ).toEqual([]);
  });
});
