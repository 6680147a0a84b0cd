/**
 * The version diff on the small demo fixtures: document changes, rule changes and their
 * classification, witnesses, the three verdicts (a wording-only edit is `unchanged`, a
 * parameter-only change is `changed` with a witness and the parameter as `old → new`), population
 * counts that reconcile, and the rendered formats.
 */
import { describe, expect, it } from "vitest";
import { wordDiff } from "../../src/compiler/diff/document.js";
import { diffVersions } from "../../src/compiler/diff/index.js";
import { renderDiff } from "../../src/compiler/diff/render.js";
import { resolveExamples } from "../../src/compiler/examples/index.js";
import { diffSide } from "../helpers/diff.js";

const V10 = diffSide("test/fixtures/versions/demo-1.0");
const V11 = diffSide("test/fixtures/versions/demo-1.1");
const REWORDED = diffSide("test/fixtures/versions/demo-1.0-reworded");
const PARAMETER = diffSide("test/fixtures/versions/demo-1.0-parameter");

describe("word diff", () => {
  it("keeps common words and marks removed and inserted runs", () => {
    expect(wordDiff("the firmware upgrade fails", "the firmware upgrade or configuration fails")).toEqual([
      { op: "=", text: "the firmware upgrade " },
      { op: "+", text: "or configuration " },
      { op: "=", text: "fails" },
    ]);
    const d = wordDiff("a b c d", "a x c y");
    expect(d.filter((w) => w.op !== "+").map((w) => w.text).join("")).toBe("a b c d");
    expect(d.filter((w) => w.op !== "-").map((w) => w.text).join("")).toBe("a x c y");
  });
});

describe("diff of an amending version", () => {
  const report = diffVersions(V10, V11);

  it("lists document changes: amended 2.1 with its text diff, added 2.2", () => {
    expect(report.document.clauses.map((c) => [c.kind, c.number])).toEqual([
      ["amended", "2.1"],
      ["added", "2.2"],
    ]);
    const words = report.document.clauses[0].words!;
    expect(words.filter((w) => w.op === "+").map((w) => w.text.trim())).toEqual(["meter, or a", "not seen since 2020,"]);
    expect(report.document.unchangedClauses).toBe(2);
  });

  it("classifies rule changes, with the condition's widening found by search", () => {
    const byRule = new Map(report.rules.map((r) => [r.rule, r]));
    expect(byRule.get("exclude_failed")).toMatchObject({ kind: "changed", condition: "widened", resultChanged: true, precedenceChanged: false });
    expect(byRule.get("exclude_no_mpan")).toMatchObject({ kind: "added" });
    // `exclude_no_mpan overrides migrate` is the new rule's precedence, not a change of `migrate`.
    expect(byRule.has("migrate")).toBe(false);
    expect(report.drift).toEqual([]);
    expect(report.verdict).toBe("changed");
  });

  it("takes a baseline that already disagrees as the witness, valid under both versions", () => {
    const b = report.behaviour.find((x) => x.rule === "exclude_no_mpan")!;
    expect(b.witness).toBeDefined();
    const w = b.witness!;
    // The version's own example disagrees as it is: it is the witness, shown as the one fact that
    // sets it apart from the nearest named installation.
    expect(w.baseline).toBe('demo-1.1 example "no MPAN excludes even an active site"');
    expect(w.changes).toEqual([]);
    expect(w.factsFrom).toBe("demo-1.0:active-site");
    expect(w.facts).toEqual([{ path: "mpan", old: "1200023305967", new: "absent" }]);
    expect(V10.loaded.version.validator.validate(w.record).ok).toBe(true);
    expect(V11.loaded.version.validator.validate(w.record).ok).toBe(true);
    expect([w.a.result?.outcome, w.a.clause]).toEqual(["MIGRATE", "1.1"]);
    expect([w.b.result?.outcome, w.b.clause]).toEqual(["EXCLUDED", "2.2"]);
    expect(report.behaviourChanged).toBe(true);
  });

  it("is deterministic", () => {
    expect(renderDiff(diffVersions(V10, V11), "json", { ids: true })).toBe(renderDiff(report, "json", { ids: true }));
    expect(JSON.parse(renderDiff(report, "json", { ids: false })).schema).toBe("tmad-diff/2");
  });
});

