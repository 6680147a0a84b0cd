import { describe, expect, it } from "vitest";
import { wordDiff } from "../../src/compiler/diff/document.js";
import { diffVersions, type DiffSide } from "../../src/compiler/diff/index.js";
import { renderDiff } from "../../src/compiler/diff/render.js";
import { loadVersionFiles } from "../../src/compiler/load.js";
import { compileVersion } from "../../src/compiler/pipeline.js";
import { readVersion } from "../../src/compiler/source/versions.js";

function side(dir: string): DiffSide {
  const compiled = compileVersion(readVersion(dir));
  if (compiled.files === undefined || compiled.checked === undefined) throw new Error(`${dir} does not compile`);
  return { checked: compiled.checked, loaded: loadVersionFiles(compiled.files) };
}

const V10 = side("test/fixtures/versions/demo-1.0");
const V11 = side("test/fixtures/versions/demo-1.1");
const REWORDED = side("test/fixtures/versions/demo-1.0-reworded");

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
    expect(byRule.get("migrate")).toMatchObject({ kind: "changed", condition: "same", precedenceChanged: true });
    expect(report.drift).toEqual([{ clause: "1.1", kind: "rules-changed-text-unchanged", rules: ["migrate"] }]);
  });

  it("finds a minimal, valid witness whose decision differs", () => {
    const b = report.behaviour.find((x) => x.rule === "exclude_no_mpan")!;
    expect(b.witness).toBeDefined();
    const w = b.witness!;
    expect(w.changes).toEqual(["mpan absent"]);
    expect(V10.loaded.version.validator.validate(w.record).ok).toBe(true);
    expect(V11.loaded.version.validator.validate(w.record).ok).toBe(true);
    expect([w.a.result?.outcome, w.a.clause]).toEqual(["MIGRATE", "1.1"]);
    expect([w.b.result?.outcome, w.b.clause]).toEqual(["EXCLUDED", "2.2"]);
    expect(report.behaviourChanged).toBe(true);
  });

  it("is deterministic", () => {
    expect(renderDiff(diffVersions(V10, V11), "json", { ids: true })).toBe(renderDiff(report, "json", { ids: true }));
  });
});

describe("a wording-only edit", () => {
  const report = diffVersions(V10, REWORDED);

  it("is text drift with no behavioural change", () => {
    expect(report.document.clauses.map((c) => [c.kind, c.number])).toEqual([["amended", "2.1"]]);
    expect(report.rules).toEqual([]);
    expect(report.drift).toEqual([{ clause: "2.1", kind: "text-changed-rules-unchanged", rules: ["exclude_failed"] }]);
    expect(report.behaviourChanged).toBe(false);
    expect(report.behaviour[0].statement).toMatch(/structural equality, not a bounded search/);
  });
});

describe("population impact", () => {
  const records = [...V11.checked.examples.map((e, i) => ({ record: i + 1, value: e.record })), { record: 99, parseError: "line 99 is not valid JSON" }, { record: 100, value: { id: "bad" } }];
  const report = diffVersions(V10, V11, { population: records });

  it("reconciles: transitions add up to the evaluated records, invalid ones are listed", () => {
    const p = report.population!;
    expect(p.records).toBe(records.length);
    expect(p.invalid.map((i) => i.record)).toEqual([99, 100]);
    expect(p.transitions.reduce((n, t) => n + t.count, 0)).toBe(p.evaluated);
    expect(p.evaluated + p.invalid.length).toBe(p.records);
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
