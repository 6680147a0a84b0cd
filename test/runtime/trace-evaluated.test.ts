/**
 * The trace as evaluated (`evaluateTraced(…, "evaluated")`, `tmad eval --trace-evaluated`): it
 * gives the decision the plain and the complete traced evaluations give, on generated records of
 * every version; its tree is the complete trace cut where the evaluation short-circuited, each cut
 * counted (`notEvaluated`) and the trace marked (`explored`); the explanation of such a trace says
 * where parts were not evaluated, in JSON and in text; and the complete trace stays unmarked.
 */
import { describe, expect, it } from "vitest";
import { versions } from "../../generated/index.js";
import { buildExplanation, renderExplanationText, type Reason } from "../../src/index.js";
import { generateInstallations } from "../../src/population/generate.js";
import { EvaluationError, evaluateRecord, Tracer, type Manifest, type TraceNode, type TraceSite, type VersionModule } from "../../src/runtime/index.js";
import { exampleLines, tmadIn } from "../helpers/cli.js";

const population = [...generateInstallations({ count: 400, seed: 23 })].map((l) => JSON.parse(l) as unknown);

/** What a run gives, as text: the decision's JSON, or the run-time fault. */
function run(f: () => unknown): string {
  try {
    return JSON.stringify(f());
  } catch (e) {
    if (!(e instanceof EvaluationError)) throw e;
    return `EvaluationError ${e.message} at ${e.at}`;
  }
}

/**
 * Where a node of the trace as evaluated differs from the complete trace's node for the same
 * condition, or undefined: same site and value, its children the complete node's first ones (each
 * alike in turn), all of them unless some were counted as not evaluated, and no more than the
 * children evaluated plus those counted.
 */
