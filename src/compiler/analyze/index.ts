/** The analysis `tmad check` runs on a compiled version (see analyze.ts). */
export { analyze, type AnalysisResult } from "./analyze.js";
