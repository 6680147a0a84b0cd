/**
 * The Tracer records during evaluation and builds the trace tree only when `Trace.rules` is read:
 * the tree it builds, a definition read again, a member's key fields, a failing explored part
 * dropped (Tracer.mark / unwind), sites recorded as one event (leaf…) with facts one by one or as
 * a list, traces kept apart when later evaluations reuse the Tracer's lists, and `rules` seen by
 * JSON, spreading and structured cloning.
 */
import { describe, expect, it } from "vitest";
import { Tracer, type TraceNode, type TraceSite } from "../../src/runtime/trace.js";
import type { Manifest } from "../../src/runtime/version.js";

const sites: TraceSite[] = [
  { kind: "condition", text: "a and b", at: "x.md:1:1", facts: [], operator: "and" },
  { kind: "condition", text: "n >= 3", at: "x.md:1:1", facts: ["installation.n"], operator: ">=" },
  { kind: "definition", name: "ok", text: "ok(d) = d.good", at: "x.md:2:1", facts: ["d.good"] },
  { kind: "condition", text: "every d in devices satisfies ok(d)", at: "x.md:3:1", facts: [], quantifier: { kind: "every", variable: "d", element: "Device", key: ["type", "id"] } },
];

const manifest = {
  rules: [
    { id: "first", clause: "1.1", at: "x.md:1", overriddenBy: [] },
    { id: "second", clause: "1.2", at: "x.md:3", overriddenBy: ["first"] },
  ],
  clauses: [
    { number: "1.1", title: "One" },
    { number: "1.2", title: "Two" },
  ],
} as unknown as Manifest;

/** `ok(d)` traced: its node reused when read again with the same device. */
function ok(t: Tracer, d: { good: boolean }): boolean {
  if (t.again1(2, d)) return t.value as boolean;
  const entered = t.enter(2);
  return t.remember1(d, t.exit1(d.good, d.good), entered);
}

const summary = (n: TraceNode): unknown => ({ text: n.text, value: n.value, facts: n.facts, operands: n.operands, member: n.member, children: n.children.map(summary) });

