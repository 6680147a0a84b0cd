/**
 * Rule documents that used to crash the compiler or give a build that exits 0 but does not compile
 * (issue 9): names that collide in generated code, optional fields named like Object.prototype's
 * properties, deep nesting, author patterns that backtrack exponentially. Each document is compiled
 * in memory; when it compiles, its generated code is type-checked with the runtime and loaded.
 */
import { describe, expect, it } from "vitest";
import { withoutFormatting, type GeneratedFile } from "../../src/compiler/generate/index.js";
import { MAX_SET_RULES } from "../../src/compiler/generate/settle.js";
import { loadGenerated } from "../../src/compiler/load.js";
import { compileVersion, type CompiledVersion } from "../../src/compiler/pipeline.js";
import { typeCheckGenerated } from "../../src/compiler/typecheck.js";
import type { VersionModule } from "../../src/runtime/index.js";
import { TypeCheckBatch } from "../helpers/typecheck-batch.js";

const HEADER = ["---", "document: DEMO", 'version: "1.0"', "status: draft", "published: 2022-01-01", 'source: "x"', 'paraphrase: "x"', "---", ""].join("\n");

function compile(blocks: string): CompiledVersion {
  return compileVersion({ id: "hostile", dir: "hostile", files: [{ path: "hostile/index.md", text: `${HEADER}## 1.1 Clause\n\nText.\n\n\`\`\`tmad\n${blocks}\n\`\`\`\n` }] });
}

/** A small version whose record and decision are named by the caller. */
function model(opts: { record?: string; input?: string; fields?: string; outcome?: string } = {}): string {
  const record = opts.record ?? "Site";
  const input = opts.input ?? "site";
  const outcome = opts.outcome ?? "Outcome";
  return `record ${record}\n  id: text\n  n: integer\n${opts.fields ?? ""}\ninput ${input}: ${record} identified by id\n\nenum ${outcome} YES NO\n\ndecision Result\n  outcome: ${outcome}\n\ndefault then outcome = NO\n`;
}

/** The generated code of every version `build` makes, type-checked together by the last test. */
const typeChecks = new TypeCheckBatch();
/** The label of the version broken on purpose, and whether a test added it to typeChecks. */
const BROKEN = "broken on purpose";
let brokenAdded = false;

/**
 * Compiles and loads; the generated code is type-checked with the runtime (what `tmad build` does
 * before it writes) by the last test of this file, with every other version built here, in one
 * program. `typeCheck: false` for the very large outputs, whose type-check takes seconds (tmad
 * build still does it). The code is generated unformatted, as for `tmad check`: it is only run and
 * type-checked here, and TypeScript's formatter changes whitespace only (formatted output is what
 * the generator's golden tests and `tmad build --check` of the corpus compare); formatting the
 * 900-term rule and the 300 rules took more CPU than compiling them.
 */
function build(blocks: string, typeCheck = true): VersionModule<unknown, Record<string, unknown>> {
  const c = withoutFormatting(() => compile(blocks));
  expect(c.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`)).toEqual([]);
  if (typeCheck) typeChecks.add(expect.getState().currentTestName ?? "?", c.files as GeneratedFile[]);
  return loadGenerated(c.files!);
}

function decide(v: VersionModule<unknown, Record<string, unknown>>, record: Record<string, unknown>): unknown {
  const checked = v.validator.validate(record);
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  const d = v.evaluate(checked.value, null);
  expect(v.evaluateTraced(checked.value, null).decision).toEqual(d);
  return d.result?.["outcome"];
}

describe("names that collide in generated code", () => {
  it("definitions `a` and `a_ok` (the memo flag of `a` was `m_a_ok`, the memo of `a_ok` too)", () => {
    const v = build(`${model()}\ndefinition a: boolean = site.n > 1\ndefinition a_ok: boolean = site.n > 5\nrule r when a and not a_ok then outcome = YES`);
    expect(decide(v, { id: "1", n: 3 })).toBe("YES");
    expect(decide(v, { id: "1", n: 9 })).toBe("NO");
  });

  it("definitions `a` and `a_traced` (the traced variant of `a` was `d_a_traced`)", () => {
    const v = build(`${model()}\ndefinition a(x: integer): boolean = x > 1\ndefinition a_traced: boolean = site.n > 5\nrule r when a(site.n) and not a_traced then outcome = YES`);
    expect(decide(v, { id: "1", n: 3 })).toBe("YES");
    expect(decide(v, { id: "1", n: 9 })).toBe("NO");
  });

  it("a definition's parameter named like the input (both were `v_site`)", () => {
    const v = build(`${model()}\ndefinition big(site: integer): boolean = site > 1\nrule r when big(site.n) then outcome = YES`);
    expect(decide(v, { id: "1", n: 3 })).toBe("YES");
    expect(decide(v, { id: "1", n: 1 })).toBe("NO");
  });

  it("a rule whose id ends like a generated suffix, and a parameter named like the input variable", () => {
    const v = build(`${model({ input: "v_site" })}\nparameter v_site_n: integer = 2\nrule r when v_site.n > v_site_n then outcome = YES\nrule r_applies when v_site.n < 0 then outcome = YES`);
    expect(decide(v, { id: "1", n: 3 })).toBe("YES");
  });

  for (const name of ["class", "this", "string", "rt", "manifest", "model", "Set", "Readonly"]) {
    it(`a type named \`${name}\``, () => {
      const v = build(model({ record: name }));
      expect(decide(v, { id: "1", n: 3 })).toBe("NO");
      const e = build(model({ outcome: name }).replace("default then", `rule r when site.n > 1 then outcome = YES\ndefault then`));
      expect(decide(e, { id: "1", n: 3 })).toBe("YES");
    });
  }
});

