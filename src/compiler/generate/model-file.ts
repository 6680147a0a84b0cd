/**
 * `model.ts` of a generated version: the declared types (enums as unions of their members,
 * identifiers as strings, records and the decision as interfaces) and the input schema with its
 * validator. Takes the CheckedVersion; every type comes from its `fieldTypes`.
 */
import { StructureKind, VariableDeclarationKind, type StatementStructures } from "ts-morph";
import type * as A from "../ast/nodes.js";
import type { CheckedVersion } from "../check/index.js";
import type { Type } from "../check/types.js";
import { tsType } from "./expressions.js";
import { isInherited, typeName } from "./names.js";
import { banner, doc, literal, render, RUNTIME, type GeneratedFile } from "./render.js";
import { validatorCode } from "./validator.js";

/** The schema's description of a field type (the runtime validator reads it). */
function fieldSchema(t: Type): string {
  switch (t.kind) {
    case "enum":
    case "record":
    case "identifier":
      return `{ kind: ${literal(t.kind)}, name: ${literal(t.name)} }`;
    case "list":
      return `{ kind: "list", element: ${fieldSchema(t.element)} }`;
    case "optional":
      return `{ kind: "optional", inner: ${fieldSchema(t.inner)} }`;
    default:
      return `{ kind: ${literal(t.kind)} }`;
  }
}

/** The JSDoc of a declaration: its comments, what it is, its clause, where it is written. */
export function declDoc(d: { doc?: string; context: A.ClauseContext; span: { file: string; start: { line: number } } }, extra?: string): string {
  const lines = [d.doc, extra, d.context.clause === undefined ? undefined : `Clause ${d.context.clause}.`, `Source: ${d.span.file}:${d.span.start.line}`].filter((x): x is string => x !== undefined);
  return doc(lines.join("\n"));
}

export function modelFile(version: CheckedVersion): GeneratedFile {
  const statements: (string | StatementStructures)[] = [`import * as rt from ${literal(RUNTIME)};`];
  for (const e of version.enums) {
    statements.push({
      kind: StructureKind.TypeAlias,
      name: typeName(e.name.text),
      isExported: true,
      type: e.members.map((m) => literal(m.name.text)).join(" | "),
      docs: [declDoc(e)],
    });
  }
  for (const i of version.identifiers) {
    statements.push({ kind: StructureKind.TypeAlias, name: typeName(i.name.text), isExported: true, type: "string", docs: [declDoc(i, `Identifier matching ${i.pattern.value}${i.checkDigit === undefined ? "" : " with a check digit"}.`)] });
  }
  const iface = (decl: A.RecordDecl | A.DecisionDecl): StatementStructures => ({
    kind: StructureKind.Interface,
    name: typeName(decl.name.text),
    isExported: true,
    docs: [declDoc(decl)],
    properties: decl.fields.map((f) => {
      const t = version.fieldTypes.get(decl.name.text)!.get(f.name.text)!;
      // A field an amendment added with a default may be absent from a record; evaluation reads the default.
      const absent = t.kind === "optional" || version.fieldDefaults.get(decl.name.text)?.has(f.name.text) === true;
      const type = absent && t.kind !== "optional" ? `${tsType(t, typeName)} | null` : tsType(t, typeName);
      return { name: literal(f.name.text), type, hasQuestionToken: absent && decl.kind === "RecordDecl", isReadonly: true };
    }),
  });
  for (const r of version.records) statements.push(iface(r));
  statements.push(iface(version.decision));
  const schemaOf = (record: string, field: string): string => {
    const t = version.fieldTypes.get(record)!.get(field)!;
    return fieldSchema(version.fieldDefaults.get(record)?.has(field) === true && t.kind !== "optional" ? { kind: "optional", inner: t } : t);
  };
  // A record named like a property every object inherits (`hasOwnProperty`) gets that method's type
  // as its contextual type, not the schema's: its fields are then typed `as const`, which needs none.
  const records = version.records
    .map((r) => `${literal(r.name.text)}: [${r.fields.map((f) => `[${literal(f.name.text)}, ${schemaOf(r.name.text, f.name.text)}]`).join(", ")}]${isInherited(r.name.text) ? " as const" : ""}`)
    .join(",\n");
  const enums = version.enums.map((e) => `${literal(e.name.text)}: [${e.members.map((m) => literal(m.name.text)).join(", ")}]`).join(",\n");
  const identifiers = version.identifiers
    .map((i) => {
      const cd = i.checkDigit === undefined ? "" : `, checkDigit: { weights: [${i.checkDigit.weights.join(", ")}], moduli: [${i.checkDigit.moduli.join(", ")}] }`;
      return `${literal(i.name.text)}: { pattern: ${literal(i.pattern.value)}${cd} }`;
    })
    .join(",\n");
  statements.push({
    kind: StructureKind.VariableStatement,
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: ["The input schema: what a record must look like before it is evaluated."],
    declarations: [
      {
        name: "schema",
        type: "rt.Schema",
        initializer: `{\nroot: ${literal(version.input.type.text)},\nkey: ${literal(version.input.key.text)},\nrecords: {\n${records}\n},\nenums: {\n${enums}\n},\nidentifiers: {\n${identifiers}\n}\n}`,
      },
    ],
  });
  const check = validatorCode(version);
  statements.push(...check.statements);
  statements.push({
    kind: StructureKind.VariableStatement,
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [`Validates a parsed JSON value as a ${version.input.type.text}; every problem is reported with its JSON path.`],
    declarations: [{ name: "validator", initializer: `new rt.Validator<${typeName(version.input.type.text)}>(schema, ${check.root})` }],
  });
  return render(`${version.id}/model.ts`, banner(version.dir), statements);
}
