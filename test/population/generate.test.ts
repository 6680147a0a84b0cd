/**
 * `tmad generate` (src/population): determinism and the prefix property, validity of every record
 * against the 20.v2 validator, deliberately broken records (one error each, of the intended kind,
 * every kind), consistency of duplicate-MPxN groups, proportions, the spread of decisions under
 * 20.v2, and the command's argument checks and atomic --out.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ParseArgsConfig } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadVersion } from "../../src/index.js";
import { evaluateRecord, type VersionModule } from "../../src/runtime/index.js";
import { UsageError } from "../../src/cli/usage.js";
import { generateCommand, generateOptionsFrom } from "../../src/cli/generate.js";
import {
  DEFAULT_PROPORTIONS,
  generateInstallations,
  INVALID_KINDS,
  invalidKindAt,
  installationId,
  isoDateTime,
  mpanCheckDigit,
  type GenerateOptions,
  type Installation,
} from "../../src/population/generate.js";

const lines = (options: GenerateOptions): string[] => [...generateInstallations(options)];
const records = (options: GenerateOptions): Installation[] => lines(options).map((l) => JSON.parse(l) as Installation);

/** 8,000 valid records of seed 2022, generated once: their decisions are counted, and the first 4,000 checked one by one. */
let seed2022: Installation[] | undefined;
const population2022 = (): Installation[] => (seed2022 ??= records({ count: 8000, seed: 2022 }));

let version: VersionModule<any, any>;
beforeAll(async () => {
  version = await loadVersion({ version: "20.v2" });
});

describe("determinism", () => {
  it("gives identical lines for the same options", () => {
    expect(lines({ count: 500, seed: 11 })).toEqual(lines({ count: 500, seed: 11 }));
    expect(lines({ count: 200, seed: 11, invalidRate: 0.3, asOf: "2023-01-31" })).toEqual(lines({ count: 200, seed: 11, invalidRate: 0.3, asOf: "2023-01-31" }));
  });

  it("gives different populations for different seeds, including seeds beyond 32 bits", () => {
    const a = lines({ count: 50, seed: 11 });
    const b = lines({ count: 50, seed: 12 });
    const c = lines({ count: 50, seed: 11 + 2 ** 32 });
    expect(a.filter((l, i) => l === b[i])).toEqual([]);
    expect(a.filter((l, i) => l === c[i])).toEqual([]);
  });

  it("makes a shorter run a prefix of a longer one", () => {
    const long = lines({ count: 1000, seed: 5, invalidRate: 0.1 });
    for (const n of [0, 1, 10, 137, 999]) expect(lines({ count: n, seed: 5, invalidRate: 0.1 })).toEqual(long.slice(0, n));
  });

  it("numbers the records", () => {
    expect(records({ count: 3, seed: 1 }).map((r) => r.id)).toEqual(["GEN-000000001", "GEN-000000002", "GEN-000000003"]);
    expect(installationId(41)).toBe("GEN-000000042");
  });
});

