/**
 * The words every reader of a trace as evaluated (Trace.explored) sees where parts were not
 * evaluated: the explanation's reasons, its text, and the site's trace and summary say it alike.
 */

/** What a reader is told once about a trace as evaluated. */
export const EXPLORED_NOTE =
  "This trace records the evaluation as it went: where an earlier part of a condition decided it, the later parts were not evaluated, and are marked so. Not every part that failed may be shown.";

/** The statement standing for `count` parts of a condition (elements, of a quantifier) that were not evaluated. */
export function notEvaluatedStatement(count: number, quantified: boolean): string {
  const what = quantified ? "element" : "part";
  return `${count} more ${what}${count === 1 ? "" : "s"} not evaluated: an earlier ${what} already decided the condition`;
}
