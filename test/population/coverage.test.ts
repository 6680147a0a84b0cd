/**
 * The generated population covers the model: in 50,000 records (the size issue 11 names), every
 * cohort meets every fact the rules read, at least FLOOR times: a firmware upgrade that cannot be
 * attempted, each step's persistent failure, retries in progress, each supplier status, each data
 * issue kind (unresolved), shared meter points of both generations, dormant installations that do
 * not communicate, one meter dormant and the other active, GroupIDs inside and outside the
 * exclusion groups; and every cohort × way a preparation fails × supplier status, data issue,
 * sharing or silence at least once (the coverage share of docs/population.md gives that floor;
 * without it some are missing). And every decision of 20.v2 in every cohort that can reach it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loadVersion } from "../../src/index.js";
import { DEFAULT_PROPORTIONS, generateInstallations, type Cohort, type Installation } from "../../src/population/generate.js";
import type { VersionModule } from "../../src/runtime/index.js";

const N = 50_000;
const FLOOR = 5;
const COHORTS: readonly Cohort[] = ["FOC", "IOC", "MOC_SECURE", "MOC_MDS"];

type Device = Installation["devices"][number];
const failures = (xs: readonly { outcome: string }[]): number => xs.filter((a) => a.outcome !== "SUCCEEDED").length;
const dormantMeters = (r: Installation): Device[] => r.devices.filter((d) => (d.type === "ESME" || d.type === "GSME") && d.dormant);

/** Facts the rules read, as predicates on a record. */
const FACTS: Record<string, (r: Installation) => boolean> = {
  "firmware upgrade cannot be attempted": (r) => dormantMeters(r).some((d) => !d.firmwareUpgradePossible),
  "firmware persistently failed": (r) => dormantMeters(r).some((d) => failures(d.firmwareAttempts) >= 108),
  "configuration persistently failed": (r) => dormantMeters(r).some((d) => failures(d.configurationAttempts) >= 69),
  "confirmation requests exhausted": (r) => dormantMeters(r).some((d) => d.firmwareAttempts.some((a) => a.outcome === "TIMED_OUT") && failures(d.confirmationAttempts) >= 30),
  "retries in progress": (r) => dormantMeters(r).some((d) => d.firmwareAttempts.length > 0 && !d.firmwareAttempts.some((a) => a.outcome === "SUCCEEDED") && failures(d.firmwareAttempts) < 108),
  "supplier live": (r) => dormantMeters(r).length > 0 && r.responsibleSupplier.status === "LIVE",
  "supplier ceased trading": (r) => dormantMeters(r).length > 0 && r.responsibleSupplier.status === "CEASED_TRADING",
  "supplier not a live user": (r) => dormantMeters(r).length > 0 && r.responsibleSupplier.status === "NOT_LIVE_USER",
  "supplier unidentifiable": (r) => dormantMeters(r).length > 0 && r.responsibleSupplier.status === "UNIDENTIFIABLE",
  "unresolved duplicate device id": (r) => dormantMeters(r).length > 0 && r.dataIssues.some((i) => i.kind === "DUPLICATE_DEVICE_ID" && !i.resolved),
  "unresolved missing prepayment key": (r) => dormantMeters(r).length > 0 && r.dataIssues.some((i) => i.kind === "NO_PREPAYMENT_KEY" && !i.resolved),
  "resolved data issue": (r) => dormantMeters(r).length > 0 && r.dataIssues.some((i) => i.resolved),
  "meter point shared with SMETS2+ devices": (r) => r.sharedMeterPoints.some((s) => s.generation === "SMETS2_PLUS"),
  "meter point shared with another SMETS1 installation": (r) => r.sharedMeterPoints.some((s) => s.generation === "SMETS1_OTHER_SMSO"),
  "dormant and not communicating": (r) => dormantMeters(r).length > 0 && !r.communicating,
  "one meter dormant, the other active": (r) => r.devices.some((d) => d.type === "ESME" && d.dormant) !== r.devices.some((d) => d.type === "GSME" && d.dormant) && r.devices.some((d) => d.type === "GSME") && r.devices.some((d) => d.type === "ESME"),
};

/** The ways a Dormant Meter's preparation ends badly, crossed with what else can stand in the way. */
const FAILURES = ["firmware upgrade cannot be attempted", "firmware persistently failed", "configuration persistently failed", "confirmation requests exhausted"];
const OBSTACLES = ["supplier ceased trading", "supplier not a live user", "supplier unidentifiable", "unresolved duplicate device id", "unresolved missing prepayment key", "meter point shared with SMETS2+ devices", "meter point shared with another SMETS1 installation", "dormant and not communicating"];

