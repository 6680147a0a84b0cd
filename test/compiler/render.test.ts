/**
 * Printing generated modules (generate/render.ts): the text printed without a syntax tree is the one
 * ts-morph's createSourceFile gives for the same structures (render reaches ts-morph's printer through
 * a node's context, which has no public entry), and unformatted output is that text under the banner.
 */
import { Project, StructureKind, VariableDeclarationKind, type StatementStructures } from "ts-morph";
import { describe, expect, it } from "vitest";
import { printStatements, render, withoutFormatting } from "../../src/compiler/generate/render.js";

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
});
