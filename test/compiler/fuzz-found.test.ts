/**
 * Rule documents the fuzzer (npm run fuzz, generated documents of seed 424242) found to give a
 * build that does not compile, or a version that cannot load (issue 9). Each is compiled in memory;
 * its generated code is type-checked with the runtime (what `tmad build` does before it writes),
 * loaded and run, plainly and traced; a document that is wrong gets a coded error instead.
 */
import { describe, expect, it } from "vitest";
import type { GeneratedFile } from "../../src/compiler/generate/index.js";
import { loadGenerated } from "../../src/compiler/load.js";
import { compileToRun, type CompiledVersion } from "../../src/compiler/pipeline.js";
import type { VersionModule } from "../../src/runtime/index.js";
import { TypeCheckBatch } from "../helpers/typecheck-batch.js";

const HEADER = ["---", "document: DEMO", 'version: "1.0"', "status: draft", "published: 2022-01-01", 'source: "x"', 'paraphrase: "x"', "---", ""].join("\n");

/**
 * The generated code unformatted: TypeScript's formatter changes only its layout (generate/render.ts),
 * neither what TypeScript finds in it nor what it does, and was most of the cost of each compile here.
 */
function compile(blocks: string): CompiledVersion {
  return compileToRun({ id: "found", dir: "found", files: [{ path: "found/index.md", text: `${HEADER}## 1.1 Clause\n\nText.\n\n\`\`\`tmad\n${blocks}\n\`\`\`\n` }] });
}

function model(opts: { record?: string; fields?: string } = {}): string {
  const record = opts.record ?? "Site";
  return `record ${record}\n  id: text\n  n: integer\n  ns: list of integer\n  at: list of datetime\n${opts.fields ?? ""}\ninput site: ${record} identified by id\n\nenum Outcome YES NO MAYBE\n\ndecision Result\n  outcome: Outcome\n\ndefault then outcome = NO\n`;
}

type Version = VersionModule<unknown, Record<string, unknown>>;

/** The generated code of every version `build` makes, type-checked together by the last test. */
const typeChecks = new TypeCheckBatch();

/** Compiles and loads; the last test of this file type-checks the generated code with the runtime. */
function build(blocks: string): Version {
  const c = compile(blocks);
  expect(c.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`)).toEqual([]);
  typeChecks.add(expect.getState().currentTestName ?? "?", c.files as GeneratedFile[]);
  return loadGenerated(c.files!);
}

function decide(v: Version, record: Record<string, unknown>): unknown {
  const checked = v.validator.validate(record);
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  const d = v.evaluate(checked.value, null);
  expect(v.evaluateTraced(checked.value, null).decision).toEqual(d);
  return d.result?.["outcome"];
}

const SITE = { id: "1", n: 3, ns: [4, 5], at: ["2022-05-11T09:30:00+01:00", "2022-05-11T09:30Z"] };

describe("comparisons TypeScript sees as between two literals (TS2367 in the build)", () => {
  it("an enum member compared with another, `=` and `!=`", () => {
    const v = build(`${model()}\nrule r when Outcome.YES = Outcome.NO or (site.n > 1 and Outcome.YES != Outcome.NO) then outcome = YES`);
    expect(decide(v, SITE)).toBe("YES");
  });

  it("numbers, dates and `if`s of literals", () => {
    const v = build(`${model()}\nrule r when 0.5 = 1 or 2022-01-01 = 2022-01-02 or (if site.n > 1 then Outcome.YES else Outcome.MAYBE) = Outcome.NO or (true and false) = true then outcome = YES`);
    expect(decide(v, SITE)).toBe("NO");
  });

  it("a literal tested against literal members: `M3 not in {M4, M1}`, and a set of `if`s", () => {
    const v = build(`${model()}\nrule r when Outcome.YES not in {NO, MAYBE} and Outcome.YES in {(if site.n > 1 then YES else MAYBE), NO} then outcome = YES`);
    expect(decide(v, SITE)).toBe("YES");
    expect(decide(v, { ...SITE, n: 0 })).toBe("NO");
  });
});

describe("sets", () => {
  it("a member written twice (`x not in {M0, M4, M4}`: the second `x === \"M4\"` did not compile)", () => {
    const v = build(`${model({ fields: "  kind: Outcome\n" })}\nrule r when site.kind not in {NO, MAYBE, MAYBE} and site.kind in {YES, YES} then outcome = YES`);
    expect(decide(v, { ...SITE, kind: "YES" })).toBe("YES");
    expect(decide(v, { ...SITE, kind: "MAYBE" })).toBe("NO");
  });
});

