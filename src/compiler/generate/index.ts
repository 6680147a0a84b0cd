/** The generate stage: CheckedVersion → TypeScript files (see generate.ts). */
export { generateVersion, generateVersionWith } from "./generate.js";
export { generateRegistry } from "./registry.js";
export { sourceHash } from "./manifest-file.js";
export { withoutFormatting, type GeneratedFile } from "./render.js";
export { PASSES, type GenerateOptions, type PassName } from "./passes.js";
