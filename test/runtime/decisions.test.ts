/**
 * Decisions on the example installations, input validation, traced evaluation, explanations and
 * version selection, through the library (no child processes).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluate, explain, loadVersion, renderExplanationText } from "../../src/index.js";
import { decisionOutcome, evaluateRecord, VersionSelectionError, type Decision, type RecordOutcome, type TraceNode, type VersionModule } from "../../src/runtime/index.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const records: Record<string, any>[] = readFileSync(join(root, "examples", "installations.ndjson"), "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l));
const byId = (id: string): Record<string, any> => {
  const r = records.find((x) => x.id === id);
  if (r === undefined) throw new Error(`no example ${id}`);
  return structuredClone(r);
};
const isInvalidExample = (r: Record<string, any>): boolean => r.id.startsWith("INS-invalid-");
const validRecords = records.filter((r) => !isInvalidExample(r));

/**
 * Expected decisions, checked by hand against the clause texts in rules/tmad-20.v2/*.md.
 * [status, clause, outcome, rule, excludedCategory]
 */
const EXPECTED: Record<string, readonly [string, string, string, string | null, string | null]> = {
  "INS-4.1-active-dual-fuel-foc": ["decided", "4.1", "MIGRATE", "migrate_clean_installation", null],
  "INS-4.1-dormant-prepared-moc-secure": ["decided", "4.1", "MIGRATE", "migrate_clean_installation", null],
  // Not communicating: no migration rule applies, no exclusion covers it -> blocked under 1.4.
  "INS-4.1-near-miss-not-communicating": ["default", "1.4", "BLOCKED", null, null],
  // Configuration timed out, later confirmation succeeded: the step counts as succeeded (4.26).
  "INS-4.26-confirmed-after-timeout": ["decided", "4.1", "MIGRATE", "migrate_clean_installation", null],
  "INS-4.1A-ceased-trading": ["decided", "4.1A", "MIGRATE", "migrate_without_notice_ceased_trading", null],
  // 4.1A covers Dormant Meters only; active meters of a ceased supplier stay blocked.
  "INS-4.1A-near-miss-active-meters": ["default", "1.4", "BLOCKED", null, null],
  "INS-4.1B-not-live-user": ["decided", "4.1B", "MIGRATE", "migrate_without_notice_not_live_user", null],
  "INS-4.1C-last-installed-only-communicating": ["decided", "4.1C", "MIGRATE", "migrate_last_installed_only_communicating", null],
  // 4.1C resolves the duplicate, but 4.1C's own rule needs a LIVE supplier; 4.1A covers ceased trading.
  "INS-4.1C-with-4.1A-ceased-trading": ["decided", "4.1A", "MIGRATE", "migrate_without_notice_ceased_trading", null],
  // Communicating but not last installed: DCC rejected the wider reading (seed 3.3.2, 3.6.2).
  "INS-4.1C-near-miss-not-last-installed": ["decided", "18.13", "EXCLUDED", "exclude_unresolved_duplicate_mpxn", "18.13"],
  "INS-18.13-dup-mpan": ["decided", "18.13", "EXCLUDED", "exclude_unresolved_duplicate_mpxn", "18.13"],
  "INS-4.26A-mds-gsme-firmware-failed": ["decided", "4.26A", "MIGRATE_PARTIAL", "migrate_partial_moc_mds", "18.5"],
  "INS-4.26A-mds-gsme-configuration-failed": ["decided", "4.26A", "MIGRATE_PARTIAL", "migrate_partial_moc_mds", "18.5"],
  // ESME active: not solely dormant meters, so no 4.26A; the GSME's persistent failure -> 18.10 (CB).
  "INS-4.26A-near-miss-active-esme": ["decided", "18.10", "EXCLUDED", "exclude_moc_mds_persistent_failure", "18.10"],
  // 108 attempts squeezed into ~1.5 days: not the full period, so still PENDING (seed 3.2.1).
  "INS-4.26A-near-miss-compressed-attempts": ["decided", "4.26", "PENDING", "await_dormant_meter_preparation", null],
  "INS-18.5-ioc-partial-gsme-firmware": ["decided", "18.5", "MIGRATE_PARTIAL", "migrate_partial_ioc", "18.5"],
  // IOC partial migration covers firmware failure only; configuration failure falls to 18.11 (BA).
  "INS-18.5-near-miss-ioc-gsme-configuration": ["decided", "18.11", "EXCLUDED", "exclude_ioc_persistent_failure", "18.11"],
  "INS-18.9-ioc-unable-to-attempt": ["decided", "18.9", "EXCLUDED", "exclude_ioc_unable_to_attempt_firmware", "18.9"],
  // GroupID DA is outside 18.9; nothing else applies -> blocked.
  "INS-18.9-near-miss-other-group": ["default", "1.4", "BLOCKED", null, null],
  // 18.9 takes precedence over waiting on another meter's retries.
  "INS-18.9-over-pending": ["decided", "18.9", "EXCLUDED", "exclude_ioc_unable_to_attempt_firmware", "18.9"],
  "INS-18.10-mds-esme-firmware-failed": ["decided", "18.10", "EXCLUDED", "exclude_moc_mds_persistent_failure", "18.10"],
  "INS-18.10-confirmation-exhausted": ["decided", "18.10", "EXCLUDED", "exclude_moc_mds_persistent_failure", "18.10"],
  "INS-18.11-over-18.12": ["decided", "18.11", "EXCLUDED", "exclude_ioc_persistent_failure", "18.11"],
  "INS-4.26-pending-firmware-retries": ["decided", "4.26", "PENDING", "await_dormant_meter_preparation", null],
  "INS-18.12-duplicate-device-id": ["decided", "18.12", "EXCLUDED", "exclude_unresolved_data_issues", "18.12"],
  "INS-18.12-supplier-unidentifiable": ["decided", "18.12", "EXCLUDED", "exclude_unresolved_data_issues", "18.12"],
  // The only data issue is resolved: it no longer counts.
  "INS-18.12-near-miss-resolved-issue": ["decided", "4.1", "MIGRATE", "migrate_clean_installation", null],
};

