/**
 * The diff on the corpus and on the 18.14 amendment (test/fixtures/versions/tmad-20.v3, issue 11):
 * - 20.v1 → 20.v2 reports exactly one amended clause (4.26A), one widened rule and a witness that
 *   flips, re-evaluated here under both versions;
 * - 20.v2 → 20.v3 exits 1 with a witness that is BLOCKED under 20.v2 and EXCLUDED 18.14 under
 *   20.v3, valid under both validators; found by the search alone when the versions have no
 *   examples; and shown by a 10,000-record generated population;
 * - 19.0 → 20.v2 with the example records as a population (read as `tmad diff --population` reads
 *   a file): every added clause listed, and the transitions add up to the records;
 * - the same population counted in parts, as `tmad diff --population --workers N` counts it (two
 *   workers taking batches in turn, merged in input order), gives the single thread's report;
 * - a rule changed where the bounded search finds nothing is `changed-no-witness`, never `unchanged`.
 * (test/cli/cli.test.ts runs `tmad diff` itself on small fixtures: exit codes, formats, --out.)
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, parseRaw, readRawRecords } from "../../src/cli/records.js";
import { diffVersionsStreaming } from "../../src/compiler/diff/index.js";
import { PopulationPart, type PopulationInput } from "../../src/compiler/diff/population.js";
import { diffVersions, VersionDiff, type DiffReport, type DiffSide } from "../../src/compiler/diff/index.js";
import { renderDiff } from "../../src/compiler/diff/render.js";
import { generateInstallations } from "../../src/population/generate.js";
import { diffSide } from "../helpers/diff.js";

const V19 = diffSide("rules/tmad-19.0");
const V1 = diffSide("rules/tmad-20.v1");
const V2 = diffSide("rules/tmad-20.v2");
const V3 = diffSide("test/fixtures/versions/tmad-20.v3");
const FIRMWARE = diffSide("test/fixtures/versions/tmad-20.v3-firmware");

/** Checks a witness against the versions themselves, not against what the report says. */
function expectWitness(report: DiffReport, rule: string, a: DiffSide, b: DiffSide): { a: string; b: string } {
  const w = report.behaviour.find((x) => x.rule === rule)?.witness;
  expect(w, `a witness for ${rule}`).toBeDefined();
  for (const side of [a, b]) expect(side.loaded.version.validator.validate(w!.record).ok).toBe(true);
  const label = (s: DiffSide): string => {
    const d = s.loaded.version.evaluate(w!.record, null);
    return `${(d.result as { outcome: string }).outcome} ${d.clause}`;
  };
  return { a: label(a), b: label(b) };
}

describe("20.v1 → 20.v2", () => {
  const report = diffVersions(V1, V2);

  it("one amended clause, 4.26A; one widened rule; a witness that flips", () => {
    expect(report.document.clauses.map((c) => [c.kind, c.number])).toEqual([["amended", "4.26A"]]);
    expect(report.document.clauses[0].words!.some((w) => w.op === "+" && w.text.includes("configuration"))).toBe(true);
    expect(report.rules.map((c) => [c.rule, c.kind, c.condition])).toEqual([["migrate_partial_moc_mds", "changed", "widened"]]);
    expect(report.rules[0].implication).toEqual({ oldImpliesNew: true, newImpliesOld: false });
    expect(report.verdict).toBe("changed");
    expect(expectWitness(report, "migrate_partial_moc_mds", V1, V2)).toEqual({ a: "EXCLUDED 18.10", b: "MIGRATE_PARTIAL 4.26A" });
    // As the JSON report gives it: the facts that set the witness apart, and its decision under each version.
    const w = (JSON.parse(renderDiff(report, "json", { ids: false })) as DiffReport).behaviour[0].witness!;
    expect(w.facts.length).toBeGreaterThanOrEqual(1);
    expect([w.a.result?.["outcome"], w.a.clause, w.b.result?.["outcome"], w.b.clause]).toEqual(["EXCLUDED", "18.10", "MIGRATE_PARTIAL", "4.26A"]);
  });

  it("prints the changed condition readably: no machine parentheses, one conjunct per line", () => {
    const text = renderDiff(report, "text", { ids: false });
    expect(text).toContain("when now: installation.cohort = MOC_MDS\n");
    expect(text).toContain("and (every g in gsmes satisfies preparationPersistentlyFailed(g))");
    expect(text).not.toContain("((installation.cohort");
  });
});