describe("a wording-only edit", () => {
  const report = diffVersions(V10, REWORDED);

  it("is text drift with no behavioural change", () => {
    expect(report.document.clauses.map((c) => [c.kind, c.number])).toEqual([["amended", "2.1"]]);
    expect(report.rules).toEqual([]);
    expect(report.drift).toEqual([{ clause: "2.1", kind: "text-changed-rules-unchanged", rules: ["exclude_failed"] }]);
    expect(report.behaviourChanged).toBe(false);
    expect(report.verdict).toBe("unchanged");
    expect(report.search).toBeUndefined();
    expect(report.behaviour[0].statement).toMatch(/shown from the rules' structure, not a bounded search/);
    expect(renderDiff(report, "text", { ids: false })).toContain("Verdict: no behaviour changed.");
  });
});

describe("a parameter-only change", () => {
  const report = diffVersions(V10, PARAMETER);

  it("is a behaviour change with a witness, the parameter shown old → new", () => {
    expect(report.document.clauses).toEqual([]);
    expect(report.document.parameters).toEqual([
      { name: "attemptsPerCycle", kind: "changed", old: "3", new: "4" },
      { name: "attemptsRequired", kind: "changed", old: "6", new: "8" },
    ]);
    const rule = report.rules.find((r) => r.rule === "exclude_failed")!;
    expect(rule).toMatchObject({ kind: "changed", condition: "narrowed", implication: { oldImpliesNew: false, newImpliesOld: true } });
    expect(rule.changedParameters).toEqual([{ name: "attemptsRequired", old: "6", new: "8" }]);
    expect(report.verdict).toBe("changed");
    const w = report.behaviour.find((b) => b.rule === "exclude_failed")!.witness!;
    expect([w.a.result?.outcome, w.b.result?.outcome]).toEqual(["EXCLUDED", "BLOCKED"]);
    // Re-evaluated here, not taken from the report: the two versions disagree on the witness.
    expect(V10.loaded.version.evaluate(w.record, null).clause).toBe("2.1");
    expect(PARAMETER.loaded.version.evaluate(w.record, null).status).toBe("default");
    const text = renderDiff(report, "text", { ids: false });
    expect(text).toContain("attemptsPerCycle: 3 → 4");
    expect(text).toContain("parameter attemptsRequired: 6 → 8");
  });
});

describe("population impact", () => {
  const records = [...resolveExamples(V11.extracted.blocks).examples.map((e, i) => ({ record: i + 1, value: e.record })), { record: 99, parseError: "line 99 is not valid JSON" }, { record: 100, value: { id: "bad" } }];
  const report = diffVersions(V10, V11, { population: records });

  it("reconciles: transitions add up to the evaluated records, invalid ones are listed", () => {
    const p = report.population!;
    expect(p.records).toBe(records.length);
    expect(p.invalid.map((i) => i.record)).toEqual([99, 100]);
    expect(p.invalidCount).toBe(2);
    expect(p.transitions.reduce((n, t) => n + t.count, 0)).toBe(p.evaluated);
    expect(p.evaluated + p.invalidCount).toBe(p.records);
    expect(p.changed + p.unchanged).toBe(p.evaluated);
  });

  it("attributes each flip to the changed clauses that caused it", () => {
    const flip = report.population!.transitions.find((t) => t.from === "MIGRATE 1.1" && t.to === "EXCLUDED 2.2");
    expect(flip).toBeDefined();
    expect(flip!.causes).toContain("2.2");
  });

  it("renders as text, markdown and html", () => {
    expect(renderDiff(report, "text", { ids: false })).toContain("4. POPULATION IMPACT");
    const md = renderDiff(report, "markdown", { ids: true });
    expect(md).toContain("| demo-1.0 | demo-1.1 | count | caused by |");
    expect(md).toContain("**not seen since 2020,**");
    const html = renderDiff(report, "html", { ids: false });
    expect(html).toContain("<ins>meter, or a </ins>");
    expect(html.startsWith("<!doctype html>")).toBe(true);
  });
});