let version: VersionModule<any, any>;
beforeAll(async () => {
  version = await loadVersion({ version: "20.v2" });
});

function ok<R = Readonly<Record<string, unknown>>>(o: RecordOutcome<R>): Extract<RecordOutcome<R>, { ok: true }> {
  if (!o.ok) throw new Error(`expected a decision, got ${JSON.stringify(o.errors)}`);
  return o;
}

function errorsOf(raw: unknown): { code: string; path: string; message: string }[] {
  const o = evaluateRecord(version, raw);
  expect(o.ok).toBe(false);
  return o.ok ? [] : [...o.errors];
}

/** A mutable copy of the first example (a clean FOC installation). */
const base = (): Record<string, any> => byId("INS-4.1-active-dual-fuel-foc");

describe("decisions on examples/installations.ndjson", () => {
  it("the example file has the records this table expects, among about fifty", () => {
    expect(records.length).toBeGreaterThanOrEqual(50);
    const valid = new Set(validRecords.map((r) => r.id));
    for (const id of Object.keys(EXPECTED)) expect(valid.has(id), id).toBe(true);
  });

  for (const [id, [status, clause, outcome, rule, excluded]] of Object.entries(EXPECTED)) {
    it(`${id} -> ${outcome} (clause ${clause})`, () => {
      // Every valid example names a clause in its id.
      expect(id).toMatch(/^INS-\d+\.\d+[A-C]?-/);
      const d = ok(evaluateRecord(version, byId(id))).decision;
      expect(d.installationId).toBe(id);
      expect(d.clause).toBe(clause);
      expect((d.result as any).outcome).toBe(outcome);
      expect(d.status).toBe(status);
      expect(d.rule).toBe(rule);
      expect((d.result as any).excludedCategory ?? null).toBe(excluded);
      expect(d.versionId).toBe("tmad-20.v2");
      expect(d.asOf).toBeNull();
      if (rule !== null) expect(d.fired).toContain(rule);
    });
  }

  it("partial migrations deregister exactly the GSMEs", () => {
    for (const id of ["INS-4.26A-mds-gsme-firmware-failed", "INS-4.26A-mds-gsme-configuration-failed", "INS-18.5-ioc-partial-gsme-firmware"]) {
      const r = byId(id);
      const d = ok(evaluateRecord(version, r)).decision;
      expect((d.result as any).deregister).toEqual(r.devices.filter((x: any) => x.type === "GSME").map((x: any) => x.id));
    }
  });

  it("4.1A and 4.1B migrate without notifying; 4.1 notifies", () => {
    expect((ok(evaluateRecord(version, byId("INS-4.1A-ceased-trading"))).decision.result as any).notifySupplier).toBe(false);
    expect((ok(evaluateRecord(version, byId("INS-4.1B-not-live-user"))).decision.result as any).notifySupplier).toBe(false);
    expect((ok(evaluateRecord(version, byId("INS-4.1-active-dual-fuel-foc"))).decision.result as any).notifySupplier).toBe(true);
  });
});