describe("the 18.14 amendment (20.v2 → 20.v3)", () => {
  const report = diffVersions(V2, V3);

  it("exits 1 with a witness that is BLOCKED under 20.v2 and EXCLUDED 18.14 under 20.v3", () => {
    expect(report.verdict).toBe("changed");
    expect(report.document.clauses.map((c) => [c.kind, c.number, c.text?.includes("MOC (Secure)")])).toEqual([["added", "18.14", true]]);
    expect(report.rules.map((c) => [c.rule, c.kind])).toEqual([["exclude_moc_secure_unable_to_attempt_firmware", "added"]]);
    expect(expectWitness(report, "exclude_moc_secure_unable_to_attempt_firmware", V2, V3)).toEqual({ a: "BLOCKED 1.4", b: "EXCLUDED 18.14" });
    const text = renderDiff(report, "text", { ids: false });
    expect(text).toContain("BLOCKED 1.4 → EXCLUDED 18.14");
    expect(text).toContain("Verdict: behaviour changed.");
  });

  it("finds the witness by changing facts when neither version has examples", () => {
    const bare = (s: DiffSide): DiffSide => ({ ...s, checked: { ...s.checked, examples: [] } });
    const r = diffVersions(bare(V2), bare(V3));
    const w = r.behaviour[0].witness!;
    expect(w.changes.length).toBeGreaterThan(0);
    expect(w.facts.map((f) => f.path)).toContain("cohort");
    expect(expectWitness(r, "exclude_moc_secure_unable_to_attempt_firmware", V2, V3)).toEqual({ a: "BLOCKED 1.4", b: "EXCLUDED 18.14" });
    expect(r.search!.stoppedEarly).toBe(true);
  });

  it("a 10,000-record generated population shows BLOCKED → EXCLUDED 18.14 too", () => {
    // The size is not the point: 10,000 records of seed 1 hold 57 such installations (50,000 held
    // 242, at five times the cost); diff --population at scale is measured by npm run bench
    // (bench/check-diff.ts).
    const population = [...generateInstallations({ count: 10_000, seed: 1 })].map((line, i) => ({ record: i + 1, value: JSON.parse(line) as unknown }));
    const r = diffVersions(V2, V3, { population });
    const p = r.population!;
    expect(p.records).toBe(10_000);
    expect(p.invalidCount).toBe(0);
    const flip = p.transitions.find((t) => t.from === "BLOCKED 1.4" && t.to === "EXCLUDED 18.14");
    expect(flip?.count ?? 0).toBeGreaterThan(20);
    expect(flip!.causes).toEqual(["18.14"]);
    expect(Object.keys(flip!.by.cohort)).toEqual(["MOC_SECURE"]);
    expect(r.verdict).toBe("changed");
  });
});

describe("a parameter-only amendment (20.v2 → 20.v3-firmware: `replace parameter firmwareAttemptsPerCycle = 40`)", () => {
  const report = diffVersions(V2, FIRMWARE);

  it("exits 1 with a witness, and shows the parameter and the one it recomputes as old → new", () => {
    expect(report.verdict).toBe("changed");
    expect(report.document.clauses).toEqual([]);
    expect(report.document.parameters.map((p) => [p.name, p.old, p.new])).toEqual([
      ["firmwareAttemptsPerCycle", "36", "40"],
      ["firmwareAttemptsRequired", "108", "120"],
    ]);
    const text = renderDiff(report, "text", { ids: false });
    expect(text).toContain("firmwareAttemptsPerCycle: 36 → 40");
    // 108 failures exhausted the old regime, not the new one: the installation waits again.
    expect(expectWitness(report, "await_dormant_meter_preparation", V2, FIRMWARE)).toEqual({ a: "EXCLUDED 18.10", b: "PENDING 4.26" });
  });
});

