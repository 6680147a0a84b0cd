/**
 * Time, through the library: the retry regime as DCC runs it (back to back, with pauses, one
 * attempt short, compressed), facts as known on an as-of date (records straddling the date, named
 * version with a date, invalid dates), and `reviewOn` for PENDING decisions at several points of
 * each regime, with what `explain` says.
 */
import { describe, expect, it } from "vitest";
import { evaluate, explain, renderExplanationText } from "../../src/index.js";
import { asOfProblem, VersionSelectionError, type Decision, type RecordOutcome } from "../../src/runtime/index.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;
const failed = (ms: number) => ({ at: at(ms), outcome: "FAILED" });

/** DCC's regimes (seed 3.2.1): k-th attempt's offset, cycles back to back or `pause` days apart. */
const firmware = (start: string, n: number, pause = 0) =>
  Array.from({ length: n }, (_, k) => failed(Date.parse(start) + Math.floor(k / 36) * (6 + pause) * DAY + (k % 36) * 4 * HOUR));
const configuration = (start: string, n: number, pause = 0) =>
  Array.from({ length: n }, (_, k) => failed(Date.parse(start) + Math.floor(k / 23) * (3 + pause) * DAY + (k % 23) * 3 * HOUR));
const daily = (start: string, n: number) => Array.from({ length: n }, (_, k) => failed(Date.parse(start) + k * DAY));

const device = (id: string, type: string, over: Record<string, unknown> = {}) => ({
  id,
  type,
  dormant: type === "ESME" || type === "GSME",
  firmwareUpgradePossible: true,
  firmwareAttempts: [] as unknown[],
  configurationAttempts: [] as unknown[],
  confirmationAttempts: [] as unknown[],
  ...over,
});

/** A MOC (MDS) installation, GroupID CB, both meters dormant; the ESME prepared early in 2022. */
function installation(gsme: Record<string, unknown>, over: Record<string, unknown> = {}): Record<string, any> {
  return {
    id: "T-1",
    cohort: "MOC_MDS",
    groupId: "CB",
    mpan: "1141234567898",
    mprn: "7300104729",
    installedOn: "2014-03-17",
    communicating: true,
    responsibleSupplier: { name: "Northfield Energy Ltd", status: "LIVE" },
    devices: [
      device("90-B3-D5-1F-30-20-00-01", "ESME", {
        firmwareAttempts: [{ at: "2022-02-01T00:00:00Z", outcome: "SUCCEEDED" }],
        configurationAttempts: [{ at: "2022-02-02T00:00:00Z", outcome: "SUCCEEDED" }],
      }),
      device("90-B3-D5-1F-30-20-00-02", "GSME", gsme),
      device("90-B3-D5-1F-30-20-00-03", "CH"),
    ],
    dataIssues: [],
    sharedMeterPoints: [],
    ...over,
  };
}

function decided(o: RecordOutcome): Decision {
  if (!o.ok) throw new Error(`invalid: ${JSON.stringify(o.errors)}`);
  return o.decision;
}

async function decide(record: unknown, options: Parameters<typeof evaluate>[1] = { version: "20.v2" }): Promise<Decision> {
  return decided(await evaluate(record, options));
}