describe("invalid examples", () => {
  const cases: [string, string, string][] = [
    ["INS-invalid-mpan-check-digit", "$.mpan", "bad-check-digit"],
    ["INS-invalid-unknown-cohort", "$.cohort", "unknown-enum-member"],
    ["INS-invalid-missing-installedOn", "$.installedOn", "missing-field"],
  ];
  for (const [id, path, code] of cases) {
    it(`${id}: ${code} at ${path}`, () => {
      const o = evaluateRecord(version, byId(id));
      expect(o.ok).toBe(false);
      if (o.ok) return;
      expect(o.installationId).toBe(id);
      expect(o.versionId).toBe("tmad-20.v2");
      expect(o.errors).toEqual([expect.objectContaining({ path, code })]);
    });
  }

  it("the unknown cohort gets a did-you-mean hint listing members", () => {
    const r = base();
    r.cohort = "MOC_MSD";
    const [e] = errorsOf(r);
    expect(e.code).toBe("unknown-enum-member");
    expect(e.message).toContain('did you mean "MOC_MDS"');
  });
});

describe("validator", () => {
  it("accepts the base record as is", () => {
    expect(version.validator.validate(base()).ok).toBe(true);
  });

  for (const key of ["__proto__", "constructor", "prototype"]) {
    it(`rejects a \`${key}\` key (own property from JSON.parse)`, () => {
      const raw = JSON.parse(JSON.stringify(base()).replace(/^\{/, `{"${key}": 1,`));
      expect(Object.prototype.hasOwnProperty.call(raw, key)).toBe(true);
      const errors = errorsOf(raw);
      expect(errors).toContainEqual(expect.objectContaining({ code: "forbidden-key", path: `$.${key}` }));
    });
  }

  it("rejects a nested __proto__ key", () => {
    const text = JSON.stringify(base()).replace('"name":"Northfield Energy Ltd"', '"__proto__":{"polluted":true},"name":"Northfield Energy Ltd"');
    const raw = JSON.parse(text);
    expect(errorsOf(raw)).toContainEqual(expect.objectContaining({ code: "forbidden-key", path: "$.responsibleSupplier.__proto__" }));
    expect(({} as any).polluted).toBeUndefined();
  });

  it("rejects unknown fields with a did-you-mean", () => {
    const r = base();
    r.comunicating = r.communicating;
    delete r.communicating;
    const errors = errorsOf(r);
    expect(errors).toContainEqual(expect.objectContaining({ code: "unknown-field", path: "$.comunicating" }));
    expect(errors.find((e) => e.code === "unknown-field")!.message).toContain("did you mean `communicating`");
    expect(errors).toContainEqual(expect.objectContaining({ code: "missing-field", path: "$.communicating" }));
  });

  it("rejects unknown fields in nested records", () => {
    const r = base();
    r.devices[1].dormnt = false;
    const errors = errorsOf(r);
    expect(errors).toContainEqual(expect.objectContaining({ code: "unknown-field", path: "$.devices[1].dormnt" }));
    expect(errors[0].message).toContain("did you mean `dormant`");
  });

  it("rejects wrong types with their paths", () => {
    const r = base();
    r.communicating = "yes";
    r.devices[0].dormant = 1;
    r.dataIssues = {};
    r.responsibleSupplier.name = 42;
    r.groupId = ["FA"];
    r.devices[2].firmwareAttempts = [7];
    const errors = errorsOf(r);
    const paths = errors.filter((e) => e.code === "wrong-type" || e.code === "not-an-object").map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(["$.communicating", "$.devices[0].dormant", "$.dataIssues", "$.responsibleSupplier.name", "$.groupId", "$.devices[2].firmwareAttempts[0]"]),
    );
  });

  it("rejects a non-object record", () => {
    for (const v of [null, 1, "x", [], true]) {
      expect(errorsOf(v)).toEqual([expect.objectContaining({ code: "not-an-object", path: "$" })]);
    }
  });

  it("rejects bad EUI-64 device ids", () => {
    for (const bad of ["90-b3-d5-1f-30-10-00-01", "90-B3-D5-1F-30-10-00", "90:B3:D5:1F:30:10:00:01", "90-B3-D5-1F-30-10-00-0G", "90B3D51F30100001", ""]) {
      const r = base();
      r.devices[0].id = bad;
      expect(errorsOf(r), bad).toEqual([expect.objectContaining({ code: "bad-identifier", path: "$.devices[0].id" })]);
    }
  });

  it("rejects malformed MPANs and MPRNs", () => {
    const r = base();
    r.mpan = "104000000000";
    r.mprn = "73000";
    const errors = errorsOf(r);
    expect(errors).toContainEqual(expect.objectContaining({ code: "bad-identifier", path: "$.mpan" }));
    expect(errors).toContainEqual(expect.objectContaining({ code: "bad-identifier", path: "$.mprn" }));
  });

  it("rejects bad dates and date-times", () => {
    for (const bad of ["2014-02-30", "2014-3-17", "2014-13-01", "17/03/2014", "2014-03-17T00:00:00Z", "2023-02-29"]) {
      const r = base();
      r.installedOn = bad;
      expect(errorsOf(r), bad).toEqual([expect.objectContaining({ code: "bad-date", path: "$.installedOn" })]);
    }
    for (const bad of ["2022-01-10T08:00:00", "2022-01-10", "2022-01-10T25:00:00Z", "2022-02-30T08:00:00Z", "yesterday"]) {
      const r = base();
      r.devices[1].firmwareAttempts = [{ at: bad, outcome: "FAILED" }];
      expect(errorsOf(r), bad).toEqual([expect.objectContaining({ code: "bad-date", path: "$.devices[1].firmwareAttempts[0].at" })]);
    }
    const r = base();
    r.sharedMeterPoints = [{ generation: "SMETS2_PLUS", installedOn: "2015-02-29", communicating: false }];
    expect(errorsOf(r)).toEqual([expect.objectContaining({ code: "bad-date", path: "$.sharedMeterPoints[0].installedOn" })]);
  });

  it("caps the number of errors for a wholly wrong record", () => {
    const junk: Record<string, number> = {};
    for (let i = 0; i < 100; i++) junk[`field${i}`] = i;
    const errors = errorsOf(junk);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.length).toBeLessThanOrEqual(20);
  });

  it("never throws on random JSON values", () => {
    // Deterministic PRNG (mulberry32) so a failure is reproducible.
    let seed = 0x5eed;
    const rand = (): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = seed;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const keys = ["id", "cohort", "devices", "__proto__", "constructor", "mpan", "at", "outcome", "x", "toString", "hasOwnProperty", ""];
    const junk = (depth: number): unknown => {
      const k = Math.floor(rand() * (depth > 3 ? 6 : 8));
      switch (k) {
        case 0:
          return null;
        case 1:
          return rand() < 0.5;
        case 2:
          return [0, -1, 1e308, Number.MAX_SAFE_INTEGER + 2, 0.5, -0][Math.floor(rand() * 6)];
        case 3:
          return ["", "FOC", "2014-03-17", "90-B3-D5-1F-30-10-00-01", "1040000000009", "\u0000", "x".repeat(500)][Math.floor(rand() * 7)];
        case 4:
          return "2022-01-10T08:00:00Z";
        case 5:
          return "MOC_MDS";
        case 6:
          return Array.from({ length: Math.floor(rand() * 4) }, () => junk(depth + 1));
        default: {
          const text = `{${Array.from({ length: Math.floor(rand() * 5) }, () => `${JSON.stringify(keys[Math.floor(rand() * keys.length)])}:${JSON.stringify(junk(depth + 1)) ?? "null"}`).join(",")}}`;
          return JSON.parse(text);
        }
      }
    };
    /** Replaces one random nested value of a valid record with junk. */
    const mutate = (r: any): any => {
      let node = r;
      for (let i = 0; i < 4; i++) {
        const ks = Object.keys(node);
        if (ks.length === 0) break;
        const k = ks[Math.floor(rand() * ks.length)];
        if (typeof node[k] !== "object" || node[k] === null || rand() < 0.3) {
          node[k] = junk(2);
          return r;
        }
        node = node[k];
      }
      return r;
    };
    for (let i = 0; i < 500; i++) {
      const v = junk(0);
      expect(() => evaluateRecord(version, v)).not.toThrow();
      expect(() => evaluateRecord(version, v, { trace: true })).not.toThrow();
    }
    for (let i = 0; i < 500; i++) {
      const r = mutate(structuredClone(validRecords[i % validRecords.length]));
      let o: RecordOutcome | undefined;
      expect(() => {
        o = evaluateRecord(version, r, { trace: i % 2 === 0 });
      }).not.toThrow();
      if (o !== undefined && !o.ok) expect(o.errors.length).toBeGreaterThan(0);
    }
  });
});