describe("19.0 → 20.v2 with the example records as a population", () => {
  /** examples/installations.ndjson read and parsed one record at a time, as `tmad diff --population` reads a file. */
  async function* examples(): AsyncGenerator<PopulationInput> {
    for await (const raw of readRawRecords("examples/installations.ndjson", DEFAULT_LIMITS)) {
      const parsed = parseRaw(raw, DEFAULT_LIMITS);
      yield "value" in parsed ? { record: raw.record, value: parsed.value } : { record: raw.record, parseError: parsed.problem.message };
    }
  }
  const N = readFileSync("examples/installations.ndjson", "utf8").split("\n").filter((l) => l.trim() !== "").length;

  it("every added clause listed; transitions, with their ids, add up to the records", async () => {
    const report = await diffVersionsStreaming(V19, V2, examples(), { ids: true });
    expect(report.verdict).toBe("changed");
    // The JSON report (`--format json --ids`), as a reader of it sees it.
    const json = JSON.parse(renderDiff(report, "json", { ids: true }));
    const added = json.document.clauses.filter((c: any) => c.kind === "added").map((c: any) => c.number);
    expect(added).toEqual(["4.1A", "4.1B", "4.1C", "4.26A", "4.26B", "4.26C", "18.9", "18.10", "18.11", "18.12", "18.13"]);
    const p = json.population;
    expect(p.records).toBe(N);
    expect(p.transitions.reduce((n: number, t: any) => n + t.count, 0) + p.invalid.length).toBe(N);
    expect(p.transitions.flatMap((t: any) => t.ids).length).toBe(p.evaluated);
    expect(p.reportBy).toEqual([
      { name: "supplier", path: "responsibleSupplier.name" },
      { name: "cohort", path: "cohort" },
    ]);
    const toPartial = p.transitions.find((t: any) => t.to === "MIGRATE_PARTIAL 4.26A");
    expect(toPartial.causes).toContain("4.26A");
    expect(Object.keys(toPartial.by.cohort)).toEqual(["MOC_MDS"]);
  });
});

describe("a population counted in parts (the worker threads of --population)", () => {
  it("gives the report of one thread, byte for byte, witnesses and ids included", async () => {
    // The example records (some invalid) and generated ones, so that records flip and answer questions.
    const records: PopulationInput[] = [];
    for await (const raw of readRawRecords("examples/installations.ndjson", DEFAULT_LIMITS)) {
      const parsed = parseRaw(raw, DEFAULT_LIMITS);
      records.push("value" in parsed ? { record: raw.record, value: parsed.value } : { record: raw.record, parseError: parsed.problem.message });
    }
    for (const line of generateInstallations({ count: 3_000, seed: 7 })) records.push({ record: records.length + 1, value: JSON.parse(line) as unknown });
    for (const [a, b] of [
      [V19, V2],
      [V2, V3],
    ] as const) {
      async function* stream(): AsyncGenerator<PopulationInput> {
        yield* records;
      }
      const one = renderDiff(await diffVersionsStreaming(a, b, stream(), { ids: true }), "json", { ids: true });
      const d = new VersionDiff(a, b, { ids: true });
      d.start();
      d.beginPopulation();
      const workers = [0, 1].map(() => new PopulationPart(a.loaded.version, b.loaded.version, d.tallySetup()));
      for (let i = 0, batch = 0; i < records.length; i += 37, batch++) {
        const w = workers[batch % 2];
        for (const r of records.slice(i, i + 37)) w.add(r);
        const { part, answers } = w.take();
        d.addPart(part, answers);
      }
      const parts = renderDiff(d.finish(), "json", { ids: true });
      expect(JSON.parse(parts).population.changed).toBeGreaterThan(0);
      expect(parts).toBe(one);
    }
  });
});

describe("no witness within the bounds", () => {
  it("is `changed-no-witness` with the bounds stated, never `unchanged`", () => {
    // Nothing to start from: every question stays open, so the search cannot find a witness.
    const empty = (s: DiffSide): DiffSide => ({ ...s, checked: { ...s.checked, examples: [], installations: new Map() } });
    const r = diffVersions(empty(V2), empty(V3));
    expect(r.verdict).toBe("changed-no-witness");
    expect(r.behaviourChanged).toBe(false);
    expect(r.behaviour[0]).toMatchObject({ verdict: "no-witness" });
    expect(r.behaviour[0].statement).toMatch(/^changed; no witness found: .*Searched 0 installations/);
    expect(renderDiff(r, "text", { ids: false })).toContain("Verdict: changed; no witness found.");
  });
});