describe("valid records (invalidRate 0)", () => {
  const N = 4000;
  let all: Installation[];
  beforeAll(() => {
    // The first N of the population the decisions below are counted on: a shorter run is a prefix of a longer one.
    all = population2022().slice(0, N);
  });

  it("every record passes the 20.v2 validator", () => {
    const failures = all.map((r) => version.validator.validate(r)).filter((v) => !v.ok);
    expect(failures).toEqual([]);
  });

  it("computes MPAN check digits (primer example)", () => {
    expect(mpanCheckDigit("104000000000")).toBe(9);
    expect(mpanCheckDigit("114123456789")).toBe(8);
  });

  it("writes each time as toISOString does, without the milliseconds", () => {
    const iso = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;
    const DAY = 86_400_000;
    const edges = [0, 1, 999, 1_000, 59_999, 3_599_999, DAY - 1, DAY, Date.UTC(2000, 1, 29, 23, 59, 59, 999), Date.UTC(2022, 5, 11), 253_402_300_799_999, 253_402_300_800_000, -1, -DAY, 1.5, DAY + 0.25];
    for (const ms of edges) expect(isoDateTime(ms), String(ms)).toBe(iso(ms));
    // Runs of times a few hours apart, as attempts are (the day is kept between calls), and jumps.
    let x = 11;
    const next = (): number => (x = (x * 1103515245 + 12345) % 2 ** 31);
    let ms = Date.UTC(2012, 0, 1);
    for (let i = 0; i < 5_000; i++) {
      ms += next() % 5 === 0 ? next() * 1_000 : (next() % (6 * 3_600)) * 1_000 + (next() % 1_000);
      if (isoDateTime(ms) !== iso(ms)) expect(isoDateTime(ms), String(ms)).toBe(iso(ms));
    }
  });

  it("keeps dates before asOf and attempts in time order", () => {
    // What is out of place, listed (an expect() per attempt was most of this test's time).
    const wrong: string[] = [];
    for (const r of all) {
      if (!(r.installedOn < "2022-06-11")) wrong.push(`${r.id} installed on ${r.installedOn}`);
      for (const d of r.devices) {
        for (const list of [d.firmwareAttempts, d.configurationAttempts, d.confirmationAttempts]) {
          for (let k = 0; k < list.length; k++) {
            if (!(list[k].at < "2022-06-11T00:00:00Z")) wrong.push(`${r.id} ${d.id}: attempt at ${list[k].at}`);
            if (k > 0 && !(list[k - 1].at < list[k].at)) wrong.push(`${r.id} ${d.id}: ${list[k - 1].at} then ${list[k].at}`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it("device ids repeat only where an unresolved duplicate-device-id issue says so", () => {
    const seen = new Map<string, string>();
    const flagged = new Set(all.filter((r) => r.dataIssues.some((d) => d.kind === "DUPLICATE_DEVICE_ID" && !d.resolved)).map((r) => r.id));
    let duplicates = 0;
    for (const r of all) {
      for (const d of r.devices) {
        const other = seen.get(d.id);
        if (other !== undefined) {
          duplicates++;
          expect(flagged.has(r.id) || flagged.has(other), `${d.id} in ${other} and ${r.id}`).toBe(true);
        }
        seen.set(d.id, r.id);
      }
    }
    expect(duplicates).toBeGreaterThan(0);
    expect(duplicates).toBeLessThanOrEqual(flagged.size);
  });

  it("MPANs and MPRNs are unique outside duplicate groups", () => {
    for (const key of ["mpan", "mprn"] as const) {
      const byValue = new Map<string, Installation[]>();
      for (const r of all) if (r[key] !== undefined) byValue.set(r[key]!, [...(byValue.get(r[key]!) ?? []), r]);
      for (const [value, rs] of byValue) if (rs.length > 1) expect(rs.every((r) => r.sharedMeterPoints.length > 0), `${key} ${value}`).toBe(true);
    }
  });
});

describe("broken records (invalidRate 0.5)", () => {
  const N = 2000;
  const rate = 0.5;
  let all: string[];
  beforeAll(() => {
    all = lines({ count: N, seed: 77, invalidRate: rate });
  });

  it("breaks exactly that fraction, each line in exactly the intended way, cycling through every kind", () => {
    const kinds = new Map<string, number>();
    for (let i = 0; i < N; i++) {
      const kind = invalidKindAt(i, rate);
      const line = all[i];
      if (kind === "invalid-json") {
        expect(() => JSON.parse(line)).toThrow();
        expect(line).toContain(`"id":"${installationId(i)}"`);
      } else {
        const v = version.validator.validate(JSON.parse(line));
        if (kind === undefined) {
          expect(v.ok, `record ${i}`).toBe(true);
        } else {
          expect(v.ok).toBe(false);
          if (!v.ok) expect(v.errors.map((e) => e.code), `record ${i}`).toEqual([kind]);
          // The id stays readable wherever the record is still an object.
          if (kind !== "not-an-object") expect(version.validator.keyOf(JSON.parse(line))).toBe(installationId(i));
        }
      }
      if (kind !== undefined) kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    expect([...kinds.keys()].sort()).toEqual([...INVALID_KINDS].sort());
    expect([...kinds.values()].reduce((a, b) => a + b, 0)).toBe(N * rate);
    for (const n of kinds.values()) expect(n).toBe((N * rate) / INVALID_KINDS.length);
  });

  it("breaks every record at rate 1 and none at rate 0", () => {
    const one = lines({ count: 30, seed: 1, invalidRate: 1 });
    expect(one.filter((l) => { try { return version.validator.validate(JSON.parse(l)).ok; } catch { return false; } })).toEqual([]);
    expect(Array.from({ length: 100 }, (_, i) => invalidKindAt(i, 0)).filter((k) => k !== undefined)).toEqual([]);
  });
});

describe("duplicate MPxN groups", () => {
  // Groups have at most 3 members: generating 3 more records than inspected completes every group.
  const N = 6000;
  let all: Installation[];
  let groups: Installation[][];
  beforeAll(() => {
    all = records({ count: N + 3, seed: 9 });
    const byMpan = new Map<string, Installation[]>();
    // By MPAN, or MPRN for gas only: a coverage record may share its meter point with SMETS2+ devices alone.
    for (const r of all) if (r.sharedMeterPoints.length > 0) byMpan.set(r.mpan ?? r.mprn!, [...(byMpan.get(r.mpan ?? r.mprn!) ?? []), r]);
    groups = [...byMpan.values()].filter((g) => all.indexOf(g[0]) < N);
  });

  it("occur, some with SMETS2+ devices and some of several SMETS1 installations", () => {
    expect(groups.length).toBeGreaterThan(50);
    expect(groups.some((g) => g[0].sharedMeterPoints.some((s) => s.generation === "SMETS2_PLUS"))).toBe(true);
    expect(groups.some((g) => g.length === 3)).toBe(true);
  });

  it("members are consecutive, in different SMSOs' data, and describe each other consistently", () => {
    for (const g of groups) {
      const at = g.map((r) => all.indexOf(r));
      expect(at).toEqual(at.map((_, k) => at[0] + k));
      expect(new Set(g.map((r) => r.cohort)).size).toBe(g.length);
      expect(new Set(g.map((r) => r.mprn)).size).toBe(1);
      // One meter point, one Responsible Supplier; only a member whose own data cannot identify it differs.
      expect(new Set(g.filter((r) => r.responsibleSupplier.status !== "UNIDENTIFIABLE").map((r) => r.responsibleSupplier.name)).size).toBeLessThanOrEqual(1);
      const smets2 = g.map((r) => JSON.stringify(r.sharedMeterPoints.filter((s) => s.generation === "SMETS2_PLUS")));
      expect(new Set(smets2).size).toBe(1);
      for (const r of g) {
        const described = r.sharedMeterPoints.filter((s) => s.generation === "SMETS1_OTHER_SMSO").map((s) => `${s.installedOn}/${s.communicating}`).sort();
        const actual = g.filter((o) => o !== r).map((o) => `${o.installedOn}/${o.communicating}`).sort();
        expect(described, r.id).toEqual(actual);
      }
    }
  });

  it("at most one member of a group migrates, and only the last installed, under 4.1C", () => {
    for (const g of groups) {
      const migrating = g.filter((r) => {
        const o = evaluateRecord(version, r);
        return o.ok && (o.decision.result as { outcome: string } | null)?.outcome === "MIGRATE";
      });
      expect(migrating.length).toBeLessThanOrEqual(1);
      for (const r of migrating) expect(g.every((o) => o === r || o.installedOn < r.installedOn)).toBe(true);
    }
  });
});

describe("proportions", () => {
  const N = 6000;
  const share = (rs: Installation[], p: (r: Installation) => boolean): number => rs.filter(p).length / rs.length;
  const hasDormant = (r: Installation): boolean => r.devices.some((d) => d.dormant);

  it("follow the defaults roughly", () => {
    const all = records({ count: N, seed: 3 });
    const single = all.filter((r) => r.sharedMeterPoints.length === 0);
    const total = Object.values(DEFAULT_PROPORTIONS.cohort).reduce((a, b) => a + b, 0);
    for (const [cohort, w] of Object.entries(DEFAULT_PROPORTIONS.cohort)) expect(share(single, (r) => r.cohort === cohort)).toBeCloseTo(w / total, 1);
    // A share `coverage` of records is drawn for coverage, most of them dormant (docs/population.md).
    const dormant = (1 - DEFAULT_PROPORTIONS.coverage) * DEFAULT_PROPORTIONS.dormant + DEFAULT_PROPORTIONS.coverage * 0.85;
    expect(share(single, hasDormant)).toBeGreaterThan(dormant - 0.03);
    expect(share(single, hasDormant)).toBeLessThan(dormant + 0.03);
    expect(share(single, (r) => r.communicating)).toBeGreaterThan(0.95);
    expect(share(all, (r) => r.sharedMeterPoints.length > 0)).toBeGreaterThan(0.02);
    expect(share(all, (r) => r.sharedMeterPoints.length > 0)).toBeLessThan(0.07);
    const ioc = all.filter((r) => r.cohort === "IOC");
    expect(share(ioc, (r) => ["AA", "BA", "CA"].includes(r.groupId))).toBeGreaterThan(0.85);
    expect(all.filter((r) => r.cohort === "MOC_MDS").some((r) => r.groupId === "CB")).toBe(true);
    // Suppliers: every status occurs; a few large suppliers and a long tail.
    for (const s of ["LIVE", "CEASED_TRADING", "NOT_LIVE_USER", "UNIDENTIFIABLE"]) expect(all.some((r) => r.responsibleSupplier.status === s), s).toBe(true);
    const bySupplier = new Map<string, number>();
    for (const r of all) bySupplier.set(r.responsibleSupplier.name, (bySupplier.get(r.responsibleSupplier.name) ?? 0) + 1);
    const sizes = [...bySupplier.values()].sort((a, b) => b - a);
    expect(sizes.length).toBeGreaterThan(30);
    expect(sizes[0] / N).toBeGreaterThan(0.15);
    expect(sizes.slice(0, 5).reduce((a, b) => a + b, 0) / N).toBeGreaterThan(0.45);
    // Data issues: every kind, resolved and not.
    for (const kind of ["DUPLICATE_DEVICE_ID", "NO_PREPAYMENT_KEY", "SUPPLIER_UNIDENTIFIABLE"]) {
      for (const resolved of [true, false]) expect(all.some((r) => r.dataIssues.some((d) => d.kind === kind && d.resolved === resolved)), `${kind} ${resolved}`).toBe(true);
    }
  });

  it("follow a mix laid over the defaults", () => {
    const all = records({ count: 3000, seed: 3, mix: { cohort: { FOC: 0, IOC: 1, MOC_SECURE: 0, MOC_MDS: 0 }, dormant: 0.5, duplicateGroup: 0, outsideExclusionGroups: 0 } });
    expect(share(all, (r) => r.cohort === "IOC" && ["AA", "BA", "CA"].includes(r.groupId))).toBe(1);
    expect(share(all, hasDormant)).toBeGreaterThan(0.45);
    expect(share(all, hasDormant)).toBeLessThan(0.55);
    expect(all.filter((r) => r.sharedMeterPoints.length > 0)).toEqual([]);
  });

  it("refuses a mix that would give invalid records", () => {
    expect(() => lines({ count: 1, seed: 1, mix: { cohort: { FOC: 1, IOC: 0, MOC_SECURE: 0, MOC_MDS: 0, SMETS2: 1 } as never } })).toThrow(RangeError);
    expect(() => lines({ count: 1, seed: 1, mix: { dormant: 1.5 } })).toThrow(RangeError);
    expect(() => lines({ count: 1, seed: 1, mix: { colour: 1 } as never })).toThrow(RangeError);
  });
});

describe("decisions under 20.v2", () => {
  it("every outcome and Excluded Category occurs, most installations migrate", () => {
    const counts = new Map<string, number>();
    const N = 8000;
    const all = population2022();
    expect(all).toHaveLength(N);
    for (const r of all) {
      const o = evaluateRecord(version, r);
      if (!o.ok) expect(o.ok, r.id).toBe(true);
      if (!o.ok) continue;
      if (o.decision.status === "conflict") expect(o.decision.status, r.id).not.toBe("conflict");
      const result = o.decision.result as { outcome: string; excludedCategory?: string | null };
      const key = result.outcome === "EXCLUDED" ? `EXCLUDED ${result.excludedCategory}` : result.outcome;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const expected = ["MIGRATE", "MIGRATE_PARTIAL", "BLOCKED", "PENDING", "EXCLUDED 18.9", "EXCLUDED 18.10", "EXCLUDED 18.11", "EXCLUDED 18.12", "EXCLUDED 18.13"];
    expect([...counts.keys()].sort()).toEqual(expected.sort());
    expect(counts.get("MIGRATE")! / N).toBeGreaterThan(0.7);
    for (const k of expected.filter((e) => e !== "MIGRATE")) expect(counts.get(k)! / N, k).toBeLessThan(0.12);
  });
});

describe("the command", () => {
  interface Command {
    readonly summary: string;
    readonly usage: string;
    readonly options: NonNullable<ParseArgsConfig["options"]>;
    run(positionals: string[], values: Record<string, unknown>): Promise<number>;
  }
  // Type check: the command fits the `commands` record of src/cli/cli.ts.
  const command: Command = generateCommand;
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("checks its arguments", () => {
    const ok = { count: "10", seed: "1" };
    expect(generateOptionsFrom([], ok)).toEqual({ count: 10, seed: 1, asOf: "2022-06-11", invalidRate: 0 });
    expect(generateOptionsFrom([], { ...ok, seed: "-3", "invalid-rate": "0.25", "as-of": "2023-02-28" })).toEqual({ count: 10, seed: -3, asOf: "2023-02-28", invalidRate: 0.25 });
    for (const bad of [
      { seed: "1" },
      { count: "10" },
      { ...ok, count: "-1" },
      { ...ok, count: "1.5" },
      { ...ok, count: "ten" },
      { ...ok, seed: "0x10" },
      { ...ok, seed: "99999999999999999999" },
      { ...ok, "invalid-rate": "1.5" },
      { ...ok, "invalid-rate": "-0.1" },
      { ...ok, "invalid-rate": "half" },
      { ...ok, "as-of": "2022-02-30" },
      { ...ok, "as-of": "11/06/2022" },
      { ...ok, out: "" },
    ]) {
      expect(() => generateOptionsFrom([], bad), JSON.stringify(bad)).toThrow(UsageError);
    }
    expect(() => generateOptionsFrom(["extra"], ok)).toThrow(UsageError);
  });

  it("writes --out atomically, the same bytes as the generator", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tmad-generate-test-"));
    dirs.push(dir);
    const out = join(dir, "population.ndjson");
    expect(await command.run([], { count: "3000", seed: "8", "invalid-rate": "0.1", out })).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(`${lines({ count: 3000, seed: 8, invalidRate: 0.1 }).join("\n")}\n`);
    expect(readdirSync(dir)).toEqual(["population.ndjson"]);
    expect(await command.run([], { count: "0", seed: "8", out })).toBe(0);
    expect(readFileSync(out, "utf8")).toBe("");
  });

  it("leaves no file behind when it cannot write", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tmad-generate-test-"));
    dirs.push(dir);
    const out = join(dir, "missing", "population.ndjson");
    await expect(command.run([], { count: "10", seed: "1", out })).rejects.toMatchObject({ code: "ENOENT" });
    expect(existsSync(join(dir, "missing"))).toBe(false);
  });
});

describe("attempt histories follow the retry regime as DCC runs it (seed 3.2.1)", () => {
  const DAY = 86_400_000;
  const day = (at: string): number => Math.floor(Date.parse(at) / DAY);
  const regimes = { firmwareAttempts: { required: 108, days: 18 }, configurationAttempts: { required: 69, days: 9 }, confirmationAttempts: { required: 30, days: 30 } } as const;
  const full: { list: keyof typeof regimes; covered: number; hours: number }[] = [];
  for (const r of records({ count: 5_000, seed: 3 })) {
    for (const d of r.devices) {
      for (const list of Object.keys(regimes) as (keyof typeof regimes)[]) {
        const failed = d[list].filter((a) => a.outcome !== "SUCCEEDED");
        if (failed.length < regimes[list].required) continue;
        const [first, last] = [failed[0].at, failed[failed.length - 1].at];
        // Compressed histories (108+ firmware failures 25 minutes apart) are the seed's worry, not the regime.
        if (Date.parse(failed[1].at) - Date.parse(first) < 3_600_000) continue;
        full.push({ list, covered: day(last) - day(first) + 1, hours: (Date.parse(last) - Date.parse(first)) / 3_600_000 });
      }
    }
  }

  it("runs whole regimes back to back and with pauses, covering at least the regime's days", () => {
    for (const list of Object.keys(regimes) as (keyof typeof regimes)[]) {
      const mine = full.filter((f) => f.list === list);
      expect(mine.length, list).toBeGreaterThan(0);
      for (const f of mine) expect(f.covered, list).toBeGreaterThanOrEqual(regimes[list].days);
      // Back to back: the last attempt less than the regime's days × 24 hours after the first.
      expect(mine.some((f) => f.hours < regimes[list].days * 24), `${list} back to back`).toBe(true);
      expect(mine.some((f) => f.hours > regimes[list].days * 24), `${list} with pauses`).toBe(true);
    }
  });
});
