/**
 * The generator's optimisation passes (src/compiler/generate/passes.ts): each pass's output is
 * golden-tested on test/fixtures/generate/passes, and the evaluator built with every pass agrees
 * with the one built with the pass turned off (the literal translation) on random records.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../src/compiler/diagnostics/diagnostic.js";
import { generateVersion, generateVersionWith, PASSES, type PassName } from "../../src/compiler/generate/index.js";
import { loadVersionFiles } from "../../src/compiler/load.js";
import { typeCheckGenerated } from "../../src/compiler/typecheck.js";
import { compileFixture, expectGolden } from "../helpers/compile.js";
import { expectEqual } from "../helpers/equal.js";

const FIXTURE = "test/fixtures/generate/passes";
const compiled = compileFixture(FIXTURE);
const checked = compiled.checked!;

/** A small deterministic generator (a linear congruential one: the same records on every run). */
function random(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return Math.floor((x / 2 ** 31) * n); // the high bits: an LCG's low bits repeat with a short period
  };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, "0");

function event(next: (n: number) => number): Record<string, unknown> {
  // Few distinct values, so that ties and near ties are common; offsets other than Z too.
  const zone = ["Z", "+01:00", "-02:30"][next(3)];
  return {
    at: `2022-05-${pad(1 + next(4))}T${pad(next(4) * 6)}:${pad(next(2) * 30)}:00${zone}`,
    day: `2022-05-${pad(1 + next(5))}`,
    kind: ["OK", "FAILED", "TIMED_OUT"][next(3)],
    n: next(5),
    value: next(7) / 2,
  };
}

function site(next: (n: number) => number, i: number): Record<string, unknown> {
  const list = (): Record<string, unknown>[] => Array.from({ length: next(6) }, () => event(next));
  const devices = Array.from({ length: next(4) }, (_, d) => ({ id: `D-${d}`, dormant: next(3) > 0, tries: list() }));
  return { id: `S-${i}`, tries: list(), checks: list(), devices };
}

