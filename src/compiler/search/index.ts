/**
 * The witness search, shared by the analysis of `tmad check` and by `tmad diff`: installations,
 * found from the rules themselves, that answer a question (two versions decide differently; a rule
 * applies; two rules apply together). See space.ts for the order and the bounds.
 */
export { constantsOf, factsRead, type Constants } from "./constants.js";
export { describeFactChange, factChanges, type FactChange } from "./facts.js";
export { Mutation, type SearchModel } from "./mutations.js";
export { parameterValues } from "./parameters.js";
export { searchModel } from "./model.js";
export { applyMutations, SearchSpace, type Baseline, type Candidate, type Probe, type SearchBounds, type SearchOptions } from "./space.js";
export { canonical, inline, normalize } from "./canonical.js";
export { implies } from "./implies.js";
export { constantsOf as expressionConstants, Exclusion, type ConstantOf } from "./exclusive.js";