function cutOf(evaluated: TraceNode, complete: TraceNode, at: string): string | undefined {
  if (evaluated.site !== complete.site || evaluated.kind !== complete.kind) return `${at}: site ${evaluated.site} ≠ ${complete.site}`;
  if (JSON.stringify(evaluated.value) !== JSON.stringify(complete.value)) return `${at}: value ${String(evaluated.value)} ≠ ${String(complete.value)}`;
  if (complete.notEvaluated !== undefined) return `${at}: a complete node counts parts not evaluated`;
  const skipped = evaluated.notEvaluated ?? 0;
  if (skipped === 0 && evaluated.children.length !== complete.children.length) return `${at}: ${evaluated.children.length} children, complete ${complete.children.length}, none counted as not evaluated`;
  if (complete.children.length > evaluated.children.length + skipped) return `${at}: complete has ${complete.children.length} children, ${evaluated.children.length} evaluated + ${skipped} not`;
  for (let i = 0; i < evaluated.children.length; i++) {
    const c = complete.children[i];
    if (c === undefined) return `${at}: child ${i} only in the trace as evaluated`;
    const found = cutOf(evaluated.children[i], c, `${at}/${i}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Every node of a tree. */
function* nodes(n: TraceNode): Generator<TraceNode> {
  yield n;
  for (const c of n.children) yield* nodes(c);
}

/** Every reason of a list, nested ones and those under members included. */
function* reasons(rs: readonly Reason[]): Generator<Reason> {
  for (const r of rs) {
    yield r;
    yield* reasons(r.because);
    for (const m of r.members ?? []) yield* reasons(m.because);
  }
}

describe("a trace as evaluated", () => {
  for (const entry of versions) {
    it(`gives the decisions of the plain and the complete traced evaluations, its tree cut from the complete one (${entry.id})`, async () => {
      const version = (await entry.load()) as VersionModule<any, any>;
      let compared = 0;
      let cut = 0;
      for (const raw of population) {
        const checked = version.validator.validate(raw);
        if (!checked.ok) continue;
        const plain = run(() => version.evaluate(checked.value, null));
        expect(run(() => version.evaluateTraced(checked.value, null, "evaluated").decision)).toBe(plain);
        expect(run(() => version.evaluateTraced(checked.value, null).decision)).toBe(plain);
        if (plain.startsWith("EvaluationError")) continue;
        const evaluated = version.evaluateTraced(checked.value, null, "evaluated").trace;
        const complete = version.evaluateTraced(checked.value, null, "complete").trace;
        expect(evaluated.explored).toBe("evaluated");
        expect("explored" in complete).toBe(false);
        expect(evaluated.rules.map((r) => [r.rule, r.fired])).toEqual(complete.rules.map((r) => [r.rule, r.fired]));
        for (let i = 0; i < evaluated.rules.length; i++) {
          expect(cutOf(evaluated.rules[i].condition, complete.rules[i].condition, evaluated.rules[i].rule)).toBeUndefined();
          for (const n of nodes(evaluated.rules[i].condition)) if (n.notEvaluated !== undefined) cut++;
        }
        compared++;
      }
      expect(compared).toBeGreaterThan(300);
      // The property is about cuts: the sample has many.
      expect(cut).toBeGreaterThan(compared);
    });
  }
});

describe("Tracer as evaluated", () => {
  const sites: TraceSite[] = [
    { kind: "condition", text: "a and b and c", at: "x.md:1:1", facts: [], operator: "and" },
    { kind: "condition", text: "a", at: "x.md:1:1", facts: [] },
  ];
  const manifest = { rules: [{ id: "r", clause: "1", at: "x.md:1", overriddenBy: [] }], clauses: [{ number: "1", title: "One" }] } as unknown as Manifest;

  it("counts the parts skipped on the node open innermost, and marks the trace", () => {
    const t = new Tracer(sites, "evaluated");
    expect(t.complete).toBe(false);
    t.enter(0);
    t.leaf(1, false);
    t.skip(2);
    t.exit(false);
    const trace = t.finish(manifest, []);
    const node = trace.rules[0].condition;
    expect(node.notEvaluated).toBe(2);
    expect(node.children.map((c) => c.notEvaluated)).toEqual([undefined]);
    expect(JSON.parse(JSON.stringify(trace))).toMatchObject({ explored: "evaluated", rules: [{ condition: { notEvaluated: 2 } }] });
  });

  it("records skip then exit(false) and exitSkipped alike: the same tree, in one event instead of two", () => {
    const apart = new Tracer(sites, "evaluated");
    apart.enter(0);
    apart.leaf(1, false);
    apart.skip(2);
    apart.exit(false);
    const apartJson = JSON.stringify(apart.finish(manifest, []));
    const folded = new Tracer(sites, "evaluated");
    folded.enter(0);
    folded.leaf(1, false);
    expect(folded.exitSkipped(2)).toBe(false);
    const trace = folded.finish(manifest, []);
    expect(JSON.stringify(trace)).toBe(apartJson);
    expect(trace.rules[0].condition.notEvaluated).toBe(2);
    // A SKIP of a loop inside the same node adds to the count the exit holds.
    const both = new Tracer(sites, "evaluated");
    both.enter(0);
    both.leaf(1, false);
    both.skip(1);
    both.exitSkipped(2);
    expect(both.finish(manifest, []).rules[0].condition.notEvaluated).toBe(3);
  });

  it("is complete by default: nothing marked", () => {
    const t = new Tracer(sites);
    expect(t.complete).toBe(true);
    t.enter(0);
    t.leaf(1, false);
    t.exit(false);
    const json = JSON.stringify(t.finish(manifest, []));
    expect(json).not.toContain("explored");
    expect(json).not.toContain("notEvaluated");
  });
});

describe("explaining a trace as evaluated", () => {
  it("says where parts were not evaluated, in the structure and in the text; the complete explanation does not", async () => {
    const version = (await versions.find((v) => v.id === "tmad-20.v2")!.load()) as VersionModule<any, any>;
    const said = "not evaluated: an earlier part already decided the condition";
    let shown = 0;
    for (const raw of population.slice(0, 60)) {
      const outcome = evaluateRecord(version, raw, { trace: "evaluated" });
      if (!outcome.ok) continue;
      const e = buildExplanation(version, outcome);
      expect(e.explored).toBe("evaluated");
      const notes = [...reasons([...e.because, ...e.notApplied.flatMap((n) => n.because)])].filter((r) => r.notEvaluated !== undefined);
      for (const r of notes) {
        expect(r.holds).toBeNull();
        expect(r.statement).toMatch(/^\d+ more (parts?|elements?) not evaluated: an earlier (part|element) already decided the condition$/);
      }
      const text = renderExplanationText(e);
      expect(text).toContain("This trace records the evaluation as it went");
      if (notes.some((r) => r.statement.endsWith(said) && r.statement.includes("part"))) {
        expect(text).toContain(said);
        shown++;
      }
      const complete = buildExplanation(version, evaluateRecord(version, raw, { trace: true }));
      expect(complete.explored).toBeUndefined();
      const completeText = renderExplanationText(complete);
      expect(completeText).not.toContain("not evaluated");
      expect(completeText).not.toContain("as it went");
    }
    expect(shown).toBeGreaterThan(10);
  });
});

describe("tmad eval --trace-evaluated", { timeout: 60_000 }, () => {
  it("adds each record's trace as evaluated, with the decisions --trace gives", async () => {
    const evaluated = await tmadIn(["eval", "-", "--version", "20.v2", "--trace-evaluated", "--workers", "0"], exampleLines.join("\n"));
    const complete = await tmadIn(["eval", "-", "--version", "20.v2", "--trace", "--workers", "0"], exampleLines.join("\n"));
    expect(evaluated.status).toBe(complete.status);
    const lines = (r: { stdout: string }): any[] => r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    const withoutTrace = (o: any): unknown => ({ ...o, trace: undefined });
    const ev = lines(evaluated);
    const co = lines(complete);
    expect(ev.map(withoutTrace)).toEqual(co.map(withoutTrace));
    const decided = ev.filter((o) => o.status !== "invalid");
    expect(decided.length).toBeGreaterThan(10);
    for (const o of decided) expect(o.trace.explored).toBe("evaluated");
    expect(evaluated.stdout).toContain('"notEvaluated":');
    expect(complete.stdout).not.toContain('"notEvaluated":');
    expect(complete.stdout).not.toContain('"explored":');
  });

  it("refuses --trace with --trace-evaluated", async () => {
    const r = await tmadIn(["eval", "-", "--version", "20.v2", "--trace", "--trace-evaluated"], exampleLines[0]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--trace and --trace-evaluated: choose one");
  });
});