describe("Tracer", () => {
  it("records, then builds the tree once, when rules is read", () => {
    const t = new Tracer(sites);
    const d1 = { id: "D1", type: "ESME", good: true };
    const d2 = { id: "D2", type: "GSME", good: false };
    // Rule 1: `a and b` with `n >= 3` (operands recorded) and `ok(d1)`.
    t.enter(0);
    t.enter(1);
    t.operands(5, 3);
    t.exit1((t.l as number) >= (t.r as number), 5);
    t.exit(ok(t, d1));
    // Rule 2: a quantifier member by member; d1's definition node is read again.
    t.enter(3);
    t.member(d1);
    t.endMember(ok(t, d1));
    t.member(d2);
    t.endMember(ok(t, d2));
    t.exit(false);
    // One top-level site per rule: the rules' conditions.
    const trace = t.finish(manifest, ["first"]);

    const rules = trace.rules;
    expect(trace.rules).toBe(rules);
    expect(rules.map((r) => [r.rule, r.fired, r.clauseTitle, r.setAsideBy])).toEqual([
      ["first", true, "One", []],
      ["second", false, "Two", []],
    ]);
    const okD1 = rules[0].condition.children[1];
    expect(okD1.kind).toBe("definition");
    // The node of ok(d1) is the same object where it is read again.
    expect(rules[1].condition.children[0].children[0]).toBe(okD1);
    expect(summary(rules[1].condition)).toEqual({
      text: "every d in devices satisfies ok(d)",
      value: false,
      facts: [],
      operands: undefined,
      member: undefined,
      children: [
        { text: "d", value: true, facts: [], operands: undefined, member: { type: "ESME", id: "D1" }, children: [summary(okD1)] },
        {
          text: "d",
          value: false,
          facts: [],
          operands: undefined,
          member: { type: "GSME", id: "D2" },
          children: [{ text: "ok(d) = d.good", value: false, facts: [{ path: "d.good", value: false }], operands: undefined, member: undefined, children: [] }],
        },
      ],
    });
    expect(summary(rules[0].condition.children[0])).toEqual({ text: "n >= 3", value: true, facts: [{ path: "installation.n", value: 5 }], operands: [5, 3], member: undefined, children: [] });
  });

  it("drops what a failing explored part half recorded, and forgets the definitions it completed", () => {
    const t = new Tracer(sites);
    const d = { id: "D1", type: "ESME", good: true };
    t.enter(0);
    t.enter(1);
    t.operands(1, 3);
    t.exit1(false, 1);
    const mark = t.mark();
    try {
      t.enter(1);
      ok(t, d);
      // Events of every payload size in the dropped part: a comparison, facts as a list.
      t.operands(7, 8);
      t.leaf1(1, false, 7);
      t.leafN(1, true, Array.from({ length: 20 }, (_, i) => i));
      throw new Error("division by zero");
    } catch {
      t.unwind(mark);
    }
    t.exit(false);
    // ok(d) was forgotten with the dropped part: it is traced afresh (no node to reuse).
    expect(t.again1(2, d)).toBe(false);
    t.enter(3);
    t.exit(ok(t, d));
    const rules = t.finish(manifest, []).rules;
    expect(rules[0].condition.children.map((c) => c.text)).toEqual(["n >= 3"]);
    // What follows the dropped part is read from the right place in the recording.
    expect([rules[0].condition.value, rules[0].condition.children[0].operands]).toEqual([false, [1, 3]]);
    expect(rules[1].condition.children.map((c) => [c.text, c.value])).toEqual([["ok(d) = d.good", true]]);
  });

  it("records sites with no traced parts as one event, facts one by one or as a list, and definitions of many arguments", () => {
    const many = Array.from({ length: 16 }, (_, i) => `installation.f${i}`);
    const wide: TraceSite[] = [
      ...sites,
      { kind: "condition", text: "all sixteen", at: "x.md:4:1", facts: many },
      { kind: "condition", text: "four", at: "x.md:5:1", facts: many.slice(0, 4) },
      { kind: "definition", name: "pair", text: "pair(a, b, c, d, e) = a", at: "x.md:6:1", facts: ["a"] },
    ];
    const t = new Tracer(wide);
    const values = many.map((_, i) => i);
    const args = [1, 2, 3, 4, 5] as const;
    const pair = (): number => {
      if (t.againN(6, args)) return t.value as number;
      return t.rememberN(args, t.leaf1(6, 1, 1));
    };
    t.enter(0);
    t.leafN(4, true, values);
    t.leafN(5, true, values.slice(0, 4));
    t.operands(2, 3);
    t.leaf1(1, 2 < 3, 2);
    t.exit(pair() === pair());
    const rules = t.finish(manifest, []).rules;
    const [sixteen, four, compared, first, second] = rules[0].condition.children;
    expect(sixteen.facts).toEqual(many.map((path, i) => ({ path, value: i })));
    expect(sixteen.children).toEqual([]);
    expect(four.facts.map((f) => f.value)).toEqual([0, 1, 2, 3]);
    expect([compared.text, compared.value, compared.operands, compared.facts]).toEqual(["n >= 3", true, [2, 3], [{ path: "installation.n", value: 2 }]]);
    // A definition recorded as one event is reused where it is read again, with other arguments not.
    expect(second).toBe(first);
    expect([first.kind, first.name, first.value]).toEqual(["definition", "pair", 1]);
    expect(t.againN(6, [1, 2, 3, 4, 6])).toBe(false);
  });

  it("keeps each trace its own when the next evaluations reuse the recording's list and the definitions' memo", () => {
    const d = { id: "D1", type: "ESME", good: true };
    /** One evaluation: rule 1 reads ok(d) twice (the second a reused node), rule 2 a comparison of n. */
    const evaluate = (t: Tracer, n: number): Tracer => {
      t.enter(0);
      ok(t, d);
      t.exit(ok(t, d));
      t.enter(1);
      t.operands(n, 3);
      t.exit1((t.l as number) >= (t.r as number), n);
      return t;
    };
    // Finished, its tree not built yet while later evaluations record.
    const first = evaluate(new Tracer(sites), 5).finish(manifest, []);
    // One made while another is still recording: a definition the other traced is traced again, not taken from it.
    const outer = new Tracer(sites);
    outer.enter(0);
    ok(outer, d);
    const inner = evaluate(new Tracer(sites), 1);
    expect(inner.again1(2, d)).toBe(true);
    expect(outer.again1(2, d)).toBe(false);
    outer.exit(ok(outer, d));
    outer.enter(1);
    outer.operands(5, 3);
    outer.exit1(true, 5);
    const innerTrace = inner.finish(manifest, []);
    // Finished twice: it keeps its recording, and the next evaluation records elsewhere.
    const twice = evaluate(new Tracer(sites), 2);
    twice.finish(manifest, []);
    const twiceTrace = twice.finish(manifest, []);
    evaluate(new Tracer(sites), 9).finish(manifest, []);

    const expected = JSON.stringify(evaluate(new Tracer(sites), 5).finish(manifest, []));
    expect(JSON.stringify(first)).toBe(expected);
    expect(JSON.stringify(outer.finish(manifest, []))).toBe(expected);
    expect(first.rules[0].condition.children[1]).toBe(first.rules[0].condition.children[0]);
    expect(innerTrace.rules.map((r) => [r.condition.value, r.condition.children.length])).toEqual([
      [true, 2],
      [false, 0],
    ]);
    expect(twiceTrace.rules[1].condition.facts).toEqual([{ path: "installation.n", value: 2 }]);
  });

  it("finds a definition read again far into a long recording (its position in a slot of its own)", () => {
    const t = new Tracer(sites);
    const d = { id: "D1", type: "ESME", good: true };
    t.enter(0);
    // A million small integers shifted above the site bits no longer fit: read again past them, the definition's position is stored apart.
    for (let i = 0; i < 1 << 20; i++) t.leaf(1, true);
    expect(ok(t, d)).toBe(true);
    expect(ok(t, d)).toBe(true);
    t.exit(true);
    const [rule] = t.finish(manifest, ["first"]).rules;
    const children = rule.condition.children;
    expect(children.length).toBe((1 << 20) + 2);
    const [first, again] = children.slice(-2);
    expect(first.name).toBe("ok");
    expect(again).toBe(first);
  });

  it("enterOnce…: again… then enter in one call, the same trace", () => {
    /** `ok(d)` as the pass entered-once generates it. */
    const once = (t: Tracer, d: { good: boolean }): boolean => {
      const entered = t.enterOnce1(2, d);
      if (entered < 0) return t.value as boolean;
      return t.remember1(d, t.exit1(d.good, d.good), entered);
    };
    const record = (read: (t: Tracer, d: { good: boolean }) => boolean): string => {
      const t = new Tracer(sites, "evaluated");
      const d1 = { id: "D1", type: "ESME", good: true };
      const d2 = { id: "D2", type: "GSME", good: false };
      t.enter(0);
      read(t, d1);
      read(t, d2);
      t.exit(read(t, d1));
      return JSON.stringify(t.finish(manifest, []));
    };
    expect(record(once)).toBe(record(ok));
    const t = new Tracer(sites);
    const d = { good: true };
    t.enter(0);
    const entered = t.enterOnce1(2, d);
    expect(entered).toBe(1);
    t.remember1(d, t.exit1(true, true), entered);
    expect(t.enterOnce1(2, d)).toBe(-1);
    expect(t.value).toBe(true);
    expect(t.enterOnce1(2, { good: true })).toBeGreaterThan(entered);
  });

  it("shows rules to JSON, spreading and structured cloning, and nothing else", () => {
    const t = new Tracer(sites);
    t.enter(1);
    t.operands(4, 3);
    t.exit1(true, 4);
    t.enter(3);
    t.exit(true);
    const trace = t.finish(manifest, ["first"]);
    expect(Object.keys(trace)).toEqual(["rules"]);
    const json = JSON.parse(JSON.stringify(trace)) as { rules: { condition: { text: string } }[] };
    expect(Object.keys(json)).toEqual(["rules"]);
    expect(json.rules[0].condition.text).toBe("n >= 3");
    expect({ ...trace }.rules).toBe(trace.rules);
    expect(JSON.stringify(structuredClone(trace))).toBe(JSON.stringify(trace));
    // An accessor of the trace itself, listed by JSON and spreading (not one of its prototype).
    const rules = Object.getOwnPropertyDescriptor(trace, "rules")!;
    expect([typeof rules.get, rules.enumerable, "value" in rules]).toEqual(["function", true, false]);
  });
});