describe("traced evaluation", () => {
  const allFacts = (n: TraceNode, out: Set<string>): Set<string> => {
    for (const f of n.facts) out.add(f.path);
    for (const c of n.children) allFacts(c, out);
    return out;
  };

  it("gives the same decision as untraced evaluation for every valid record", () => {
    for (const r of validRecords) {
      const plain = ok(evaluateRecord(version, r));
      const traced = ok(evaluateRecord(version, r, { trace: true }));
      expect(plain.trace).toBeUndefined();
      expect(traced.trace, r.id).toBeDefined();
      expect(traced.decision, r.id).toEqual(plain.decision);
    }
  });

  it("the winning rule's condition is true; every rule not fired has a false condition", () => {
    for (const r of validRecords) {
      const { decision, trace } = ok(evaluateRecord(version, r, { trace: true }));
      const rules = trace!.rules;
      expect(rules.map((x) => x.rule)).toEqual(version.manifest.rules.map((x) => x.id));
      if (decision.rule !== null) {
        const winner = rules.find((x) => x.rule === decision.rule)!;
        expect(winner.condition.value, r.id).toBe(true);
        expect(winner.fired).toBe(true);
        expect(winner.setAsideBy).toEqual([]);
      }
      for (const rt of rules) {
        if (decision.fired.includes(rt.rule)) {
          expect(rt.fired, `${r.id} ${rt.rule}`).toBe(true);
          expect(rt.condition.value, `${r.id} ${rt.rule}`).toBe(true);
        } else {
          expect(rt.fired, `${r.id} ${rt.rule}`).toBe(false);
          expect(rt.condition.value, `${r.id} ${rt.rule}`).toBe(false);
        }
      }
      const firedInTrace = rules.filter((x) => x.fired).map((x) => x.rule);
      expect(firedInTrace).toEqual([...decision.fired]);
    }
  });

  it("records the facts read, with their values", () => {
    const r = byId("INS-4.26A-mds-gsme-firmware-failed");
    const { trace } = ok(evaluateRecord(version, r, { trace: true }));
    const facts = new Set<string>();
    for (const rt of trace!.rules) allFacts(rt.condition, facts);
    expect(facts).toContain("installation.cohort");
    expect(facts).toContain("installation.communicating");
    const cohortFact = trace!.rules.flatMap((rt) => {
      const found: unknown[] = [];
      const walk = (n: TraceNode): void => {
        for (const f of n.facts) if (f.path === "installation.cohort") found.push(f.value);
        n.children.forEach(walk);
      };
      walk(rt.condition);
      return found;
    });
    expect(cohortFact.length).toBeGreaterThan(0);
    expect(new Set(cohortFact)).toEqual(new Set(["MOC_MDS"]));
  });

  it("a rule set aside by precedence is reported as such", () => {
    // 4.26A applies and 18.10 also fires; 18.10 gives way to 4.26A.
    const { decision, trace } = ok(evaluateRecord(version, byId("INS-4.26A-mds-gsme-firmware-failed"), { trace: true }));
    expect(decision.fired).toEqual(expect.arrayContaining(["migrate_partial_moc_mds", "exclude_moc_mds_persistent_failure"]));
    const setAside = trace!.rules.find((x) => x.rule === "exclude_moc_mds_persistent_failure")!;
    expect(setAside.setAsideBy).toContain("migrate_partial_moc_mds");
  });

  it("the library's evaluate() matches evaluateRecord", async () => {
    const r = byId("INS-18.9-over-pending");
    const viaLib = await evaluate(r, { version: "20.v2", trace: true });
    expect(ok(viaLib).decision).toEqual(ok(evaluateRecord(version, r)).decision);
  });
});