function missingCombinations(records: readonly Installation[]): string[] {
  const seen = new Set<string>();
  for (const r of records) {
    const failures = FAILURES.filter((f) => FACTS[f](r));
    if (failures.length === 0) continue;
    const obstacles = OBSTACLES.filter((o) => FACTS[o](r));
    for (const f of failures) for (const o of obstacles) seen.add(`${r.cohort} × ${f} × ${o}`);
  }
  return COHORTS.flatMap((c) => FAILURES.flatMap((f) => OBSTACLES.map((o) => `${c} × ${f} × ${o}`))).filter((k) => !seen.has(k));
}

let all: Installation[];
let version: VersionModule<any, any>;
beforeAll(async () => {
  all = [...generateInstallations({ count: N, seed: 11 })].map((l) => JSON.parse(l) as Installation);
  version = await loadVersion({ version: "20.v2" });
});

describe("a 50,000-record population covers the model", () => {
  it(`every cohort meets every fact the rules read, at least ${FLOOR} times`, () => {
    const missing: string[] = [];
    const counts = new Map<string, number>();
    for (const r of all) for (const [fact, holds] of Object.entries(FACTS)) if (holds(r)) counts.set(`${r.cohort} × ${fact}`, (counts.get(`${r.cohort} × ${fact}`) ?? 0) + 1);
    for (const cohort of COHORTS) for (const fact of Object.keys(FACTS)) if ((counts.get(`${cohort} × ${fact}`) ?? 0) < FLOOR) missing.push(`${cohort} × ${fact}: ${counts.get(`${cohort} × ${fact}`) ?? 0}`);
    expect(missing).toEqual([]);
  });

  it("every cohort × way preparation fails × other obstacle occurs; without the coverage share some do not (even in 20,000)", () => {
    expect(missingCombinations(all)).toEqual([]);
    const realistic = [...generateInstallations({ count: 20_000, seed: 11, mix: { coverage: 0 } })].map((l) => JSON.parse(l) as Installation);
    // Coverage records come from their own stream: the others are the same records either way.
    const lines = [...generateInstallations({ count: 2000, seed: 11 })];
    const without = [...generateInstallations({ count: 2000, seed: 11, mix: { coverage: 0 } })];
    const differing = lines.filter((l, i) => l !== without[i]).length;
    expect(differing).toBeGreaterThan(0);
    expect(differing / lines.length).toBeLessThan(2 * DEFAULT_PROPORTIONS.coverage);
    expect(missingCombinations(realistic).length).toBeGreaterThan(0);
  });

  it("GroupIDs inside and outside the exclusion groups, with every preparation failure", () => {
    for (const cohort of ["IOC", "MOC_MDS"] as const) {
      const inside = cohort === "IOC" ? ["AA", "BA", "CA"] : ["CB"];
      for (const within of [true, false]) {
        const mine = all.filter((r) => r.cohort === cohort && inside.includes(r.groupId) === within);
        for (const fact of ["firmware upgrade cannot be attempted", "firmware persistently failed", "configuration persistently failed"]) expect(mine.filter(FACTS[fact]).length, `${cohort} ${within ? "inside" : "outside"} × ${fact}`).toBeGreaterThanOrEqual(FLOOR);
      }
    }
  });

  it("every decision of 20.v2 occurs, in every cohort that can reach it", () => {
    const seen = new Map<string, number>();
    for (const r of all) {
      const d = version.evaluate(r, null);
      const key = `${r.cohort} ${d.status === "conflict" ? "CONFLICT" : `${(d.result as { outcome: string }).outcome} ${d.clause}`}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    const everywhere = ["MIGRATE 4.1", "MIGRATE 4.1A", "MIGRATE 4.1B", "MIGRATE 4.1C", "PENDING 4.26", "BLOCKED 1.4", "EXCLUDED 18.12", "EXCLUDED 18.13"];
    const expected = [...COHORTS.flatMap((c) => everywhere.map((d) => `${c} ${d}`)), "IOC EXCLUDED 18.9", "IOC EXCLUDED 18.11", "IOC MIGRATE_PARTIAL 18.5", "MOC_MDS EXCLUDED 18.10", "MOC_MDS MIGRATE_PARTIAL 4.26A"];
    for (const k of expected) expect(seen.get(k) ?? 0, k).toBeGreaterThanOrEqual(FLOOR);
    expect([...seen.keys()].some((k) => k.includes("CONFLICT"))).toBe(false);
  });
});
