/** `index.ts` of a generated version: the VersionModule (manifest, validator, evaluators) and re-exports. */
import { StructureKind, VariableDeclarationKind, type StatementStructures } from "ts-morph";
import type { CheckedVersion } from "../check/index.js";
import { modelType } from "./expressions.js";
import { banner, doc, literal, render, RUNTIME, type GeneratedFile } from "./render.js";

export function indexFile(version: CheckedVersion): GeneratedFile {
  const input = modelType(version.input.type.text);
  const decisionType = modelType(version.decision.name.text);
  const statements: (string | StatementStructures)[] = [
    `import type * as rt from ${literal(RUNTIME)};`,
    `import { manifest, traceSites } from "./manifest.js";`,
    `import { validator } from "./model.js";`,
    `import type * as model from "./model.js";`,
    `import { evaluate, evaluateTraced } from "./rules.js";`,
    `export * from "./model.js";`,
    `export { manifest, traceSites } from "./manifest.js";`,
    `export { conditions, evaluate, evaluateTraced } from "./rules.js";`,
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [doc(`${version.meta.document} ${version.meta.version}: manifest, validator and evaluators.`)],
      declarations: [{ name: "version", type: `rt.VersionModule<${input}, ${decisionType}>`, initializer: "{ manifest, validator, traceSites, evaluate, evaluateTraced }" }],
    },
    "export default version;",
  ];
  return render(`${version.id}/index.ts`, banner(version.dir), statements);
}