describe("the retry regime as DCC runs it (seed 3.2.1)", () => {
  it("108 firmware failures back to back (the last 17 days 20 hours after the first) have run the regime's course", async () => {
    const attempts = firmware("2022-03-02T00:00:00Z", 108);
    expect(Date.parse(attempts[107].at) - Date.parse(attempts[0].at)).toBe(17 * DAY + 20 * HOUR);
    const d = await decide(installation({ firmwareAttempts: attempts }));
    expect([d.result?.outcome, d.clause]).toEqual(["MIGRATE_PARTIAL", "4.26A"]);
    expect(d.reviewOn).toBeUndefined();
  });

  it("the regime with a day's pause between cycles counts too, and one attempt short does not", async () => {
    expect((await decide(installation({ firmwareAttempts: firmware("2022-03-02T00:00:00Z", 108, 1) }))).result?.outcome).toBe("MIGRATE_PARTIAL");
    expect((await decide(installation({ firmwareAttempts: firmware("2022-03-02T00:00:00Z", 107) }))).result?.outcome).toBe("PENDING");
  });

  it("the same count compressed into two days keeps the installation waiting", async () => {
    const compressed = Array.from({ length: 108 }, (_, k) => failed(Date.parse("2022-03-02T00:00:00Z") + k * 25 * 60_000));
    expect((await decide(installation({ firmwareAttempts: compressed }))).result?.outcome).toBe("PENDING");
  });

  it("30 confirmation requests once a day for 30 days exhaust the confirmation regime", async () => {
    const d = await decide(installation({ firmwareAttempts: [{ at: "2022-03-01T00:00:00Z", outcome: "TIMED_OUT" }], confirmationAttempts: daily("2022-03-02T09:00:00Z", 30) }));
    expect(d.result?.outcome).toBe("MIGRATE_PARTIAL");
  });

  it("69 configuration failures on 9 consecutive days exhaust the configuration regime", async () => {
    const gsme = { firmwareAttempts: [{ at: "2022-03-01T00:00:00Z", outcome: "SUCCEEDED" }], configurationAttempts: configuration("2022-03-03T00:00:00Z", 69) };
    expect((await decide(installation(gsme))).result?.outcome).toBe("MIGRATE_PARTIAL");
    expect((await decide(installation({ ...gsme, configurationAttempts: configuration("2022-03-03T00:00:00Z", 68) }))).result?.outcome).toBe("PENDING");
  });
});

