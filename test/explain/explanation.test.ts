/**
 * Explanations for a supplier's analyst: golden texts for a PENDING, an 18.10 and a 4.26A record
 * (regenerate with UPDATE=1 after a deliberate change; a missing golden file fails), and the
 * structure behind them: members of quantified conditions with their facts, every false part of
 * an `and`, the meters still being retried, labels, and the clause text without authors' notes.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { buildExplanation, explain, loadVersion, renderExplanationText, type Explanation, type Reason } from "../../src/index.js";
import { evaluateRecord } from "../../src/runtime/index.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const records = readFileSync(join(root, "examples/installations.ndjson"), "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l) as Record<string, any>);
const byId = (id: string): Record<string, any> => structuredClone(records.find((r) => r.id === id)!);
const recordNo = (id: string): number => records.findIndex((r) => r.id === id) + 1;

function golden(name: string, actual: string): void {
  const path = join(root, "test/fixtures/explain", name);
  if (process.env.UPDATE === "1") {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) throw new Error(`golden file ${path} is missing: run with UPDATE=1 to record it`);
  expect(actual).toBe(readFileSync(path, "utf8"));
}

async function explained(id: string, notes = false): Promise<Explanation> {
  const version = await loadVersion({ version: "20.v2" });
  return buildExplanation(version, evaluateRecord(version, byId(id), { trace: true }), { record: recordNo(id), notes });
}

function allReasons(rs: readonly Reason[]): Reason[] {
  return rs.flatMap((r) => [r, ...allReasons(r.because), ...(r.members ?? []).flatMap((m) => allReasons(m.because))]);
}

describe("golden explanations", () => {
  for (const [id, file] of [
    ["INS-4.26-pending-firmware-retries", "pending.txt"],
    ["INS-18.10-mds-esme-firmware-failed", "18.10.txt"],
    ["INS-4.26A-mds-gsme-configuration-failed", "4.26A.txt"],
  ] as const) {
    it(`${id} (${file})`, async () => {
      golden(file, `${renderExplanationText(await explained(id))}\n`);
    });
  }
});

describe("what an analyst needs", () => {
  it("PENDING: the meter still being retried, its attempt counts and dates, and what is left", async () => {
    const e = await explained("INS-4.26-pending-firmware-retries");
    expect(e.outcome[0]).toMatchObject({ value: "PENDING", label: "preparation retries still in progress" });
    expect(e.pending).toHaveLength(1);
    const [p] = e.pending;
    expect(p.name).toBe("ESME 90-B3-D5-1F-30-27-00-01");
    expect(p.facts[0]).toBe("firmware attempts: 40 failed on 7 calendar days (2 May 2022 06:00 – 8 May 2022 18:00), 0 succeeded, 0 confirmation timed out");
    expect(p.checks).toContainEqual(expect.objectContaining({ about: "firmware attempts", have: 40, need: 108, left: 68 }));
    expect(p.checks).toContainEqual(expect.objectContaining({ about: "firmware attempts", have: 7, need: 18, left: 11 }));
    expect(p.reviewOn).toBeUndefined();
    expect(e.summary).toContain("Decided by clause 4.26 (Reconfiguration of Dormant Meters before migration), because for at least one of the dormant meters, preparation in progress (ESME 90-B3-D5-1F-30-27-00-01: firmware attempts: 40 failed on 7 calendar days");
  });

  it("18.10: the member that made the quantifier true, with the facts read about it", async () => {
    const e = await explained("INS-18.10-mds-esme-firmware-failed");
    const quantified = e.because.find((r) => r.members !== undefined)!;
    expect(quantified.statement).toBe("for at least one of the dormant meters, preparation persistently failed");
    expect(quantified.members!.map((m) => m.name)).toEqual(["ESME 90-B3-D5-1F-30-24-00-01"]);
    expect(quantified.members![0].facts[0]).toBe("firmware attempts: 108 failed on 21 calendar days (10 Jan 2022 08:00 – 30 Jan 2022 04:00), 0 succeeded, 0 confirmation timed out");
    // The regime's thresholds as compared: 108 attempts against 108 required, 21 calendar days against 18.
    const comparisons = allReasons(quantified.members![0].because).filter((r) => r.comparison !== undefined);
    expect(comparisons.map((r) => [r.comparison!.left, r.comparison!.operator, r.comparison!.right])).toEqual(expect.arrayContaining([[108, ">=", 108], [21, ">=", 18]]));
    expect(e.summary).toMatch(/^Under TMAD 20\.v2, installation INS-18\.10-mds-esme-firmware-failed: Excluded Category: not migrated \(EXCLUDED\); excluded category: 18\.10, MOC \(MDS\): persistent failure/);
  });

  it("every false part of an `and` that matters, not only the first", async () => {
    const e = await explained("INS-4.26A-mds-gsme-configuration-failed");
    // 18.5 (IOC partial migration): both the cohort and the GSME's firmware fail, though evaluation stops at the cohort.
    const ioc = e.notApplied.find((n) => n.rule === "migrate_partial_ioc")!;
    expect(ioc.because.map((r) => [r.statement, r.holds])).toEqual([
      ["the cohort is IOC", false],
      ["for each of the GSMEs, firmware persistently failed", false],
    ]);
    expect(ioc.because[1].members!.map((m) => [m.name, m.holds])).toEqual([["GSME 90-B3-D5-1F-30-1C-00-02", false]]);
  });

  it("enum values carry their declared labels, clause fields their titles", async () => {
    const e = await explained("INS-4.26A-mds-gsme-configuration-failed");
    expect(e.outcome).toEqual([
      { field: "outcome", value: "MIGRATE_PARTIAL", label: "migrate after deregistering the named devices" },
      { field: "excludedCategory", value: "18.5", title: "Dormant GSMEs deregistered by partial migration (as amended)" },
      { field: "deregister", value: ["90-B3-D5-1F-30-1C-00-02"] },
      { field: "notifySupplier", value: true },
    ]);
    const cohort = allReasons(e.because).flatMap((r) => r.facts).find((f) => f.path === "installation.cohort");
    expect(cohort).toEqual({ path: "installation.cohort", value: "MOC_MDS", label: "MOC (MDS)" });
  });

  it("quotes the clause without the authors' notes, and with them on request", async () => {
    const without = await explained("INS-4.26A-mds-gsme-configuration-failed");
    const clause = without.decidedBy!.clause!;
    expect(clause.text).toContain("If the preparation of clause 4.26 succeeds for its");
    expect(clause.text).not.toMatch(/Assumption:|Near miss|Wording:|Partial migration rather than exclusion/);
    expect(clause.notes).toBeUndefined();
    const withNotes = (await explained("INS-4.26A-mds-gsme-configuration-failed", true)).decidedBy!.clause!;
    expect(withNotes.text).toBe(clause.text);
    expect(withNotes.notes!.map((n) => n.kind)).toEqual(["wording", "assumption", "assumption", "example", "example", "near-miss"]);
    expect(renderExplanationText(await explained("INS-4.26A-mds-gsme-configuration-failed", true))).toContain("[assumption] Assumption: for the ESME");
  });

  it("a blocked record says which rule came nearest and what kept it from applying", async () => {
    const e = await explain(byId("INS-4.1-near-miss-not-communicating"), { version: "20.v2" });
    expect(e.reason).toBe("no rule applies (default, clause 1.4 (Installations blocked for migration)); nearest, clause 4.1 (Migration of an installation with nothing blocking it), fails because not ready to migrate (not communicating)");
  });
});