describe("generator passes", () => {
  it("compiles the fixture without diagnostics", () => {
    expect(compiled.diagnostics.map(formatDiagnostic)).toEqual([]);
  });

  it("emits the expected rules.ts with every pass", () => {
    const rules = compiled.files!.find((f) => f.path === "passes/rules.ts")!;
    expectGolden("test/fixtures/generate/expected/passes/rules.ts.txt", rules.content);
  });

  it("ordered pairs: one loop per list, no nested loop, where the pattern applies", () => {
    const rules = compiled.files!.find((f) => f.path === "passes/rules.ts")!.content;
    const loops = rules.split(/\n(?=\/\*\* `)/).filter((chunk) => /\nfunction loop_\d+\(/.test(chunk));
    const paired = loops.filter((chunk) => chunk.includes("(pass: ordered pairs)"));
    // confirmed_later, tried_before and none_below; `divided` divides, so it stays as written.
    expect(paired).toHaveLength(3);
    for (const chunk of paired) {
      expect(chunk.match(/for \(const /g)).toHaveLength(2);
      expect(chunk.replace(/function loop_\d+\(/, "")).not.toMatch(/loop_\d+\(/);
    }
    expect(rules).toMatch(/for \(const v\$a of f\.input\.tries\) \{ if \(loop_\d+\(f, v\$a\)\) return true; \}/);
  });

  it("fused scans: the loops over one list with one condition are one pass, read from the frame", () => {
    const rules = compiled.files!.find((f) => f.path === "passes/rules.ts")!.content;
    const scans = rules.split(/\n(?=\/\*\*)/).filter((chunk) => /\nfunction scan_\d+\(/.test(chunk));
    // unsuccessfulTry: count, some, min and max of a.at, min of a.day, max of a.value; `failedTries`
    // (a lone count) and `spanDays` (its condition reads the parameter `kind`) keep their loops.
    expect(scans).toHaveLength(1);
    expect(scans[0].match(/for \(const /g)).toHaveLength(1);
    expect(scans[0].match(/^ \* - `/gm)).toHaveLength(6);
    expect(rules).not.toMatch(/\/\*\* `[^`]*unsuccessfulTry\(a\)[^`]*` \([^)]*\) \*\/\nfunction loop_/);
    expect(rules).toMatch(/\/\*\* `count a in d\.tries where a\.kind = FAILED` [^\n]*\nfunction loop_/);
    // The random records below make `worn_out` both hold and fail, so the agreement test means something.
    const on = loadVersionFiles(generateVersion(checked));
    const worn = on.conditions.get("worn_out")!;
    const next = random(7);
    let held = 0;
    for (let i = 0; i < 1_000; i++) if (worn(site(next, i))) held++;
    expect(held).toBeGreaterThan(50);
    expect(held).toBeLessThan(950);
  });

  for (const pass of Object.keys(PASSES) as PassName[]) {
    it(`${pass}: every rule's condition and every decision agree with the pass turned off, on 3,000 random records`, () => {
      const on = loadVersionFiles(generateVersion(checked));
      const off = loadVersionFiles(generateVersionWith(checked, { disable: new Set([pass]) }));
      const next = random(20261202);
      let applied = 0;
      for (let i = 0; i < 3_000; i++) {
        const record = site(next, i);
        const valid = on.version.validator.validate(record).ok;
        if (!valid) expect(valid).toBe(true);
        for (const [rule, applies] of on.conditions) {
          const expected = off.conditions.get(rule)!(record);
          if (expected) applied++;
          const actual = applies(record);
          if (actual !== expected) expect([record, rule, actual]).toEqual([record, rule, expected]);
        }
        expectEqual(on.version.evaluate(record, null), off.version.evaluate(record, null));
      }
      // The random records exercise both answers of the conditions.
      expect(applied).toBeGreaterThan(1_000);
      expect(applied).toBeLessThan(3_000 * 4 - 1_000);
    });
  }

  it("generated code has no unused declaration (tsc --noUnusedLocals), for the fixture and every version of the corpus", () => {
    // The corpus as committed in generated/ (`tmad build --check` keeps it what the rules produce).
    const files = [...compiled.files!];
    for (const version of ["tmad-19.0", "tmad-20.v1", "tmad-20.v2"]) {
      for (const name of ["index.ts", "manifest.ts", "model.ts", "rules.ts"]) files.push({ path: `${version}/${name}`, content: readFileSync(`generated/${version}/${name}`, "utf8") });
    }
    // Errors wanted from the rules.ts files (the others are their context).
    const rules = new Set(files.filter((f) => f.path.endsWith("/rules.ts")).map((f) => f.path));
    expect(rules.size).toBe(4);
    expect(typeCheckGenerated(files, rules, true)).toEqual([]);
  });

  it("ordered pairs: a record with 8,500 tries and 8,500 checks is decided (linear, not quadratic)", () => {
    const on = loadVersionFiles(generateVersion(checked));
    const at = (minute: number): string => `2022-05-01T${pad(Math.floor(minute / 60) % 24)}:${pad(minute % 60)}:00Z`;
    const day = "2022-05-02";
    // Every try times out after every check succeeded, except the last check: confirmed only by it.
    const tries = Array.from({ length: 8_500 }, (_, i) => ({ at: at(600 + (i % 60)), day, kind: "TIMED_OUT", n: 1, value: 1 }));
    const checks = Array.from({ length: 8_500 }, (_, i) => ({ at: at(i % 500), day, kind: "OK", n: 0, value: 1 }));
    const record = { id: "S-big", tries, checks };
    expect(on.conditions.get("confirmed_later")!(record)).toBe(false);
    checks[8_499] = { ...checks[8_499], at: at(700) };
    expect(on.conditions.get("confirmed_later")!(record)).toBe(true);
    expect(on.conditions.get("none_below")!(record)).toBe(true);
  });
});
