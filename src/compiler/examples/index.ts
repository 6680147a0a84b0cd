/** Examples beside the clauses: resolving `tmad-example` blocks, and running them (see resolve.ts, run.ts). */
export { copyValue, mergePatch, resolveExamples, setPath, type Expectation, type ResolvedExample, type ResolvedExamples } from "./resolve.js";
export { formatReport, runExamples, type ClauseCoverage, type ExampleResult, type PrecedenceCoverage, type RuleCoverage, type TestReport } from "./run.js";
