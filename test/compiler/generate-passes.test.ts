/**
 * The generator's optimisation passes (src/compiler/generate/passes.ts): each pass's output is
 * golden-tested on test/fixtures/generate/passes, and the evaluator built with every pass agrees
 * with the one built with the pass turned off (the literal translation) on random records.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../src/compiler/diagnostics/diagnostic.js";
import { generateVersion, generateVersionWith, PASSES, withoutFormatting as unformatted, type PassName } from "../../src/compiler/generate/index.js";
import { loadVersionFiles } from "../../src/compiler/load.js";
import { compileVersion } from "../../src/compiler/pipeline.js";
import { typeCheckGenerated } from "../../src/compiler/typecheck.js";
import type { TracedDecision, TraceNode } from "../../src/runtime/index.js";
import { compileFixture, expectGolden } from "../helpers/compile.js";
import { expectEqual } from "../helpers/equal.js";

const FIXTURE = "test/fixtures/generate/passes";
const compiled = compileFixture(FIXTURE);
const checked = compiled.checked!;
// Code generated only to be run (the agreement of each pass with it turned off) is generated
// unformatted, as tmad check and tmad diff generate what they only run: TypeScript's formatter
// changes its layout alone, and was most of the cost of generating it. The formatted text is what
// the goldens and the pattern tests read.

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

/** The fixture's evaluator generated with every pass (unformatted) and loaded: once, for the tests that run it. */
let loaded: ReturnType<typeof loadVersionFiles> | undefined;
function loadedWithEveryPass(): ReturnType<typeof loadVersionFiles> {
  loaded ??= loadVersionFiles(unformatted(() => generateVersion(checked)));
  return loaded;
}

/**
 * The evaluator generated with every pass, and what it answers on the 3,000 random records the
 * passes are compared on: each rule's condition and the decision, per record. Worked out once for
 * the comparisons with each pass turned off (the same records, seed 20261202, for every pass), which
 * had each generated and loaded it and run it on every record again. The records are valid input.
 */