describe("facts as known on a date (--as-of)", () => {
  // 108 firmware failures from 2 March 2022: persistently failed by 19 March, still retried on 10 March.
  const straddling = installation({ firmwareAttempts: firmware("2022-03-02T00:00:00Z", 108) });

  it("ignores attempts dated after the date and says how many", async () => {
    const all = await decide(straddling, { version: "20.v2" });
    expect(all.result?.outcome).toBe("MIGRATE_PARTIAL");
    expect(all.factsIgnored).toBeUndefined();
    expect(all.asOf).toBeNull();
    const then = await decide(straddling, { version: "20.v2", asOf: "2022-03-10" });
    expect(then.result?.outcome).toBe("PENDING");
    expect(then.asOf).toBe("2022-03-10");
    // Attempts on 2–10 March (9 days × 6) are known; the other 54 are not.
    expect(then.factsIgnored).toBe(54);
    const traced = await evaluate(straddling, { version: "20.v2", asOf: "2022-03-10", trace: true });
    expect(traced.ok && traced.trace?.asOf?.factsIgnored).toBe(54);
    expect(traced.ok && traced.trace?.asOf?.ignored[0]).toBe("$.devices[1].firmwareAttempts[54]");
  });

  it("counts a whole day: an attempt at 23:59 UTC on the date is known, one at 00:00 the next day is not", async () => {
    const r = installation({ firmwareAttempts: [failed(Date.parse("2022-03-10T23:59:00Z")), failed(Date.parse("2022-03-11T00:00:00Z"))] });
    expect((await decide(r, { version: "20.v2", asOf: "2022-03-10" })).factsIgnored).toBe(1);
    // With an offset: 00:30 at +01:00 on 11 March is 23:30 UTC on 10 March.
    const offset = installation({ firmwareAttempts: [{ at: "2022-03-11T00:30:00+01:00", outcome: "FAILED" }] });
    expect((await decide(offset, { version: "20.v2", asOf: "2022-03-10" })).factsIgnored).toBe(0);
  });

  it("a data issue raised after the date does not count; one resolved after it is still unresolved", async () => {
    const prepared = installation({ firmwareAttempts: [{ at: "2022-03-01T00:00:00Z", outcome: "SUCCEEDED" }], configurationAttempts: [{ at: "2022-03-02T00:00:00Z", outcome: "SUCCEEDED" }] });
    const raisedLater = { ...prepared, dataIssues: [{ kind: "NO_PREPAYMENT_KEY", resolved: false, raisedOn: "2022-07-01" }] };
    expect((await decide(raisedLater)).result?.excludedCategory).toBe("18.12");
    const early = await decide(raisedLater, { version: "20.v2", asOf: "2022-06-30" });
    expect([early.result?.outcome, early.factsIgnored]).toEqual(["MIGRATE", 1]);
    const resolvedLater = { ...prepared, dataIssues: [{ kind: "NO_PREPAYMENT_KEY", resolved: true, raisedOn: "2022-04-01", resolvedOn: "2022-07-01" }] };
    expect((await decide(resolvedLater)).result?.outcome).toBe("MIGRATE");
    const before = await decide(resolvedLater, { version: "20.v2", asOf: "2022-06-30" });
    expect([before.result?.excludedCategory, before.factsIgnored]).toEqual(["18.12", 1]);
    // Undated facts count at every date.
    const undated = { ...prepared, dataIssues: [{ kind: "NO_PREPAYMENT_KEY", resolved: false }] };
    expect((await decide(undated, { version: "20.v2", asOf: "2022-03-05" })).result?.excludedCategory).toBe("18.12");
  });

  it("a supplier status changed after the date is taken as it was before; unknown before, the record says so", async () => {
    const prepared = installation({ firmwareAttempts: [{ at: "2022-03-01T00:00:00Z", outcome: "SUCCEEDED" }], configurationAttempts: [{ at: "2022-03-02T00:00:00Z", outcome: "SUCCEEDED" }] });
    const ceased = { ...prepared, responsibleSupplier: { name: "Beacon Energy", status: "CEASED_TRADING", statusChangedOn: "2022-07-01", previousStatus: "LIVE" } };
    const now = await decide(ceased);
    expect([now.clause, now.result?.notifySupplier]).toEqual(["4.1A", false]);
    const then = await decide(ceased, { version: "20.v2", asOf: "2022-06-30" });
    expect([then.clause, then.result?.notifySupplier, then.factsIgnored]).toEqual(["4.1", true, 1]);
    const unknown = await evaluate({ ...ceased, responsibleSupplier: { name: "Beacon Energy", status: "CEASED_TRADING", statusChangedOn: "2022-07-01" } }, { version: "20.v2", asOf: "2022-06-30" });
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) {
      expect(unknown.errors.map((e) => [e.code, e.path])).toEqual([["unknown-as-of", "$.responsibleSupplier.status"]]);
      expect(unknown.errors[0].message).toContain("its value on 2022-06-30 is unknown");
    }
  });

  it("a shared meter point installed after the date was not there yet", async () => {
    const prepared = installation({ firmwareAttempts: [{ at: "2022-03-01T00:00:00Z", outcome: "SUCCEEDED" }], configurationAttempts: [{ at: "2022-03-02T00:00:00Z", outcome: "SUCCEEDED" }] });
    const shared = { ...prepared, sharedMeterPoints: [{ generation: "SMETS2_PLUS", installedOn: "2022-07-01", communicating: true }] };
    expect((await decide(shared)).result?.excludedCategory).toBe("18.13");
    expect((await decide(shared, { version: "20.v2", asOf: "2022-06-30" })).result?.outcome).toBe("MIGRATE");
  });

  it("--as-of alone picks the version in force and cuts the facts; a named version with a date keeps the version", async () => {
    // 19.0 is in force from 24 March 2022; the same regime a month later.
    const april = installation({ firmwareAttempts: firmware("2022-04-01T00:00:00Z", 108) });
    const byDate = await decide(april, { asOf: "2022-04-09" });
    expect([byDate.versionId, byDate.asOf, byDate.result?.outcome, byDate.factsIgnored, byDate.reviewOn]).toEqual(["tmad-19.0", "2022-04-09", "PENDING", 54, "2022-04-18"]);
    const draft = await decide(april, { version: "20.v1", asOf: "2022-04-09" });
    expect([draft.versionId, draft.asOf, draft.factsIgnored]).toEqual(["tmad-20.v1", "2022-04-09", 54]);
  });

  it("rejects dates that are not in the calendar, with a clear message", async () => {
    for (const [bad, why] of [
      ["2022-06-31", "June 2022 has 30 days"],
      ["2023-02-29", "February 2023 has 28 days"],
      ["2023-02-31", "February 2023 has 28 days"],
      ["2022-13-01", "there is no month 13"],
      ["11/06/2022", "write YYYY-MM-DD"],
    ]) {
      expect(asOfProblem(bad), bad).toContain(why);
      await expect(evaluate(straddling, { version: "20.v2", asOf: bad })).rejects.toThrow(VersionSelectionError);
      await expect(evaluate(straddling, { asOf: bad })).rejects.toThrow(why);
    }
    expect(asOfProblem("2024-02-29")).toBeUndefined();
  });
});