describe("parameters, whose values are computed when the module loads", () => {
  it("a membership test hoisted into a set is declared before the parameter that uses it", () => {
    const v = build(`${model()}\nparameter p: boolean = (if true then Outcome.YES else Outcome.NO) in {YES, MAYBE}\nrule r when p and site.n > 1 then outcome = YES`);
    expect(decide(v, SITE)).toBe("YES");
  });

  it("an aggregate over a list parameter takes no input (it named one that is not in scope)", () => {
    const v = build(`${model()}\nparameter xs: list of integer = [1, 2, 3]\nparameter total: integer = sum v for v in xs\nparameter first: date = (min (2022-05-11) for v in xs) otherwise 9999-12-31\nrule r when site.n < total and first = 2022-05-11 then outcome = YES`);
    expect(decide(v, SITE)).toBe("YES");
  });

  it("dividing by zero is a coded error, not a version that throws as it loads", () => {
    for (const [value, ok] of [
      ["1 / 0", false],
      ["6 / (3 - 3)", false],
      ["6 / (if true then 2 else 3)", false],
      ["6 / two", true],
      ["6 / (two * 2)", true],
    ] as const) {
      const c = compile(`${model()}\nparameter two: integer = 2\nparameter p: decimal = ${value}\nrule r when site.n >= p then outcome = YES`);
      const codes = c.diagnostics.filter((d) => d.severity === "error").map((d) => d.code);
      expect(codes, value).toEqual(ok ? [] : ["TMAD4015"]);
      if (ok) expect(decide(loadGenerated(c.files!), SITE)).toBe("YES");
    }
  });

  it("a decision field's default that divides by zero is a coded error", () => {
    const c = compile(`${model()}`.replace("  outcome: Outcome\n", "  outcome: Outcome\n  share: decimal = 1 / 0\n"));
    expect(c.diagnostics.filter((d) => d.severity === "error").map((d) => d.code)).toEqual(["TMAD4015"]);
  });
});

describe("min and max", () => {
  it("over a filter that is the constant `false` (TypeScript saw `best` as never set)", () => {
    const v = build(`${model()}\ndefinition lo: integer = (min v for v in site.ns where false) otherwise 7\ndefinition late: datetime = (max v for v in site.at where false) otherwise 2022-01-01T00:00Z\nrule r when lo = 7 and late = 2022-01-01T00:00Z then outcome = YES`);
    expect(decide(v, SITE)).toBe("YES");
  });

  it("over a real filter still finds the least and the greatest", () => {
    const v = build(`${model()}\ndefinition lo: integer = (min v for v in site.ns where v > 4) otherwise 0\ndefinition late: datetime = (max v for v in site.at) otherwise 2000-01-01T00:00Z\nrule r when lo = 5 and late = 2022-05-11T09:30Z then outcome = YES`);
    expect(decide(v, SITE)).toBe("YES");
  });
});

describe("a record named like a property every object inherits", () => {
  for (const name of ["hasOwnProperty", "toString", "valueOf", "constructor"]) {
    it(`\`${name}\`: its schema entry compiles`, () => {
      const v = build(model({ record: name }) + "\nrule r when site.n > 1 then outcome = YES");
      expect(decide(v, SITE)).toBe("YES");
    });
  }
});

