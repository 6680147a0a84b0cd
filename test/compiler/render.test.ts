/**
 * Printing generated modules (generate/render.ts): the text printed without a syntax tree is the one
 * ts-morph's createSourceFile gives for the same structures, and unformatted output is that text
 * under the banner. Unformatted code (what `tmad check`, `tmad diff` and the fuzzer run in memory)
 * must be exactly what a project gave, for every version of the corpus and for generated rule
 * documents of every kind the fuzzer makes. Formatted code (generate/format.ts: TypeScript's
 * formatter through a language service of its own) must be what a project's formatText gave; the
 * corpus's formatted files are held by the goldens and `build --check`.
 */
import { Project, StructureKind, VariableDeclarationKind, type StatementStructures } from "ts-morph";
import { describe, expect, it } from "vitest";
import { generateDocument } from "../../scripts/fuzz/documents.js";
import { ruleVersions } from "../../scripts/fuzz.js";
import { formatModule } from "../../src/compiler/generate/format.js";
import { printStatements, render, throughProject, withoutFormatting } from "../../src/compiler/generate/render.js";
import { generateVersion } from "../../src/compiler/generate/index.js";
import { compileVersion, type VersionSource } from "../../src/compiler/pipeline.js";

const statements: (string | StatementStructures)[] = [
  { kind: StructureKind.ImportDeclaration, moduleSpecifier: "../../src/runtime/index.js", namespaceImport: "rt", isTypeOnly: false },
  { kind: StructureKind.ImportDeclaration, moduleSpecifier: "./model.js", namedImports: ["Decision", { name: "Frame", alias: "F" }], isTypeOnly: true },
  { kind: StructureKind.VariableStatement, isExported: true, declarationKind: VariableDeclarationKind.Const, docs: ["Parameter `x`.\nSecond line."], declarations: [{ name: "p$x", type: "number", initializer: "108" }] },
  "// a plain statement\nlet counter = 0;",
  {
    kind: StructureKind.Function,
    name: "r$a$applies",
    isExported: true,
    parameters: [{ name: "f", type: "Frame" }],
    returnType: "boolean",
    docs: ["Rule `a`: whether it applies."],
    statements: ["if (counter > 1) {\nreturn true;\n}", "return (f.input.region === \"R0\") && !((f.input.cohort as string) === \"MOC\");"],
  },
  { kind: StructureKind.Interface, name: "Shape", isExported: true, properties: [{ name: "id", type: "string" }, { name: "tags", type: "readonly string[]", hasQuestionToken: true }] },
  { kind: StructureKind.TypeAlias, name: "Outcome", isExported: true, type: '"MIGRATE" | "EXCLUDED"' },
  { kind: StructureKind.Class, name: "Frame", properties: [{ name: "d$x", type: "boolean | undefined", initializer: "undefined" }], ctors: [{ parameters: [{ name: "input", type: "unknown", isReadonly: true, scope: undefined }] }] },
  { kind: StructureKind.Enum, name: "Kind", members: [{ name: "A", value: 1 }, { name: "B", value: "b" }] },
];

describe("printing generated modules", () => {
  it("prints the text ts-morph's createSourceFile gives for the same structures", () => {
    const project = new Project({ useInMemoryFileSystem: true });
    const expected = project.createSourceFile("/x/module.ts", { statements }).getFullText();
    expect(printStatements(statements)).toBe(expected);
    expect(expected).toContain("export function r$a$applies(f: Frame): boolean {");
  });

  it("keeps unformatted output as printed, under the banner", () => {
    const file = withoutFormatting(() => render("v/rules.ts", "// banner\n", statements));
    expect(file).toEqual({ path: "v/rules.ts", content: `// banner\n${printStatements(statements)}` });
  });

  it("formats small modules", () => {
    const formatted = render("v/rules.ts", "// banner\n", statements).content;
    expect(formatted).not.toBe(`// banner\n${printStatements(statements)}`);
    expect(formatted).toContain('  return (f.input.region === "R0") && !((f.input.cohort as string) === "MOC");');
  });

  it("formats as a ts-morph project's formatText does", () => {
    const settings = { indentSize: 2, convertTabsToSpaces: true, ensureNewLineAtEndOfFile: true };
    const project = new Project({ useInMemoryFileSystem: true });
    const odd = [...statements, "if (counter) {\n\tlet tabbed=1;\n}", "export const last = 1"];
    const file = project.createSourceFile("/out/v/rules.ts", { statements: odd });
    file.formatText(settings);
    const expected = `// banner\n${file.getFullText()}`;
    expect(render("v/rules.ts", "// banner\n", odd).content).toBe(expected);
    expect(throughProject(() => render("v/rules.ts", "// banner\n", odd)).content).toBe(expected);
    expect(expected).toContain("\n  let tabbed = 1;\n");
    // Text the printer has not normalised: line breaks of both kinds, no final newline.
    const raw = "const crlf = `a\r\nb`;\r\nif (crlf) {\n\tlet tabbed=1;\r\n}";
    const rawFile = project.createSourceFile("/out/v/raw.ts", raw);
    rawFile.formatText(settings);
    expect(formatModule(raw)).toBe(rawFile.getFullText());
    expect(rawFile.getFullText()).toBe("const crlf = `a\nb`;\nif (crlf) {\n  let tabbed = 1;\n}\n");
  });
});

