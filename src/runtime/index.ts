/**
 * The tmad runtime: what generated evaluators import, and what the CLI and library use to validate
 * records and evaluate them with any version. It never imports the compiler.
 */
export { conflicted, decided, defaulted, ruleTraces } from "./decide.js";
export { firstFailure, Tracer, type Fact, type RuleTrace, type Trace, type TraceLevel, type TraceNode, type TraceSite } from "./trace.js";
export { Validator, type FieldType, type InputError, type InputErrorCode, type Schema, type Tally } from "./validate.js";
export { checkDigitValid, compareInstants, daysBetween, divide, epochMs, EvaluationError, instantBefore, isCalendarDate, isDateTime } from "./values.js";
export type { ClauseInfo, Decision, DecisionStatus, Manifest, ReportDimension, RuleInfo, TracedDecision, VersionModule } from "./version.js";
export { asOfProblem, selectVersion, VersionSelectionError, type VersionEntry, type VersionSelector } from "./registry.js";
export { citedClauses, clauseFieldValues, decisionOutcome, factAt } from "./facts.js";
export { evaluateRecord, type EvaluateOptions, type RecordOutcome } from "./evaluate.js";
export { cutFacts, type CutOutcome, type FactsCut } from "./asof.js";
export { reviewDecision, type Review, type Waiting } from "./review.js";
export type { DatedField, DatingField, Regime, Timeline } from "./timeline.js";
export { negate } from "./phrase.js";
export { SettledSets, type Settled, type SettlingRule } from "./settled.js";