describe("optional fields named like Object.prototype's properties", () => {
  for (const field of ["toString", "valueOf", "hasOwnProperty"]) {
    it(`an absent optional \`${field}\` is absent`, () => {
      const v = build(`${model({ fields: `  ${field}: optional text\n` })}\nrule r when site.${field} is present then outcome = YES`);
      expect(decide(v, { id: "1", n: 1 })).toBe("NO");
      expect(decide(v, { id: "1", n: 1, [field]: "x" })).toBe("YES");
      const traced = v.evaluateTraced(v.validator.validate({ id: "1", n: 1 }).ok ? { id: "1", n: 1 } : undefined, null);
      expect(JSON.stringify(traced.trace)).not.toContain("function");
    });
  }
});

describe("deep nesting never exhausts the stack", { timeout: 180_000 }, () => {
  it("137 parentheses: a coded error at the place, no crash", () => {
    const c = compile(`${model()}\nrule deep when ${"(".repeat(137)}site.n > 1${")".repeat(137)} then outcome = YES`);
    expect(c.diagnostics.map((d) => d.code)).toContain("TMAD2005");
    expect(c.diagnostics.map((d) => d.code)).not.toContain("TMAD3007");
  });

  it("415 `not`s: a coded error, and a rule that names the deep one is not told it is unknown", () => {
    const c = compile(`${model()}\nrule deep when ${"not ".repeat(415)}site.n > 1 then outcome = YES\nrule other when site.n > 5 then outcome = YES unless deep`);
    const codes = c.diagnostics.map((d) => d.code);
    expect(codes).toContain("TMAD2005");
    expect(codes).not.toContain("TMAD3007");
  });

  it("64 levels of parentheses compile, load and decide", () => {
    const v = build(`${model()}\nrule deep when ${"(".repeat(64)}site.n > 1${")".repeat(64)} then outcome = YES`);
    expect(decide(v, { id: "1", n: 3 })).toBe("YES");
  });

  it("a 900-term `and` compiles, loads and decides; a 100-term one also type-checks", () => {
    const terms = (n: number): string => Array.from({ length: n }, (_, i) => `site.n != ${i + 10}`).join(" and ");
    const v = build(`${model()}\nrule long when ${terms(900)} then outcome = YES`, false);
    expect(decide(v, { id: "1", n: 3 })).toBe("YES");
    expect(decide(v, { id: "1", n: 500 })).toBe("NO");
    const w = build(`${model()}\nrule long when ${terms(100)} or site.n = 50 then outcome = YES`);
    expect(decide(w, { id: "1", n: 50 })).toBe("YES");
    expect(decide(w, { id: "1", n: 60 })).toBe("NO");
  });

  it("a 900-term sum is a coded error (other chains than `and`/`or` nest one level per operator)", () => {
    const c = compile(`${model()}\nrule long when ${Array.from({ length: 900 }, () => "1").join(" + ")} > site.n then outcome = YES`);
    expect(c.diagnostics.map((d) => d.code)).toContain("TMAD2005");
  });

  it("2,000 rules compile, load and decide (and 100 also type-check)", () => {
    const rules = (n: number): string => Array.from({ length: n }, (_, i) => `rule r${i} when site.n = ${i} or site.n = ${i + 1} then outcome = YES${i % 2 === 0 ? ` unless r${i + 1}` : ""}`).join("\n");
    const v = build(`${model()}\n${rules(2000)}`, false);
    expect(decide(v, { id: "1", n: 1999 })).toBe("YES");
    expect(decide(v, { id: "1", n: 5000 })).toBe("NO");
    // 3 applies r2 and r3 (r2 gives way), 4 applies r3 and r4 (no precedence between them).
    const checked = v.validator.validate({ id: "1", n: 4 });
    expect(checked.ok && v.evaluate(checked.value, null).status).toBe("conflict");
    // Type-checked: 100 rules, like 300 or 2,000, take the literal translation (more than
    // MAX_SET_RULES: the rules in a table, settled by one loop), code the same but for its length;
    // the type-check of 300 cost 3-4 CPU-seconds, most of this file's.
    expect(MAX_SET_RULES).toBeLessThan(100);
    const w = build(`${model()}\n${rules(100)}`);
    expect(w.manifest.rules.length).toBe(100);
    expect(decide(w, { id: "1", n: 3 })).toBe("YES");
    expect(decide(w, { id: "1", n: 99 })).toBe("YES");
    expect(decide(w, { id: "1", n: 101 })).toBe("NO");
  });
});