describe("4.1C near miss: communicating but not last installed", () => {
  it("is EXCLUDED under 18.13, not migrated (DCC rejected the wider reading, seed 3.3.2, 3.6.2)", () => {
    const r = byId("INS-4.1C-near-miss-not-last-installed");
    expect(r.communicating).toBe(true);
    expect(r.sharedMeterPoints.every((s: any) => s.installedOn > r.installedOn)).toBe(true);
    const d = ok(evaluateRecord(version, r)).decision;
    expect((d.result as any).outcome).toBe("EXCLUDED");
    expect((d.result as any).excludedCategory).toBe("18.13");
    expect(d.clause).toBe("18.13");
    expect(d.fired).not.toContain("migrate_last_installed_only_communicating");
    expect(d.fired).not.toContain("migrate_clean_installation");
  });

  it("migrates under 4.1C once it is the last installed", () => {
    const r = byId("INS-4.1C-near-miss-not-last-installed");
    r.sharedMeterPoints[0].installedOn = "2013-01-01";
    const d = ok(evaluateRecord(version, r)).decision;
    expect((d.result as any).outcome).toBe("MIGRATE");
    expect(d.clause).toBe("4.1C");
  });

  it("a tie on installation date is not 'last installed'", () => {
    const r = byId("INS-4.1C-near-miss-not-last-installed");
    r.sharedMeterPoints[0].installedOn = r.installedOn;
    const d = ok(evaluateRecord(version, r)).decision;
    expect(d.clause).toBe("18.13");
  });
});

