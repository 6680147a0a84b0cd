/**
 * Amendments that change anything (issue 10), through the library: the fixtures under
 * test/fixtures/versions/ amend the corpus's tmad-20.v2.
 * - tmad-20.v3-firmware replaces one parameter (36 → 40 firmware attempts a cycle): what follows
 *   from it is recomputed, its evaluator decides 108 failed attempts as still pending and 120 as
 *   persistently failed, and the base's examples it changes are reported as changed, naming it;
 * - tmad-20.v3-administration extends an enum and a record and adds a rule using them: the base's
 *   records validate and are decided as before;
 * - tmad-20.v3-errors holds the mistakes an author makes (golden listing).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderVersion, testVersion } from "../../src/cli/test.js";
import { formatDiagnostic } from "../../src/compiler/diagnostics/diagnostic.js";
import { formatReport, runExamples } from "../../src/compiler/examples/index.js";
import { loadVersionFiles } from "../../src/compiler/load.js";
import { compileToRun, compileVersion } from "../../src/compiler/pipeline.js";
import { readVersion, VersionReader, type VersionSource } from "../../src/compiler/source/versions.js";
import { typeCheckGenerated } from "../../src/compiler/typecheck.js";
import type { VersionModule } from "../../src/runtime/index.js";
import { expectGolden } from "../helpers/compile.js";
import { checkedDir, loadedDir } from "../helpers/diff.js";

const FIRMWARE = "test/fixtures/versions/tmad-20.v3-firmware";
const ADMINISTRATION = "test/fixtures/versions/tmad-20.v3-administration";
const ERRORS = "test/fixtures/versions/tmad-20.v3-errors";

type Module = VersionModule<unknown, Record<string, unknown>>;

function decide(v: Module, record: unknown): { status: string; rule: string | null; outcome: unknown } {
  const checked = v.validator.validate(record);
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  const d = v.evaluate(checked.value, null);
  return { status: d.status, rule: d.rule, outcome: d.result?.["outcome"] };
}

describe("an amendment that replaces one parameter (firmware regime 40 × 3)", () => {
  const reader = new VersionReader();
  // Its generated code is only type-checked and run here: generated unformatted (whitespace is all the formatter changes).
  const compiled = compileToRun(reader.read(FIRMWARE));
  const base = checkedDir("rules/tmad-20.v2");
  const checked = compiled.checked!;
  const loaded = loadVersionFiles(compiled.files!);
  const baseLoaded = loadedDir("rules/tmad-20.v2");
  const r108 = checked.installations.get("dormant-mds-gsme-firmware-failed");
  const r120 = checked.installations.get("dormant-mds-gsme-firmware-failed-120");

  it("checks and builds: no errors, and the generated code type-checks", () => {
    expect(compiled.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic)).toEqual([]);
    expect(typeCheckGenerated(compiled.files!)).toEqual([]);
  });

  it("records who replaced what, and recomputes what follows from it", () => {
    expect(checked.replacements.map((r) => [r.kind, r.name, r.how, r.by, r.from])).toEqual([["parameter", "firmwareAttemptsPerCycle", "replaced", "tmad-20.v3-firmware", "tmad-19.0"]]);
    expect(checked.constants.get("firmwareAttemptsPerCycle")).toBe(40);
    expect(checked.constants.get("firmwareAttemptsRequired")).toBe(120);
    expect(base.constants.get("firmwareAttemptsRequired")).toBe(108);
  });

  it("decides 108 failed firmware attempts as still pending, and 120 as persistently failed", () => {
    const attempts = (r: unknown): number => ((r as { devices: { firmwareAttempts: unknown[] }[] }).devices[1].firmwareAttempts.length);
    expect([attempts(r108), attempts(r120)]).toEqual([108, 120]);
    expect(decide(loaded.version, r108)).toEqual({ status: "decided", rule: "await_dormant_meter_preparation", outcome: "PENDING" });
    expect(decide(loaded.version, r120)).toEqual({ status: "decided", rule: "migrate_partial_moc_mds", outcome: "MIGRATE_PARTIAL" });
    // The rule that needs the GSME persistently failed applies to 120 attempts, not 108; under the
    // base, 108 was already enough.
    const partial = (l: typeof loaded, r: unknown): boolean => l.conditions.get("migrate_partial_moc_mds")!(r);
    expect([partial(loaded, r108), partial(loaded, r120)]).toEqual([false, true]);
    expect(decide(baseLoaded.version, r108)).toMatchObject({ outcome: "MIGRATE_PARTIAL" });
  });

  it("tmad test: the base's examples it changes are reported as changed, naming the parameter; nothing fails", () => {
    const { report } = testVersion(new VersionReader(), FIRMWARE);
    expect(report!.failures).toEqual([]);
    const changed = report!.examples.filter((e) => e.changed !== undefined);
    // Every inherited example whose installation has the 108 failed firmware attempts of 19.0.
    expect(changed.length).toBe(23);
    for (const e of changed) {
      expect(e.inherited).toMatch(/^tmad-(19\.0|20\.v[12])$/);
      expect(e.changed!.replaced).toEqual(["parameter firmwareAttemptsPerCycle"]);
    }
    expect(changed.find((e) => e.name === "concluded - MOC (MDS) GSME firmware failure migrates partly")?.changed?.was).toBe("MIGRATE_PARTIAL (rule migrate_partial_moc_mds, clause 4.26A)");
    for (const line of report!.changed) expect(line).toMatch(/changed by this amendment: .* in tmad-(19\.0|20\.v[12]), now .*; it depends on parameter firmwareAttemptsPerCycle, which this version replaces$/);
    expect(report!.examples.filter((e) => !e.passed && e.changed === undefined)).toEqual([]);
    // What `tmad test` prints for it (formatReport; the command's exit code and framing are tested
    // on small fixtures in test/cli/cli-versions.test.ts).
    const printed = formatReport(report!);
    expect(printed).toMatch(/tmad-20\.v3-firmware: \d+ examples, \d+ passed, 23 changed by this amendment, 0 failed/);
    expect(printed).toContain("depends on parameter firmwareAttemptsPerCycle, which this version replaces");
  });

  it("tmad show marks the replaced declaration with the version that replaced it", () => {
    const text = renderVersion(compiled.extracted, checked);
    const was = `rules/tmad-19.0/index.md:${checked.replacements[0].replaced.start.line}`;
    expect(text).toContain(`> - parameter \`firmwareAttemptsPerCycle\` of tmad-19.0 (${was}): replaced by tmad-20.v3-firmware (test/fixtures/versions/tmad-20.v3-firmware/index.md:26)`);
    expect(text).toContain("`firmwareAttemptsRequired` = 120 (recomputed)");
    expect(text).toContain("-- replaced by tmad-20.v3-firmware: see test/fixtures/versions/tmad-20.v3-firmware/index.md:26\nparameter firmwareAttemptsPerCycle: integer = 36\n");
    expect(text).toContain(`-- replaces the parameter of tmad-19.0 at ${was}\nreplace parameter firmwareAttemptsPerCycle: integer = 40\n`);
  });
});

describe("an amendment that extends the data model (a supplier status, an optional field) and adds a rule", () => {
  const reader = new VersionReader();
  const compiled = compileToRun(reader.read(ADMINISTRATION));
  const amended = loadVersionFiles(compiled.files!).version;
  const base = loadedDir("rules/tmad-20.v2").version;
  const records = readFileSync("examples/installations.ndjson", "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

  it("compiles, and records the extensions", () => {
    expect(compiled.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic)).toEqual([]);
    expect(compiled.checked!.replacements.map((r) => [r.kind, r.name, r.how])).toEqual([
      ["enum", "SupplierStatus", "extended"],
      ["record", "ResponsibleSupplier", "extended"],
    ]);
    expect(compiled.checked!.enums.find((e) => e.name.text === "SupplierStatus")!.members.map((m) => m.name.text)).toContain("IN_ADMINISTRATION");
  });

  it("the base's records (none has the new field) validate as before and are decided as before", () => {
    expect(records.length).toBeGreaterThan(40);
    let valid = 0;
    for (const r of records) {
      const a = base.validator.validate(r);
      const b = amended.validator.validate(r);
      expect(b.ok, JSON.stringify(r).slice(0, 80)).toBe(a.ok);
      if (!a.ok || !b.ok) continue;
      valid++;
      const da = base.evaluate(a.value, null);
      const db = amended.evaluate(b.value, null);
      expect({ status: db.status, rule: db.rule, clause: db.clause, result: db.result, fired: db.fired }).toEqual({ status: da.status, rule: da.rule, clause: da.clause, result: da.result, fired: da.fired });
    }
    expect(valid).toBeGreaterThan(40);
  });

  it("the new member and field are used: with an administrator the rule applies; without the field the record is still valid", () => {
    const installation = compiled.checked!.installations.get("dormant-mds-prepared") as Record<string, unknown>;
    const supplier = installation["responsibleSupplier"] as Record<string, unknown>;
    const withAdministrator = { ...installation, responsibleSupplier: { ...supplier, status: "IN_ADMINISTRATION", administrator: "A. Administrator" } };
    const without = { ...installation, responsibleSupplier: { ...supplier, status: "IN_ADMINISTRATION" } };
    expect(decide(amended, withAdministrator)).toEqual({ status: "decided", rule: "migrate_supplier_in_administration", outcome: "MIGRATE" });
    expect(decide(amended, without)).toEqual({ status: "default", rule: null, outcome: "BLOCKED" });
    expect(base.validator.validate(withAdministrator).ok).toBe(false);
  });
});

describe("what an amendment cannot do", () => {
  it("gives a coded error with position and hint for each mistake (golden)", () => {
    const compiled = compileVersion({ ...readVersion(ERRORS), pins: undefined } as VersionSource);
    const listing = compiled.diagnostics.map(formatDiagnostic).join("\n") + "\n";
    expectGolden("test/fixtures/versions/tmad-20.v3-errors.expected.txt", listing);
    expect(compiled.diagnostics.map((d) => d.code)).toEqual(["TMAD3018", "TMAD3019", "TMAD3005", "TMAD3018", "TMAD3020", "TMAD5006"]);
    for (const d of compiled.diagnostics) {
      expect(d.span.file).toBe(`${ERRORS}/index.md`);
      expect(d.hint).toBeDefined();
    }
  });
});

describe("replacing and extending, one construct at a time", () => {
  const HEADER = (version: string, base?: string): string =>
    ["---", "document: DEMO", `version: "${version}"`, "status: draft", ...(base === undefined ? [] : [`base: ${base}`]), "published: 2022-01-01", 'source: "x"', 'paraphrase: "x"', "---", ""].join("\n");
  const BASE = `${HEADER("1.0")}## 1.1 Clause\n\nText.\n\n\`\`\`tmad
record Site
  id: text
  n: integer

input site: Site identified by id

enum Outcome YES NO

decision Result
  outcome: Outcome

parameter limit: integer = 3
parameter twice: integer = limit * 2
definition big: boolean = site.n > twice

rule r when big then outcome = YES

default then outcome = NO
\`\`\`

\`\`\`tmad-example
define: small
installation: { id: S, n: 1 }
\`\`\`

\`\`\`tmad-example
example: small is not big
installation: small
expect: { outcome: NO }
\`\`\`
`;
  const amend = (body: string): ReturnType<typeof compileVersion> => {
    const base: VersionSource = { id: "demo-1.0", dir: "demo-1.0", files: [{ path: "demo-1.0/index.md", text: BASE }] };
    return compileVersion({ id: "demo-1.1", dir: "demo-1.1", files: [{ path: "demo-1.1/index.md", text: `${HEADER("1.1", "demo-1.0")}${body}` }], base: (id) => (id === "demo-1.0" ? base : { missing: id }) });
  };
  const run = (c: ReturnType<typeof compileVersion>, record: unknown): unknown => decide(loadVersionFiles(c.files!).version, record).outcome;

  it("a replaced definition is used by the base's rules; a replaced rule keeps its id", () => {
    const c = amend("# Changes\n\n```tmad\nreplace definition big: boolean = site.n > limit\n```\n");
    expect(c.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic)).toEqual([]);
    expect(run(c, { id: "x", n: 4 })).toBe("YES");
    const r = amend("## 1.1 Clause\n\nText.\n\n```tmad\nreplace rule r when site.n = 0 then outcome = YES\n```\n");
    expect(r.diagnostics.map((d) => d.code)).toContain("TMAD3019"); // the clause was substituted: its rule is gone
    const kept = amend("# Changes\n\n```tmad\nreplace rule r clause 1.1 when site.n = 0 then outcome = YES\n```\n");
    expect(kept.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic)).toEqual([]);
    expect([run(kept, { id: "x", n: 0 }), run(kept, { id: "x", n: 9 })]).toEqual(["YES", "NO"]);
  });

  it("a replaced default, and an added field with a default read when a record lacks it", () => {
    const c = amend("# Changes\n\n```tmad\nreplace default then outcome = YES\n\nextend record Site\n  bonus: integer = 10\n\nreplace definition big: boolean = site.n + site.bonus > twice\n```\n");
    expect(c.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic)).toEqual([]);
    expect(typeCheckGenerated(c.files!)).toEqual([]);
    expect(run(c, { id: "x", n: 0 })).toBe("YES"); // 0 + 10 > 6
    expect(run(c, { id: "x", n: 0, bonus: -5 })).toBe("YES"); // the default: 0 - 5 > 6 is false
    const v = loadVersionFiles(c.files!).version;
    expect(v.evaluate(v.validator.validate({ id: "x", n: 0, bonus: -5 }).ok ? { id: "x", n: 0, bonus: -5 } : null, null).rule).toBeNull();
  });

  it("a replaced named installation is used by the base's examples, which report the change", () => {
    const c = amend("# Changes\n\n```tmad-example\nreplace: small\ninstallation: small\npatch: { n: 100 }\n```\n");
    expect(c.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic)).toEqual([]);
    expect(c.checked!.replacements.map((r) => [r.kind, r.name])).toEqual([["installation", "small"]]);
    expect(c.checked!.installations.get("small")).toEqual({ id: "S", n: 100 });
    const base = compileVersion(c.checked!.layers[0].source);
    const report = runExamples(c.checked!, loadVersionFiles(c.files!).version, { base: () => ({ version: loadVersionFiles(base.files!).version, examples: base.checked!.examples }) });
    // Not a failed example; (the only example now fires the rule, so it has lost its near miss).
    expect(report.failures).toEqual(["rule r (clause 1.1) has no near miss: no example under 1.1 in which it does not fire"]);
    expect(report.examples.map((e) => [e.name, e.inherited, e.changed])).toEqual([["small is not big", "demo-1.0", { was: "NO (the default, clause 1.1)", replaced: ["installation small"] }]]);
  });

  it("kinds, types and names that cannot be replaced", () => {
    const codes = (body: string): string[] => amend(`# Changes\n\n\`\`\`tmad\n${body}\n\`\`\`\n`).diagnostics.map((d) => d.code);
    expect(codes("replace definition limit: integer = 4")).toContain("TMAD3018");
    expect(codes("replace parameter limit: text = \"4\"")).toContain("TMAD3018");
    expect(codes("replace definition big: integer = site.n")).toContain("TMAD3018");
    expect(codes("replace definition big(x: integer): boolean = x > 1")).toContain("TMAD3018");
    expect(codes("replace parameter nothing: integer = 4")).toContain("TMAD3019");
    expect(codes("extend enum Outcom MAYBE")).toContain("TMAD3019");
    expect(codes("extend record Outcome x: optional text")).toContain("TMAD3019");
    expect(codes("extend record Site\n  x: integer")).toContain("TMAD3020");
    expect(codes("extend enum Outcome YES")).toContain("TMAD3008");
    const plain = amend("# Changes\n\n```tmad\nparameter limit: integer = 4\n```\n").diagnostics.find((d) => d.code === "TMAD3005");
    expect(plain?.hint).toBe("to replace demo-1.0's declaration, write `replace parameter limit …`; otherwise rename this one");
    // Within one version, or in a version that amends nothing, there is nothing to replace.
    const alone = compileVersion({ id: "demo-1.0", dir: "demo-1.0", files: [{ path: "demo-1.0/index.md", text: BASE.replace("parameter limit: integer = 3", "parameter limit: integer = 3\nreplace parameter limit: integer = 4") }] });
    expect(alone.diagnostics.map((d) => d.code)).toContain("TMAD3019");
  });
});