describe("a required field named like a property every object inherits", () => {
  it("is read as its own type (`valueOf: boolean` read as `boolean | null`, a list `hasOwnProperty` as possibly null)", () => {
    const v = build(`${model({ fields: "  valueOf: boolean\n  hasOwnProperty: list of integer\n  toString: optional integer\n" })}\nrule r when site.valueOf and (some h in site.hasOwnProperty satisfies h > 1) and site.toString is absent then outcome = YES`);
    expect(decide(v, { ...SITE, valueOf: true, hasOwnProperty: [2] })).toBe("YES");
    expect(decide(v, { ...SITE, valueOf: true, hasOwnProperty: [2], toString: 1 })).toBe("NO");
    expect(decide(v, { ...SITE, valueOf: false, hasOwnProperty: [2] })).toBe("NO");
    // Required means present on the record itself: the inherited `valueOf` does not count.
    expect(v.validator.validate({ ...SITE, hasOwnProperty: [2] }).ok).toBe(false);
  });
});

describe("contradictory or repeated comparisons of one value (TypeScript narrowed it: TS2367 in the build)", () => {
  const fields = "  kind: Outcome\n  flag: boolean\n  note: optional Outcome\n";
  const cases: [string, Record<string, unknown>, string][] = [
    ["site.kind != YES and site.kind = YES", { kind: "YES" }, "NO"],
    ["site.kind = YES or site.kind = YES", { kind: "YES" }, "YES"],
    ["site.kind = YES and site.kind = NO", { kind: "YES" }, "NO"],
    ["site.kind != YES and site.kind in {YES, NO}", { kind: "NO" }, "YES"],
    ["site.kind in {YES} and site.kind in {NO, MAYBE}", { kind: "YES" }, "NO"],
    ["site.kind not in {YES, NO} and site.kind = MAYBE", { kind: "MAYBE" }, "YES"],
    ["site.n = 1 and site.n = 2", { n: 1 }, "NO"],
    ["site.n != 3 or site.n = 3", { n: 3 }, "YES"],
    ['site.id = "a" and site.id = "b"', { id: "a" }, "NO"],
    ["site.flag and site.flag = false", { flag: true }, "NO"],
    ["site.flag = true and site.flag = false", { flag: true }, "NO"],
    ["not site.flag and site.flag = true", { flag: false }, "NO"],
    ["(if site.kind = YES then site.kind = YES else site.kind = NO)", { kind: "NO" }, "YES"],
    ["site.note is present and site.note = YES and site.note != YES", { note: "YES" }, "NO"],
    ["site.note is present and site.note is absent", { note: "YES" }, "NO"],
    ["(count v in site.ns) = 2 and (count v in site.ns) = 3", { ns: [1, 2] }, "NO"],
    ["some v in site.ns satisfies (v = 4 and v = 5)", { ns: [4, 5] }, "NO"],
    ["some v in site.ns satisfies (v != 4 and v = 4 or v = 5)", { ns: [4, 5] }, "YES"],
  ];
  for (const [condition, fieldsOf, expected] of cases) {
    it(`\`${condition}\` compiles and decides ${expected}`, () => {
      const v = build(`${model({ fields })}\nrule r when ${condition} then outcome = YES`);
      expect(decide(v, { ...SITE, kind: "NO", flag: false, ...fieldsOf })).toBe(expected);
    });
  }

  it("two rules that test the same value the opposite ways compile", () => {
    const v = build(`${model({ fields })}\nrule r when site.kind = YES and site.flag then outcome = YES\nrule s when site.kind != YES and site.kind = NO and not site.flag then outcome = MAYBE`);
    expect(decide(v, { ...SITE, kind: "NO", flag: false })).toBe("MAYBE");
    expect(decide(v, { ...SITE, kind: "YES", flag: true })).toBe("YES");
  });
});

describe("a decision field named like a property every object inherits (fuzz seed 7777, document 86)", () => {
  it("`valueOf: Outcome` set to a constant by a rule: the frozen result keeps the member's type", () => {
    const v = build(`${model()}`.replace("decision Result\n  outcome: Outcome\n", "decision Result\n  outcome: Outcome\n  valueOf: Outcome\n").replace("default then outcome = NO", "default then outcome = NO, valueOf = MAYBE") + "\nrule r when site.n > 1 then outcome = YES, valueOf = YES");
    expect(decide(v, SITE)).toBe("YES");
  });
});

