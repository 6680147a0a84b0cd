/** The parse stage: rule blocks → AST (see parse.ts). */
export { parseBlock, parseBlocks, parseRuleBlock, parseVersion, suppressionsOf, type ParsedVersion, type Suppression } from "./parse.js";
export { MAX_NESTING } from "./nesting.js";
