/** The check stage: ParsedVersion → CheckedVersion (see check.ts for its passes). */
export { checkVersion, checkWithResolution, transitiveDependencies, type Resolution } from "./check.js";
export type { AmendedKind, CheckedRule, CheckedVersion, ConstantValue, DeclarationKey, Ref, Replacement } from "./checked-version.js";
export { describeDeclaration } from "./amend.js";
export { pathKey } from "./narrow.js";
export { typeToString, type Type } from "./types.js";