describe("an input identified by a field named like a property every object inherits (fuzz seed 7777, document 472)", () => {
  it("`identified by hasOwnProperty`: the decision's id is the field's text", () => {
    const v = build(model({ fields: "  hasOwnProperty: text\n" }).replace("identified by id", "identified by hasOwnProperty") + "\nrule r when site.n > 1 then outcome = YES");
    const checked = v.validator.validate({ ...SITE, hasOwnProperty: "K-1" });
    if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
    expect(v.evaluate(checked.value, null).installationId).toBe("K-1");
  });
});

describe("text ending in a backslash, and a traced `and` whose first part is always true (fuzz seed 932366588)", () => {
  it("`\"label\\\\\"` then `\"x/*\"` in one condition: the printer took the closing quote for an escaped one and wrote a stray `*/` (documents 2406, 10394)", () => {
    const v = build(`${model()}\nrule r when site.id = "label\\\\" or site.id = "x/*" then outcome = YES`);
    expect(decide(v, { ...SITE, id: "label\\" })).toBe("YES");
    expect(decide(v, { ...SITE, id: "x/*" })).toBe("YES");
    expect(decide(v, SITE)).toBe("NO");
  });

  it("`(a and false) or not false` as the first part: its value was typed `true`, so a later part could not be assigned (document 282)", () => {
    const v = build(`${model()}\nrule r when ((site.n > 5 and false) or (not false)) and site.n > 1 then outcome = YES`);
    expect(decide(v, SITE)).toBe("YES");
    expect(decide(v, { ...SITE, n: 0 })).toBe("NO");
  });
});

describe("more of seed 933108314", () => {
  it("`a < (if b > (c - 2) then …)`: TypeScript read `<(` as type arguments of a call (document 20692)", () => {
    const v = build(`${model()}\nrule r when site.n < (if site.n > (site.n - 2) then 5 else 0) then outcome = YES`);
    expect(decide(v, SITE)).toBe("YES");
    expect(decide(v, { ...SITE, n: 7 })).toBe("NO");
  });

  it("`x otherwise D` compared where `x` is known absent was typed as D's literal (TS2367, document 26883)", () => {
    const v = build(`${model({ fields: "  on: optional date\n" })}\nrule r when (if site.on is present then false else (site.on otherwise 2022-05-11) = 2022-06-30) or (site.on otherwise 2022-05-11) = 2022-05-11 then outcome = YES`);
    expect(decide(v, SITE)).toBe("YES");
    expect(decide(v, { ...SITE, on: "2022-06-30" })).toBe("NO");
  });
});

describe("seed 936525187", () => {
  it("`x otherwise D` ordered against a date where `x` is known both present and absent: `string >= never` (document 3411)", () => {
    const v = build(`${model({ fields: "  on: optional date\n" })}\nrule r when (site.on is present and site.on is absent and 0099-12-31 >= (site.on otherwise 2022-06-30)) or (site.on otherwise 2022-05-11) < 2022-06-01 then outcome = YES`);
    expect(decide(v, SITE)).toBe("YES");
    expect(decide(v, { ...SITE, on: "2022-06-30" })).toBe("NO");
  });

  it("the same with a field asserted present (`x!`) and with numbers", () => {
    const v = build(`${model({ fields: "  on: optional date\n  k: optional integer\n" })}\nrule r when (site.on is present and site.on is absent and site.on < 2022-06-30) or (site.k is present and site.k is absent and ((site.k otherwise 3) + 1 > 2 or site.k >= 1)) or site.n > 2 then outcome = YES`);
    expect(decide(v, SITE)).toBe("YES");
    expect(decide(v, { ...SITE, n: 0, on: "2022-01-01", k: 5 })).toBe("NO");
  });
});

describe("the generated code of every version built above", () => {
  it("type-checks with the runtime (one program for all of them)", () => {
    expect(typeChecks.size).toBeGreaterThan(0);
    expect(typeChecks.check()).toEqual([]);
  });
});