let everyPass: { records: Record<string, unknown>[]; answers: Map<string, boolean[]>; decisions: unknown[] } | undefined;
function withEveryPass(): NonNullable<typeof everyPass> {
  if (everyPass !== undefined) return everyPass;
  const on = loadedWithEveryPass();
  const next = random(20261202);
  const records = Array.from({ length: 3_000 }, (_, i) => site(next, i));
  for (const record of records) {
    const valid = on.version.validator.validate(record).ok;
    if (!valid) expect(valid).toBe(true);
  }
  const answers = new Map([...on.conditions].map(([rule, applies]) => [rule, records.map((r) => applies(r))]));
  everyPass = { records, answers, decisions: records.map((r) => on.version.evaluate(r, null)) };
  return everyPass;
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
    // Each pair's function alone (a scan's interface and function may follow it in the chunk).
    const paired = loops.filter((chunk) => chunk.includes("(pass: ordered pairs)")).map((chunk) => chunk.slice(0, chunk.indexOf("\n}\n") + 2));
    // confirmed_later, tried_before and none_below; `divided` divides, so it stays as written.
    expect(paired).toHaveLength(3);
    for (const chunk of paired) {
      // The a's extreme comes from the fused scan of site.tries (fused-scans.ts): one loop left, over the c's.
      expect(chunk.match(/for \(const /g)).toHaveLength(1);
      expect(chunk).toMatch(/const best: [^=]+ = scan_\d+_\d+\(f, f\.input\.tries\)\.(min|max)\d+;/);
      expect(chunk.replace(/function loop_\d+\(/, "")).not.toMatch(/loop_\d+\(/);
    }
    expect(rules).toMatch(/for \(const v\$a of f\.input\.tries\) \{ if \(loop_\d+\(f, v\$a\)\) return true; \}/);
    // Without fused scans, each pair keeps its own loop over the a's: still no nested loop.
    // Unformatted: the same chunks as formatted, but for blanks, and the patterns read no blank the formatter adds.
    const alone = unformatted(() => generateVersionWith(checked, { disable: new Set(["fused-scans"]) })).find((f) => f.path === "passes/rules.ts")!.content;
    const pairedAlone = alone.split(/\n(?=\/\*\* `)/).filter((chunk) => /\nfunction loop_\d+\(/.test(chunk) && chunk.includes("(pass: ordered pairs)"));
    expect(pairedAlone).toHaveLength(3);
    for (const chunk of pairedAlone) {
      expect(chunk.match(/for \(const /g)).toHaveLength(2);
      expect(chunk).not.toMatch(/scan_\d+\(/);
    }
  });

  it("fused scans: the loops over lists of events are one counting pass testing each condition once, and one pass per condition for extremes, read from the frame", () => {
    const rules = compiled.files!.find((f) => f.path === "passes/rules.ts")!.content;
    const scans = rules.split(/\n(?=\/\*\*)/).filter((chunk) => /\nfunction scan_\d+(_\d+)?\(/.test(chunk));
    // Counted: unsuccessfulTry (count, some), a.kind = FAILED (failedTries), and the conditions of
    // two ordered pairs (a.kind = TIMED_OUT, a.n >= 2), each tested once per element in one pass.
    // Extremes, a pass each when read: under unsuccessfulTry (min and max of a.at, min of a.day,
    // max of a.value), under each pair's condition, and of every element (none_below).
    // `spanDays` (its condition reads the parameter `kind`) keeps its loops.
    const counts = scans.filter((chunk) => /\nfunction scan_\d+\(/.test(chunk));
    const extremes = scans.filter((chunk) => /\nfunction scan_\d+_\d+\(/.test(chunk));
    expect(counts).toHaveLength(1);
    expect(extremes).toHaveLength(4);
    for (const chunk of scans) expect(chunk.match(/for \(const /g)).toHaveLength(1);
    expect(counts[0]).toContain("which count the elements that meet 4 conditions");
    for (const condition of ["d$unsuccessfulTry(f, v$a)", '(v$a.kind as model.Kind) === "FAILED"', '(v$a.kind as model.Kind) === "TIMED_OUT"', "(v$a.n >= 2)"]) {
      expect(counts[0].split(condition)).toHaveLength(2);
    }
    const unsuccessful = extremes.find((chunk) => chunk.includes("that meet `unsuccessfulTry(a)`"))!;
    expect(unsuccessful.match(/^ \* - `/gm)).toHaveLength(4);
    // The least and greatest a.at: one instant comparison settles an element above the greatest (in a
    // list in time order, every element), tested first.
    expect(unsuccessful.match(/rt\.instantBefore/g)).toHaveLength(2);
    expect(unsuccessful).toMatch(/\n\s*else if \(rt\.instantBefore\((max\d+), (x\d+)\)\) \1 = \2;\n\s*else if \(rt\.instantBefore\(\2, (min\d+)\)\) \3 = \2;/);
    // An ordered pair asks the counting pass first: no extreme is looked for when no a qualifies.
    expect(rules).toMatch(/if \(scan_0\(f, f\.input\.tries\)\.count\d+ === 0\) return false;\n  const best: string \| null = scan_0_\d+\(f, f\.input\.tries\)\.min\d+;/);
    expect(rules).not.toMatch(/\/\*\* `[^`]*unsuccessfulTry\(a\)[^`]*` \([^)]*\) \*\/\nfunction loop_/);
    expect(rules).not.toMatch(/\/\*\* `count a in d\.tries where a\.kind = FAILED` [^\n]*\nfunction loop_/);
    expect(rules).toMatch(/\/\*\* `\(min a\.at for a in tries where a\.kind = kind\)` [^\n]*\nfunction loop_/);
    // The random records below make `worn_out` both hold and fail, so the agreement test means something.
    const on = loadedWithEveryPass();
    const worn = on.conditions.get("worn_out")!;
    const next = random(7);
    let held = 0;
    for (let i = 0; i < 1_000; i++) if (worn(site(next, i))) held++;
    expect(held).toBeGreaterThan(50);
    expect(held).toBeLessThan(950);
  });

  for (const pass of Object.keys(PASSES) as PassName[]) {
    it(`${pass}: every rule's condition and every decision agree with the pass turned off, on 3,000 random records`, () => {
      const on = withEveryPass();
      const off = loadVersionFiles(unformatted(() => generateVersionWith(checked, { disable: new Set([pass]) })));
      let applied = 0;
      for (const [i, record] of on.records.entries()) {
        for (const [rule, answers] of on.answers) {
          const expected = off.conditions.get(rule)!(record);
          if (expected) applied++;
          const actual = answers[i];
          if (actual !== expected) expect([record, rule, actual]).toEqual([record, rule, expected]);
        }
        expectEqual(on.decisions[i], off.version.evaluate(record, null));
      }
      // The random records exercise both answers of the conditions.
      expect(applied).toBeGreaterThan(1_000);
      expect(applied).toBeLessThan(3_000 * 4 - 1_000);
    });
  }

  /**
   * Traces, complete and as evaluated, of the first 1,000 records with every pass and with `pass`
   * turned off: each must be the same JSON; `visit` sees each with every pass, to count what it exercised.
   */
  const sameTracesWithout = (pass: PassName, visit: (level: "complete" | "evaluated", traced: TracedDecision<unknown>, text: string) => void): void => {
    const on = loadedWithEveryPass();
    const off = loadVersionFiles(unformatted(() => generateVersionWith(checked, { disable: new Set([pass]) })));
    for (const record of withEveryPass().records.slice(0, 1_000)) {
      for (const level of ["complete", "evaluated"] as const) {
        const traced = on.version.evaluateTraced(record, null, level);
        const text = JSON.stringify(traced);
        const expected = JSON.stringify(off.version.evaluateTraced(record, null, level));
        if (text !== expected) expect(text).toBe(expected);
        visit(level, traced, text);
      }
    }
  };

  it("closing ands: a traced `and` ends its own site, one call where it stops; the traces, complete and as evaluated, are those of the pass turned off", () => {
    const rules = compiled.files!.find((f) => f.path === "passes/rules.ts")!.content;
    expect(rules).toMatch(/\n\s*else return t\.exitSkipped\(\d+\);\n/);
    expect(rules).not.toContain("t.skip(1); return false;");
    expect(rules).toMatch(/\n\s*return t\.exit\(value\);\n\}/);
    const alone = unformatted(() => generateVersionWith(checked, { disable: new Set(["closing-ands"]) })).find((f) => f.path === "passes/rules.ts")!.content;
    expect(alone).not.toContain("exitSkipped");
    expect(alone).toContain("t.skip(");
    let cut = 0;
    sameTracesWithout("closing-ands", (level, _, text) => {
      if (level === "evaluated" && text.includes('"notEvaluated"')) cut++;
    });
    // The records make `and`s stop early, so the folded count is exercised.
    expect(cut).toBeGreaterThan(100);
  });

  it("entered once: a traced definition with parts asks whether it was traced before and starts its site in one call; the traces are those of the pass turned off", () => {
    const rules = compiled.files!.find((f) => f.path === "passes/rules.ts")!.content;
    expect(rules).toMatch(/\n\s*const entered = t\.enterOnce\d\(\d+(, [^)]+)?\);\n\s*if \(entered < 0\) return t\.value as [^;]+;\n/);
    expect(rules).not.toMatch(/if \(t\.again\d\([^)]*\)\) return t\.value as [^;]+;\n\s*const entered = t\.enter\(/);
    const alone = unformatted(() => generateVersionWith(checked, { disable: new Set(["entered-once"]) })).find((f) => f.path === "passes/rules.ts")!.content;
    expect(alone).not.toContain("enterOnce");
    let again = 0;
    sameTracesWithout("entered-once", (_, traced) => {
      // A definition's node read again is the same object: the memo answered.
      const seen = new Set<unknown>();
      const walk = (n: TraceNode): void => {
        if (n.kind === "definition" && seen.has(n)) again++;
        seen.add(n);
        n.children.forEach(walk);
      };
      traced.trace.rules.forEach((r) => walk(r.condition));
    });
    expect(again).toBeGreaterThan(100);
  });

  it("definitions in tracer: a traced definition without parameters keeps where it was traced and its value in the version's Tracer; the traces are those of the pass turned off", () => {
    const rules = compiled.files!.find((f) => f.path === "passes/rules.ts")!.content;
    expect(rules).toContain("class Tracer extends rt.Tracer {");
    expect(rules).toContain("const t = new Tracer(traceSites, level);");
    expect(rules).toMatch(/\n\s*if \(t\.t\$hasDormant\$at >= 0\) return t\.again\(t\.t\$hasDormant\$at, t\.t\$hasDormant\$value as boolean\);\n/);
    expect(rules).toMatch(/\n\s*if \(this\.t\$hasDormant\$at >= mark\) this\.t\$hasDormant\$at = -1;\n/);
    expect(rules).not.toMatch(/t\.again0\(|t\.enterOnce0\(|t\.remember0\(/);
    const alone = unformatted(() => generateVersionWith(checked, { disable: new Set(["definitions-in-tracer"]) })).find((f) => f.path === "passes/rules.ts")!.content;
    expect(alone).not.toContain("class Tracer");
    expect(alone).toContain("new rt.Tracer(traceSites, level)");
    expect(alone).toMatch(/t\.again0\(|t\.enterOnce0\(/);
    let traced = 0;
    sameTracesWithout("definitions-in-tracer", (_, decision) => {
      if (decision.trace.rules.some((r) => r.condition.children[0]?.name === "hasDormant")) traced++;
    });
    expect(traced).toBeGreaterThan(100);
  });

  it("definitions in tracer: a definition read again adds its node again; a part of a complete trace that fails and is dropped forgets the definitions it traced, as the memo does", () => {
    // An explored part (the first part is false) traces hasDormant and then divides by zero: it is
    // dropped, and drop_stuck, which reads hasDormant next, must trace it afresh, not point at the
    // dropped node; read_again reads it once more, and gets drop_stuck's node.
    const text = readFileSync(`${FIXTURE}/index.md`, "utf8")
      .replace(
        "## 1.2 Devices",
        ["## 1.1A Dropped parts", "", "```tmad", "rule dropped_part", '  when site.id = "none" and (not hasDormant or 10 / (count d in site.devices where d.id = "none") > 1)', "  then outcome = BLOCKED", "```", "", "## 1.2 Devices"].join("\n"),
      )
      .replace("## 2.1 Default", ["## 1.4 Read again", "", "```tmad", "rule read_again", '  when hasDormant and site.id = "none"', "  then outcome = BLOCKED", "```", "", "## 2.1 Default"].join("\n"));
    const larger = unformatted(() => compileVersion({ id: "passes", dir: FIXTURE, files: [{ path: `${FIXTURE}/index.md`, text }] }));
    expect(larger.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic)).toEqual([]);
    expect(larger.files!.find((f) => f.path === "passes/rules.ts")!.content).toContain("override unwind(mark: number): void {");
    const on = loadVersionFiles(larger.files!);
    const off = loadVersionFiles(unformatted(() => generateVersionWith(larger.checked!, { disable: new Set(["definitions-in-tracer"]) })));
    let dropped = 0;
    let again = 0;
    for (const record of withEveryPass().records.slice(0, 500)) {
      for (const level of ["complete", "evaluated"] as const) {
        const traced = on.version.evaluateTraced(record, null, level);
        const expected = JSON.stringify(off.version.evaluateTraced(record, null, level));
        if (JSON.stringify(traced) !== expected) expect(JSON.stringify(traced)).toBe(expected);
        const first = (rule: string): TraceNode | undefined => traced.trace.rules.find((r) => r.rule === rule)!.condition.children[0];
        const stuck = first("drop_stuck");
        // drop_stuck's hasDormant, traced afresh after the dropped part (a node with its value), and read_again's the same node.
        if (level === "complete" && stuck?.name === "hasDormant" && stuck.value === true) dropped++;
        if (stuck?.name === "hasDormant" && first("read_again") === stuck) again++;
      }
    }
    expect(dropped).toBeGreaterThan(50);
    expect(again).toBeGreaterThan(500);
  });

  it("settled sets: kept by the runtime's SettledSets (an array indexed by the set up to 12 rules, a Map of the sets seen beyond); both agree with the pass turned off", () => {
    const fixture = compiled.files!.find((f) => f.path === "passes/rules.ts")!.content;
    expect(fixture).toContain("const SETTLED = new rt.SettledSets(RULES);");
    expect(fixture).toContain("SETTLED.of(");
    // The fixture and six more rules, one site each: 13 rules, 2^13 sets.
    const text = readFileSync(`${FIXTURE}/index.md`, "utf8").replace(
      "## 2.1 Default",
      ["## 1.4 More rules", "", "```tmad", ...[1, 2, 3, 4, 5, 6].flatMap((i) => [`rule site_${i}`, `  when site.id = "S-${i}"`, "  then outcome = BLOCKED", ""]), "```", "", "## 2.1 Default"].join("\n"),
    );
    // Generated to be run, and searched for one line: unformatted (the layout is the formatter's alone).
    const larger = unformatted(() => compileVersion({ id: "passes", dir: FIXTURE, files: [{ path: `${FIXTURE}/index.md`, text }] }));
    expect(larger.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic)).toEqual([]);
    const rules = larger.files!.find((f) => f.path === "passes/rules.ts")!.content;
    expect(rules).toContain("const SETTLED = new rt.SettledSets(RULES);");
    const on = loadVersionFiles(larger.files!);
    const off = loadVersionFiles(unformatted(() => generateVersionWith(larger.checked!, { disable: new Set(["settled-sets"]) })));
    const next = random(13);
    for (let i = 0; i < 500; i++) {
      const record = site(next, i);
      expect(on.version.evaluate(record, null)).toEqual(off.version.evaluate(record, null));
    }
    expect(on.version.evaluate({ ...site(next, 1), id: "S-1" }, null).fired).toContain("site_1");
  });

  it("definition cache: a definition reached from one place, once per argument, is not remembered; one reached again with the same arguments is", () => {
    const fixture = compiled.files!.find((f) => f.path === "passes/rules.ts")!.content;
    // stuck(d): three rules call it; failedTries(d): only stuck(d), which is remembered.
    expect(fixture).toContain("m$stuck: unknown[] | undefined");
    expect(fixture).not.toContain("m$failedTries");
    const corpus = readFileSync("generated/tmad-20.v2/rules.ts", "utf8");
    expect(corpus).toContain("m$prepared: unknown[] | undefined");
    expect(corpus).not.toContain("m$configurationSucceeded");
    // One call site, inside a loop over d, with arguments that do not read d: the same arguments
    // for every d, so the value is remembered.
    const text = readFileSync(`${FIXTURE}/index.md`, "utf8").replace(
      "## 2.1 Default",
      [
        "## 1.4 Shared lists",
        "",
        "```tmad",
        "definition checkedTwice(events: list of Event): integer = count a in events where a.n >= 2",
        "",
        "definition oftenChecked(events: list of Event): integer = count a in events where a.n >= 3",
        "",
        "rule checked_more",
        "  when some d in site.devices satisfies checkedTwice(site.checks) > count a in d.tries where a.n >= 2",
        "  then outcome = BLOCKED",
        "",
        "rule checked_often",
        "  when some d in site.devices satisfies oftenChecked(d.tries) > 1",
        "  then outcome = BLOCKED",
        "```",
        "",
        "## 2.1 Default",
      ].join("\n"),
    );
    // Searched for declarations only: generated unformatted (the layout is the formatter's alone).
    const shared = unformatted(() => compileVersion({ id: "passes", dir: FIXTURE, files: [{ path: `${FIXTURE}/index.md`, text }] }));
    expect(shared.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic)).toEqual([]);
    const rules = shared.files!.find((f) => f.path === "passes/rules.ts")!.content;
    expect(rules).toContain("m$checkedTwice: unknown[] | undefined");
    expect(rules).not.toContain("m$oftenChecked");
  });

  it("generated code has no unused declaration (tsc --noUnusedLocals), for the fixture", () => {
    // The corpus as committed in generated/ (`tmad build --check` keeps it what the rules produce)
    // is checked by the build: tsconfig.runtime.json compiles it with noUnusedLocals (tsc -b
    // tsconfig.json, in npm test and npm run build); type-checking it here again cost 2-3 CPU-s.
    const runtimeProject = JSON.parse(readFileSync("tsconfig.runtime.json", "utf8")) as { compilerOptions: Record<string, unknown>; include: string[] };
    expect(runtimeProject.compilerOptions["noUnusedLocals"]).toBe(true);
    expect(runtimeProject.include).toContain("generated/**/*.ts");
    const files = [...compiled.files!];
    // Errors wanted from rules.ts (the others are its context).
    const rules = new Set(files.filter((f) => f.path.endsWith("/rules.ts")).map((f) => f.path));
    expect(rules.size).toBe(1);
    expect(typeCheckGenerated(files, rules, true)).toEqual([]);
  });

  it("ordered pairs: a record with 8,500 tries and 8,500 checks is decided (linear, not quadratic)", () => {
    const on = loadedWithEveryPass();
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