describe("explain", () => {
  it("gives the outcome with labels, the clause, the paraphrase notice and facts", async () => {
    const e = await explain(byId("INS-4.26A-mds-gsme-firmware-failed"), { version: "20.v2" });
    expect(e.installationId).toBe("INS-4.26A-mds-gsme-firmware-failed");
    expect(e.outcome[0]).toEqual({ field: "outcome", value: "MIGRATE_PARTIAL", label: "migrate after deregistering the named devices" });
    expect(e.decidedBy?.clause?.number).toBe("4.26A");
    expect(e.version.paraphrase).toContain("our own paraphrase");
    expect(e.setAside).toEqual([expect.objectContaining({ rule: "exclude_moc_mds_persistent_failure", by: ["migrate_partial_moc_mds"] })]);
    const text = renderExplanationText(e);
    expect(text).toContain("outcome: MIGRATE_PARTIAL (migrate after deregistering the named devices)");
    expect(text).toMatch(/^\s*cohort = MOC_MDS \(MOC \(MDS\)\)$/m);
    expect(text).toContain("Rules that did not apply");
  });

  it("explains a default (blocked) decision by clause 1.4 and the nearest rule", async () => {
    const e = await explain(byId("INS-4.1-near-miss-not-communicating"), { version: "20.v2" });
    expect(e.status).toBe("default");
    expect(e.decidedBy).toEqual(expect.objectContaining({ rule: null }));
    expect(e.decidedBy?.clause?.number).toBe("1.4");
    expect(e.summary).toContain("No rule applies, so clause 1.4");
    expect(e.reason).toContain("not communicating");
  });

  it("for an invalid record names the field path", async () => {
    const e = await explain(byId("INS-invalid-mpan-check-digit"), { version: "20.v2" });
    expect(e.status).toBe("invalid");
    expect(e.errors).toEqual([expect.objectContaining({ path: "$.mpan", code: "bad-check-digit" })]);
    expect(renderExplanationText(e)).toContain("$.mpan");
  });
});

