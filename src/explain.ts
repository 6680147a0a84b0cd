/**
 * Explanations for people: a traced Decision as a structured Explanation (src/explanation/) and
 * as text. `renderExplanation` keeps the old one-call shape (version + outcome → text).
 */
import type { RecordOutcome, VersionModule } from "./runtime/index.js";
import { buildExplanation, type ExplainOptions } from "./explanation/build.js";
import { renderExplanationText } from "./explanation/render.js";

export { buildExplanation, quoteClause, type ExplainOptions } from "./explanation/build.js";
export { EXPLORED_NOTE, notEvaluatedStatement } from "./explanation/explored.js";
export { renderExplanationText } from "./explanation/render.js";
export type * from "./explanation/types.js";

/** The explanation of a traced outcome, as text. */
export function renderExplanation(version: VersionModule<any, any>, outcome: RecordOutcome<any>, options: ExplainOptions = {}): string {
  return renderExplanationText(buildExplanation(version, outcome, options));
}