describe("author patterns", () => {
  it("a nested quantifier is rejected at check time with a code", () => {
    for (const pattern of ["^(a+)+$", "(a*)*", "^(a?){25}a{25}$", "^(x|xy)+$"]) {
      const c = compile(`identifier Code pattern ${JSON.stringify(pattern)}\n${model({ fields: "  code: Code\n" })}`);
      expect(c.diagnostics.map((d) => d.code), pattern).toContain("TMAD4014");
    }
  });

  it("the corpus's patterns and other unambiguous ones are accepted", () => {
    for (const pattern of ["^[0-9]{13}$", "^[0-9]{6,10}$", "^[0-9A-F]{2}(-[0-9A-F]{2}){7}$", "^(AA|BA|CA)$", "^(A|B)+$", "^\\d+(\\.\\d+)?$"]) {
      const c = compile(`identifier Code pattern ${JSON.stringify(pattern)}\n${model({ fields: "  code: Code\n" })}`);
      expect(c.diagnostics.map((d) => d.code), pattern).not.toContain("TMAD4014");
    }
  });
});

describe("build type-checks what it writes", () => {
  it("the type-check finds what does not compile in generated code", () => {
    const c = compile(`${model()}\nrule r when site.n > 1 then outcome = YES`);
    const broken = c.files!.map((f) => (f.path.endsWith("rules.ts") ? { ...f, content: f.content.replace('"outcome": "YES"', '"outcome": "MAYBE"') } : f));
    expect(broken).not.toEqual(c.files);
    expect(typeCheckGenerated(broken).join("\n")).toMatch(/^hostile\/rules\.ts:\d+: .*Type '"MAYBE"' is not assignable to type 'Outcome'/);
    // Only the files asked about are reported, the others serve as context.
    expect(typeCheckGenerated(broken, new Set(["hostile/model.ts"]))).toEqual([]);
    // The checks share their library and runtime, not their files: the same paths, unbroken, compile.
    expect(typeCheckGenerated(c.files!)).toEqual([]);
    // Checked together with others, the broken one is still found, and named by the label it was
    // added with; the unbroken ones compile. The last test checks it, in the program it checks every
    // version of this file in (one TypeScript program fewer).
    typeChecks.add("clean", c.files!);
    typeChecks.add(BROKEN, broken);
    typeChecks.add("clean again", c.files!);
    brokenAdded = true;
  });

  it("run from src/ (as under tsx), the type-check reads the runtime's sources and finds the same", async () => {
    // The tests load the compiler from dist/ (vitest.config.ts), where typecheck.ts checks against
    // the runtime's declaration files, as the CLI does; its source checks against src/runtime's .ts.
    const fromSource = "../../src/compiler/typecheck.ts?source";
    const { typeCheckGenerated: checkFromSource } = (await import(/* @vite-ignore */ fromSource)) as { typeCheckGenerated: typeof typeCheckGenerated };
    expect(checkFromSource).not.toBe(typeCheckGenerated);
    const c = compile(`${model()}\nrule r when site.n > 1 then outcome = YES`);
    const broken = c.files!.map((f) => (f.path.endsWith("rules.ts") ? { ...f, content: f.content.replace('"outcome": "YES"', '"outcome": "MAYBE"') } : f));
    expect(checkFromSource(broken).join("\n")).toMatch(/^hostile\/rules\.ts:\d+: .*Type '"MAYBE"' is not assignable to type 'Outcome'/);
    expect(checkFromSource(c.files!)).toEqual([]);
  });
});

describe("the generated code of every version built above", () => {
  it("type-checks with the runtime (one program for all of them)", () => {
    // Names that collide, Object.prototype's names, deep nesting, 100 terms, 100 rules, and the
    // clean, broken and clean again versions of the test above: 26 versions when the whole file runs
    // (fewer when a test is picked with -t). Only the one broken on purpose has errors.
    expect(typeChecks.size).toBeGreaterThan(0);
    const errors = typeChecks.check();
    expect(errors.filter((e) => !e.startsWith(`${BROKEN}: `))).toEqual([]);
    if (brokenAdded) {
      expect(errors.length).toBeGreaterThan(0);
      for (const e of errors) expect(e).toMatch(/^broken on purpose: hostile~\d+\/rules\.ts:\d+: .*Type '"MAYBE"' is not assignable to type 'Outcome'/);
    }
  });
});
