/**
 * src/compiler/timeline: what the compiler reads about time from a version's rules — `dated by`
 * declarations, and the waiting rules with the regimes they wait on (thresholds found through
 * definitions, arguments and parameters; the entries counted; the elements looked at) — on a
 * small document of its own, and on the corpus.
 */
import { describe, expect, it } from "vitest";
import { compileVersion } from "../../src/compiler/pipeline.js";
import { timelineOf } from "../../src/compiler/timeline/index.js";
import { checkedDir } from "../helpers/diff.js";

const FRONT = `---
document: DEMO
version: "1.0"
status: draft
published: 2022-01-01
source: "test"
paraphrase: "Example text, not a real clause."
---
## 1.1 Example clause

The clause text.
`;

function timeline(rules: string) {
  const compiled = compileVersion({ id: "demo", dir: "demo", files: [{ path: "demo/index.md", text: `${FRONT}\n\`\`\`tmad\n${rules}\n\`\`\`\n` }] });
  expect(compiled.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return timelineOf(compiled.checked!);
}

const MODEL = `
enum Result OK BAD LOST
enum Kind PUMP VALVE
enum Outcome WAIT GO STOP

record Try dated by at
  at: datetime
  result: Result

record Part
  id: text
  kind: Kind
  live: boolean
  tries: list of Try

record Site
  id: text
  status: Result dated by since otherwise before
  since: optional date
  before: optional Result
  fixed: boolean dated by fixedOn otherwise false
  fixedOn: optional date
  note: optional text dated by notedOn
  notedOn: optional date
  parts: list of Part

input site: Site identified by id

decision D
  outcome: Outcome

parameter perRound: integer = 5
parameter rounds: integer = 2
parameter needed: integer = perRound * rounds

definition bad(t: Try): boolean = t.result in {BAD, LOST}
definition dayNo(x: datetime): integer = days between 2000-01-01T00:00:00Z and x
definition spread(ts: list of Try): integer =
  dayNo((max t.at for t in ts where bad(t)) otherwise 2000-01-01T00:00:00Z) - dayNo((min t.at for t in ts where bad(t)) otherwise 2000-01-01T00:00:00Z)
definition worn(ts: list of Try, n: integer, gap: integer): boolean =
  (count t in ts where bad(t)) >= n and spread(ts) > gap
definition pumps: list of Part = collect p for p in site.parts where p.kind = PUMP and p.live
`;

describe("timelineOf", () => {
  it("gives the dated records and fields as declared", () => {
    const t = timeline(`${MODEL}
default then outcome = GO`)!;
    expect(t.records).toEqual({ Try: { field: "at", type: "datetime" } });
    expect(t.fields.Site).toEqual([
      { field: "status", by: { field: "since", type: "date" }, before: { field: "before" } },
      { field: "fixed", by: { field: "fixedOn", type: "date" }, before: { value: false } },
      { field: "note", by: { field: "notedOn", type: "date" }, before: { absent: true } },
    ]);
    expect(t.waits).toEqual({});
  });

  it("finds a waiting rule's regimes through definitions, arguments and parameters", () => {
    const t = timeline(`${MODEL}
rule wait
  when some p in pumps satisfies not worn(p.tries, needed, 7)
  then outcome = WAIT

rule stop
  when some p in pumps satisfies worn(p.tries, needed, 7)
  then outcome = STOP
  unless wait

default then outcome = GO`)!;
    // \`stop\` holds more as thresholds are reached: it does not wait. \`wait\` does.
    expect(Object.keys(t.waits)).toEqual(["wait"]);
    const [regime] = t.waits.wait;
    expect(regime).toMatchObject({
      list: ["parts", "*", "tries"],
      where: [{ step: 1, match: [{ kind: "PUMP", live: true }] }],
      record: "Try",
      dating: { field: "at", type: "datetime" },
      counted: [{ result: "BAD" }, { result: "LOST" }],
      count: 10,
      // \`spread > 7\` is reached at 8.
      days: 8,
      next: { result: "BAD" },
      name: "worn",
    });
    expect(regime.at).toMatch(/^demo\/index\.md:\d+:\d+$/);
  });

  it("leaves out existence tests and thresholds it cannot read", () => {
    const t = timeline(`${MODEL}
definition anyTry(p: Part): boolean = (count t in p.tries) > 0
definition manyFor(p: Part, n: integer): boolean = (count t in p.tries where t.at > 2022-01-01T00:00:00Z) >= n
rule wait
  when some p in pumps satisfies not anyTry(p) or not manyFor(p, 3)
  then outcome = WAIT
default then outcome = GO`);
    // \`> 0\` is not a regime, and a count whose filter reads a date says nothing about entries to come.
    expect(t!.waits).toEqual({});
  });

  it("is absent when nothing is dated", () => {
    const compiled = compileVersion({ id: "demo", dir: "demo", files: [{ path: "demo/index.md", text: `${FRONT}\n\`\`\`tmad\nrecord S\n  id: text\ninput s: S identified by id\nenum O A\ndecision D\n  o: O\ndefault then o = A\n\`\`\`\n` }] });
    expect(timelineOf(compiled.checked!)).toBeUndefined();
  });

  it("on the corpus: 4.26's rule waits on the firmware, configuration and confirmation regimes of the dormant meters", () => {
    for (const dir of ["rules/tmad-19.0", "rules/tmad-20.v1", "rules/tmad-20.v2"]) {
      const t = timelineOf(checkedDir(dir))!;
      expect(Object.keys(t.waits), dir).toEqual(["await_dormant_meter_preparation"]);
      const regimes = t.waits.await_dormant_meter_preparation.map((r) => [r.list.join("."), r.count, r.days, r.name]);
      expect(regimes).toEqual([
        ["devices.*.firmwareAttempts", 108, 18, "regimeExhausted"],
        ["devices.*.confirmationAttempts", 30, 30, "regimeExhausted"],
        ["devices.*.configurationAttempts", 69, 9, "regimeExhausted"],
      ]);
      for (const r of t.waits.await_dormant_meter_preparation) {
        expect(r.where).toEqual([{ step: 1, match: [{ dormant: true, type: "ESME" }, { dormant: true, type: "GSME" }] }]);
        expect(r.counted).toEqual([{ outcome: "FAILED" }, { outcome: "TIMED_OUT" }]);
        expect(r.next).toEqual({ outcome: "FAILED" });
      }
      expect(Object.keys(t.records).sort()).toEqual(["Attempt", "DataIssue", "SharedMeterPoint"]);
    }
  });
});

describe("dated by in the checker", () => {
  const check = (rules: string) =>
    compileVersion({ id: "demo", dir: "demo", files: [{ path: "demo/index.md", text: `${FRONT}\n\`\`\`tmad\n${rules}\ninput s: S identified by id\nenum O A\ndecision D\n  o: O\ndefault then o = A\n\`\`\`\n` }] }).diagnostics.map((d) => `${d.code} ${d.message}`);

  it("accepts a date or date-time field, a literal or a sibling field before", () => {
    expect(check("record S\n  id: text\n  ok: boolean dated by on otherwise false\n  on: optional date")).toEqual([]);
  });

  it("rejects a dating field of another type, a missing one, a required field without an earlier value, a field dated by itself", () => {
    expect(check("record S dated by id\n  id: text")).toEqual([expect.stringMatching(/^TMAD3017 `S.id` is text: a S can only be dated by a date or date-time/)]);
    expect(check("record S dated by when\n  id: text\n  whem: date")).toEqual([expect.stringMatching(/^TMAD3002 record S has no field `when`/)]);
    expect(check("record S\n  id: text\n  ok: boolean dated by on\n  on: optional date")).toEqual([expect.stringMatching(/^TMAD3017 `S.ok` is required/)]);
    expect(check("record S\n  id: text\n  on: date dated by on otherwise 2020-01-01")).toEqual([expect.stringMatching(/^TMAD3017 `S.on` cannot be dated by itself/)]);
    expect(check("record S\n  id: text\n  ok: boolean dated by on otherwise 1 + 1\n  on: optional date")).toEqual([expect.stringMatching(/^TMAD3017 the value before `S.ok`'s date must be a literal or another field/)]);
    expect(check("record S\n  id: text\n  ok: boolean dated by on otherwise 3\n  on: optional date")).toEqual([expect.stringMatching(/^TMAD4001 /)]);
  });
});