describe("reviewOn: when a PENDING decision can change if every remaining attempt fails", () => {
  const review = async (gsme: Record<string, unknown>, options: Parameters<typeof evaluate>[1] = { version: "20.v2" }): Promise<Decision> => {
    const d = await decide(installation(gsme), options);
    expect(d.result?.outcome).toBe("PENDING");
    return d;
  };

  it("firmware regime from 2 March 2022, back to back: 19 March whatever the point reached", async () => {
    for (const n of [1, 36, 74, 107]) expect((await review({ firmwareAttempts: firmware("2022-03-02T00:00:00Z", n) })).reviewOn, `${n} attempts`).toBe("2022-03-19");
  });

  it("firmware regime with pauses: its remaining attempts at its pace, six a day", async () => {
    // 74 attempts with a day between cycles: the last on 16 March; 34 left at six a day end on 21 March.
    expect((await review({ firmwareAttempts: firmware("2022-03-02T00:00:00Z", 74, 1) })).reviewOn).toBe("2022-03-21");
  });

  it("configuration regime from 3 March, after the upgrade: 11 March", async () => {
    const upgraded = [{ at: "2022-03-01T00:00:00Z", outcome: "SUCCEEDED" }];
    for (const n of [1, 23, 46, 68]) expect((await review({ firmwareAttempts: upgraded, configurationAttempts: configuration("2022-03-03T00:00:00Z", n) })).reviewOn, `${n} attempts`).toBe("2022-03-11");
    // Not configured yet: the whole regime from the latest attempt (the upgrade, 1 March).
    expect((await review({ firmwareAttempts: upgraded })).reviewOn).toBe("2022-03-09");
  });

  it("confirmation regime: late in it, its own end (31 March); early, the firmware retries could end the wait sooner", async () => {
    const timedOut = [{ at: "2022-03-01T00:00:00Z", outcome: "TIMED_OUT" }];
    for (const n of [20, 29]) expect((await review({ firmwareAttempts: timedOut, confirmationAttempts: daily("2022-03-02T09:00:00Z", n) })).reviewOn, `${n} requests`).toBe("2022-03-31");
    // After one request, 107 more firmware attempts at six a day from 2 March end on 19 March.
    expect((await review({ firmwareAttempts: timedOut, confirmationAttempts: daily("2022-03-02T09:00:00Z", 1) })).reviewOn).toBe("2022-03-19");
  });

  it("waits for the slowest meter", async () => {
    // Both meters retried back to back up to 18 March: the ESME's regime ends on 19 March, the GSME's on 27 March.
    const record = installation({ firmwareAttempts: firmware("2022-03-10T00:00:00Z", 54) });
    record.devices[0] = device("90-B3-D5-1F-30-20-00-01", "ESME", { firmwareAttempts: firmware("2022-03-02T00:00:00Z", 100) });
    const d = await decide(record);
    expect([d.result?.outcome, d.reviewOn]).toEqual(["PENDING", "2022-03-27"]);
    // Both meters still have attempts to fail; explain says each must, by that date.
    const traced = await evaluate(record, { version: "20.v2", trace: true });
    expect(traced.ok && traced.trace?.review?.waitingOn?.map((w) => [w.list, w.left])).toEqual([
      ["$.devices[0].firmwareAttempts", 8],
      ["$.devices[1].firmwareAttempts", 54],
    ]);
    expect(renderExplanationText(await explain(record, { version: "20.v2" }))).toContain("the ESME's firmware attempts ($.devices[0].firmwareAttempts) has 8 attempts left of 108 (100 made, the first on 2022-03-02, over at least 18 days); if they fail, regime exhausted by 2022-03-27");
    // A regime that stalled runs its remaining attempts at its pace from the latest attempt: 98 left from 18 March.
    record.devices[1] = device("90-B3-D5-1F-30-20-00-02", "GSME", { firmwareAttempts: firmware("2022-03-10T00:00:00Z", 10) });
    expect((await decide(record)).reviewOn).toBe("2022-04-03");
  });

  it("as of a date: counts from the day after it, with only the attempts known by then", async () => {
    const d = await review({ firmwareAttempts: firmware("2022-03-02T00:00:00Z", 108) }, { version: "20.v2", asOf: "2022-03-14" });
    expect([d.reviewOn, d.factsIgnored]).toEqual(["2022-03-19", 30]);
    // A regime that stopped: 50 attempts by 10 March, nothing since, evaluated on 1 April: 58 left at six a day from 2 April.
    const stalled = await review({ firmwareAttempts: firmware("2022-03-02T00:00:00Z", 50) }, { version: "20.v2", asOf: "2022-04-01" });
    expect(stalled.reviewOn).toBe("2022-04-11");
  });

  it("says what happens then, and explain shows it", async () => {
    const record = installation({ firmwareAttempts: firmware("2022-03-02T00:00:00Z", 74) });
    const traced = await evaluate(record, { version: "20.v2", trace: true });
    if (!traced.ok) throw new Error("invalid");
    expect(traced.trace?.review?.then).toMatchObject({ rule: "migrate_partial_moc_mds", clause: "4.26A" });
    expect(traced.trace?.review?.waitingOn).toEqual([
      { list: "$.devices[1].firmwareAttempts", owner: "$.devices[1]", ownerFacts: ["GSME"], field: "firmwareAttempts", regime: "regimeExhausted", counted: 74, count: 108, left: 34, days: 18, firstOn: "2022-03-02" },
    ]);
    const text = renderExplanationText(await explain(record, { version: "20.v2" }));
    expect(text).toContain("Review on 2022-03-19");
    expect(text).toContain("pending: the GSME's firmware attempts ($.devices[1].firmwareAttempts) has 34 attempts left of 108");
    expect(text).toContain("if they fail, regime exhausted from 2022-03-19");
  });

  it("is absent from decisions that do not wait, and null with a reason when nothing was attempted yet", async () => {
    const prepared = installation({ firmwareAttempts: [{ at: "2022-03-01T00:00:00Z", outcome: "SUCCEEDED" }], configurationAttempts: [{ at: "2022-03-02T00:00:00Z", outcome: "SUCCEEDED" }] });
    expect("reviewOn" in (await decide(prepared))).toBe(false);
    const nothing = installation({});
    nothing.devices[0] = device("90-B3-D5-1F-30-20-00-01", "ESME");
    const d = await decide(nothing);
    expect([d.result?.outcome, d.reviewOn]).toEqual(["PENDING", null]);
    expect(renderExplanationText(await explain(nothing, { version: "20.v2" }))).toContain("Review on: no date found: no attempt has been made yet");
    // As of a date, the regime counts from the day after it.
    expect((await decide(nothing, { version: "20.v2", asOf: "2022-03-01" })).reviewOn).toBe("2022-03-19");
  });
});