/**
 * The version's files printed both ways (unformatted, or formatted with `formatted`). It is compiled
 * once: generate takes the CheckedVersion alone (its output a pure function of it), so the project's
 * printing is asked of the same checked version instead of extracting, parsing and checking the
 * Markdown a second time. Both are present exactly when the version compiles (the pipeline generates
 * only then).
 */
function bothWays(source: VersionSource, formatted = false): { direct?: readonly { path: string; content: string }[]; project?: readonly { path: string; content: string }[] } {
  const as = <T>(f: () => T): T => (formatted ? f() : withoutFormatting(f));
  const compiled = as(() => compileVersion(source));
  const direct = compiled.files;
  const project = direct === undefined ? undefined : as(() => throughProject(() => generateVersion(compiled.checked!)));
  return { ...(direct === undefined ? {} : { direct }), ...(project === undefined ? {} : { project }) };
}

/** A feature of a generated document that is a fault injected into its model: any but its stress, hostile names or text, token mutations and line ends. */
const injectedFault = (feature: string): boolean => !/^(stress: |hostile (names|text)$|\d+ token mutation\(s\)$|CRLF$)/.test(feature);

describe("unformatted generated code", () => {
  it("is the project's text for every version of rules/", () => {
    const versions = ruleVersions();
    for (const v of versions) {
      const { direct, project } = bothWays(v);
      expect(direct).toBeDefined();
      expect(direct).toEqual(project);
    }
    expect(versions.length).toBeGreaterThanOrEqual(3);
  }, 120_000);

  it("is the project's text for generated documents (hostile names and text included)", () => {
    let compared = 0;
    for (let i = 0; compared < 25 && i < 400; i++) {
      const doc = generateDocument(31, i);
      // The stress documents of hundreds of rules or of a 300-1,500-term `and` print megabytes (one
      // `and` document was 5 of this test's 7 CPU-seconds). The generator writes a chain as one
      // string (joinChain), so its length changes nothing either printer does: the next test
      // compares chains long enough to be grouped.
      if (doc.features.some((f) => f === "stress: rules" || f === "stress: ands")) continue;
      // A document with a fault injected into its model (an unknown field, a cycle, …) has errors,
      // and generates nothing to compare: not compiled at all (two thirds of these documents, and
      // of the time). The 25 compared are the same as when every document was compiled.
      if (doc.features.some(injectedFault)) continue;
      const { direct, project } = bothWays({ id: `d${i}`, dir: `fuzz/d${i}`, files: [{ path: `fuzz/d${i}/index.md`, text: doc.text }] });
      expect(direct).toEqual(project);
      if (direct !== undefined) compared++;
    }
    expect(compared).toBe(25);
  }, 120_000);
});

describe("long chains", () => {
  it("a 100-term `and` and a 40-term `or` (each in groups of 32) print as the project prints them", () => {
    const header = ["---", "document: DEMO", 'version: "1.0"', "status: draft", "published: 2022-01-01", 'source: "x"', 'paraphrase: "x"', "---", ""].join("\n");
    const terms = (n: number, op: string): string => Array.from({ length: n }, (_, i) => `site.n != ${i}`).join(` ${op} `);
    const blocks = `record Site\n  id: text\n  n: integer\n\ninput site: Site identified by id\n\nenum Outcome YES NO\n\ndecision Result\n  outcome: Outcome\n\ndefault then outcome = NO\n\nrule long when ${terms(100, "and")} then outcome = YES\nrule wide when ${terms(40, "or")} then outcome = NO`;
    const text = `${header}## 1.1 Clause\n\nText.\n\n\`\`\`tmad\n${blocks}\n\`\`\`\n`;
    const { direct, project } = bothWays({ id: "chains", dir: "chains", files: [{ path: "chains/index.md", text }] });
    expect(direct).toBeDefined();
    expect(direct).toEqual(project);
    // The chain is there, grouped: the condition's parentheses, the first group's, the term's.
    expect(direct!.find((f) => f.path.endsWith("rules.ts"))!.content).toContain("return ((((f.input.n as number) !== 0) && ((f.input.n as number) !== 1)");
  }, 120_000);
});

describe("formatted generated code", () => {
  it("is the project's formatted text for generated documents with hostile text", () => {
    let compared = 0;
    for (let i = 0; compared < 2 && i < 400; i++) {
      const doc = generateDocument(47, i);
      if (doc.features.some((f) => f.startsWith("stress")) || !doc.features.includes("hostile text")) continue;
      const { direct, project } = bothWays({ id: `d${i}`, dir: `fuzz/d${i}`, files: [{ path: `fuzz/d${i}/index.md`, text: doc.text }] }, true);
      expect(direct).toEqual(project);
      if (direct !== undefined) compared++;
    }
    expect(compared).toBe(2);
  }, 120_000);
});
