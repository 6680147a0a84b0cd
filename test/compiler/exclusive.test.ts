/**
 * The exclusion test of the analysis (src/compiler/search/exclusive.ts): two conditions shown
 * unable to hold together. It must be sound: a pair of rules that some installation makes apply
 * together is never called exclusive (checked on every pair the search finds together in the
 * corpus, precedence or not); and it must know the shapes the corpus's rules take, so that `tmad
 * check` stops its search once every other question is answered.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { analyze } from "../../src/compiler/analyze/index.js";
import type { CheckedVersion } from "../../src/compiler/check/index.js";
import { loadVersionFiles } from "../../src/compiler/load.js";
import { compileVersion } from "../../src/compiler/pipeline.js";
import { canonical, Exclusion, expressionConstants, SearchSpace, searchModel } from "../../src/compiler/search/index.js";
import { readVersion } from "../../src/compiler/source/versions.js";
import { checkedDir, loadedDir } from "../helpers/diff.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function version(rules: string): { checked: CheckedVersion; exclusive: (a: string, b: string) => boolean } {
  const dir = mkdtempSync(join(tmpdir(), "tmad-exclusive-"));
  dirs.push(dir);
  writeFileSync(
    join(dir, "index.md"),
    `---\ndocument: DEMO\nversion: "1.0"\nstatus: draft\npublished: 2022-01-01\nsource: "test"\nparaphrase: "Test text."\n---\n## 1.1 Clause\n\nText.\n\n\`\`\`tmad\nrecord Tag\n  name: text\n  done: boolean\n\nrecord Site\n  id: text\n  kind: Kind\n  size: integer\n  tags: list of Tag\n\ninput site: Site identified by id\n\nenum Kind A B C\n\nenum Outcome MIGRATE EXCLUDED\n\ndecision Result\n  outcome: Outcome\n\ndefault then outcome = MIGRATE\n\ndefinition openTags: list of Tag = collect t for t in site.tags where not t.done\n\n${rules}\n\`\`\`\n\n\`\`\`tmad-example\ndefine: plain\ninstallation: { id: "S1", kind: C, size: 0, tags: [] }\n\`\`\`\n`,
  );
  const compiled = compileVersion(readVersion(dir), "check");
  expect(compiled.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const checked = compiled.checked!;
  const ex = new Exclusion(expressionConstants(checked));
  const cond = (id: string) => canonical(checked, checked.rules.find((r) => r.id === id)!.decl.condition);
  return { checked, exclusive: (a, b) => ex.exclusive(cond(a), cond(b)) };
}

describe("two conditions that cannot hold together", () => {
  const v = version(
    [
      ["kind_a", "site.kind = A"],
      ["kind_b", "site.kind = B"],
      ["kind_a_or_b", "site.kind in {A, B}"],
      ["kind_c_by_negation", "site.kind != A and site.kind != B"],
      ["all_done", "every t in site.tags satisfies t.done"],
      ["some_open", "some t in site.tags satisfies not t.done"],
      ["has_open", "(count t in openTags) > 0"],
      ["no_open", "(count t in openTags) = 0 and site.size > 3"],
      ["big", "site.size >= 10"],
      ["small", "site.size < 5"],
      ["mid", "site.size >= 5 and site.size < 10"],
      ["big_or_a", "site.size >= 10 or site.kind = A"],
      ["not_big", "not (site.size >= 10)"],
      ["small_b", "site.size < 5 and site.kind = B"],
    ]
      .map(([id, when]) => `rule ${id}\n  when ${when}\n  then outcome = EXCLUDED`)
      .join("\n\n"),
  );

  it("are shown exclusive: another enum member, a member outside a set, disjoint bounds, every against some", () => {
    expect(v.exclusive("kind_a", "kind_b")).toBe(true);
    expect(v.exclusive("kind_a_or_b", "kind_c_by_negation")).toBe(true);
    expect(v.exclusive("kind_a", "kind_c_by_negation")).toBe(true);
    expect(v.exclusive("big", "small")).toBe(true);
    expect(v.exclusive("big", "mid")).toBe(true);
    expect(v.exclusive("small", "mid")).toBe(true);
    expect(v.exclusive("all_done", "some_open")).toBe(true);
    // `(count t in openTags) > 0`: some tag of site.tags is not done (the collect is unwrapped).
    expect(v.exclusive("all_done", "has_open")).toBe(true);
    expect(v.exclusive("big", "not_big")).toBe(true);
    // A disjunction is exclusive of a condition only when each of its branches is.
    expect(v.exclusive("big_or_a", "small_b")).toBe(true);
    expect(v.exclusive("big_or_a", "kind_b")).toBe(false);
    expect(v.exclusive("big_or_a", "small")).toBe(false);
  });

  it("are never claimed when both can hold", () => {
    for (const [a, b] of [
      ["kind_a", "big"],
      ["kind_a", "kind_a_or_b"],
      ["some_open", "has_open"],
      ["all_done", "big"],
      ["small", "not_big"],
      ["mid", "not_big"],
      ["no_open", "all_done"],
      ["big_or_a", "kind_a"],
      ["big_or_a", "big"],
    ]) {
      expect([a, b, v.exclusive(a, b)]).toEqual([a, b, false]);
    }
  });

  it("the analysis stops early only when the rest is shown exclusive, and reports the same", () => {
    const dir = v.checked.dir;
    const compiled = compileVersion(readVersion(dir));
    const result = analyze(compiled.checked!, loadVersionFiles(compiled.files!));
    // kind_a and big can apply together and have no precedence: found and reported.
    expect(result.diagnostics.some((d) => d.code === "TMAD6001" && d.message.includes("rules big (clause 1.1) and kind_a"))).toBe(true);
    // big and small never apply together: no warning about them.
    expect(result.diagnostics.some((d) => d.code === "TMAD6001" && /rules big .* and small /.test(d.message))).toBe(false);
  });
});

describe("on the corpus", () => {
  for (const id of ["tmad-19.0", "tmad-20.v1", "tmad-20.v2"]) {
    it(`${id}: no pair of rules that applies together is called exclusive; the others are, so check stops early`, () => {
      // Compiled and loaded once per worker (test/helpers/diff.ts): other files use the corpus too.
      const checked = checkedDir(`rules/${id}`);
      const loaded = loadedDir(`rules/${id}`);
      const ex = new Exclusion(expressionConstants(checked));
      const conditions = new Map(checked.rules.map((r) => [r.id, canonical(checked, r.decl.condition)]));
      const together = new Set<string>();
      const baselines = [...checked.installations].map(([name, record]) => ({ name, record, mutate: true }));
      // Every single-fact change of every named installation: thousands of installations.
      new SearchSpace(searchModel([checked]), baselines, { maxPairsFrom: 0 }).search({
        visit(c) {
          const d = loaded.version.evaluate(c.record, null);
          for (let i = 0; i < d.fired.length; i++) for (let j = i + 1; j < d.fired.length; j++) together.add([d.fired[i], d.fired[j]].sort().join(","));
          return d.fired.join(",");
        },
        done: () => false,
      });
      // In 19.0 no two rules ever apply together; later versions add rules that override others.
      if (id !== "tmad-19.0") expect(together.size).toBeGreaterThan(0);
      for (const pair of together) {
        const [a, b] = pair.split(",");
        expect([pair, ex.exclusive(conditions.get(a)!, conditions.get(b)!)]).toEqual([pair, false]);
      }
      // Every pair without precedence is shown exclusive: the analysis needs only the first few
      // installations (every rule applying and deciding somewhere).
      const result = analyze(checked, loaded);
      expect(result.evaluated).toBeLessThan(200);
    });
  }
});