describe("version selection", () => {
  it("tmad-20.v2 and 20.v2 load the same version", async () => {
    const a = await loadVersion({ version: "tmad-20.v2" });
    const b = await loadVersion({ version: "20.v2" });
    expect(a.manifest.id).toBe("tmad-20.v2");
    expect(b.manifest.id).toBe(a.manifest.id);
    expect(b.manifest.version).toBe("20.v2");
  });

  it("an unknown version rejects with VersionSelectionError", async () => {
    await expect(loadVersion({ version: "99.v9" })).rejects.toBeInstanceOf(VersionSelectionError);
    await expect(loadVersion({ version: "99.v9" })).rejects.toThrow(/no version "99.v9"/);
    await expect(evaluate(base(), { version: "nope" })).rejects.toBeInstanceOf(VersionSelectionError);
  });

  it("by date: a draft is never in force, and a bad date is rejected", async () => {
    await expect(loadVersion({ asOf: "2020-01-01" })).rejects.toBeInstanceOf(VersionSelectionError);
    expect((await loadVersion({ asOf: "2022-05-01" })).manifest.id).toBe("tmad-19.0");
    expect((await loadVersion({ asOf: "2022-06-11" })).manifest.id).toBe("tmad-20.v2");
    expect((await loadVersion({ asOf: "2030-01-01" })).manifest.id).toBe("tmad-20.v2");
    await expect(loadVersion({ asOf: "not-a-date" })).rejects.toBeInstanceOf(VersionSelectionError);
  });
});

describe("a decision's outcome for summaries", () => {
  it("is the result's first own enumerable member when it is text, else the status", () => {
    const d = (result: unknown, status = "decided"): Decision => ({ status, result }) as unknown as Decision;
    expect(decisionOutcome(d({ outcome: "MIGRATE", notifySupplier: true }))).toBe("MIGRATE");
    expect(decisionOutcome(d(Object.freeze({ outcome: "PENDING" })))).toBe("PENDING");
    expect(decisionOutcome(d({ count: 3, outcome: "MIGRATE" }))).toBe("decided");
    expect(decisionOutcome(d({}))).toBe("decided");
    expect(decisionOutcome(d(null, "no-decision"))).toBe("no-decision");
    expect(decisionOutcome(d({ outcome: "X" }, "conflict"))).toBe("conflict");
    // Integer-like keys come first, inherited and non-enumerable members do not count (as Object.values).
    expect(decisionOutcome(d({ b: "second", 1: "first" }))).toBe("first");
    const inherited = Object.create({ outcome: "INHERITED" }) as Record<string, unknown>;
    expect(decisionOutcome(d(inherited))).toBe("decided");
    inherited.own = "OWN";
    expect(decisionOutcome(d(inherited))).toBe("OWN");
    expect(decisionOutcome(d(Object.defineProperty({ shown: "SHOWN" }, "hidden", { value: "HIDDEN", enumerable: false })))).toBe("SHOWN");
    expect(decisionOutcome(d(Object.defineProperties({}, { hidden: { value: "HIDDEN", enumerable: false }, shown: { value: "SHOWN", enumerable: true } })))).toBe("SHOWN");
  });
});
