/**
 * Wording shared by the compiler (which writes each condition's statement into the trace sites)
 * and the explanations (which state a false condition): the negation of a plain-English statement.
 */

/**
 * The negation of a statement, worded for a reader: "has X" → "has no X", "X is Y" → "X is not Y",
 * "for each of …" → "not for each of …", otherwise "not X".
 */
export function negate(s: string): string {
  if (s.startsWith("not ")) return s.slice(4);
  if (s.startsWith("has no ")) return `has ${s.slice(7)}`;
  if (s.startsWith("has ")) return `has no ${s.slice(4)}`;
  if (s.startsWith("for at least one of ")) return `for none of ${s.slice(20)}`;
  if (s.startsWith("for none of ")) return `for at least one of ${s.slice(12)}`;
  if (s.startsWith("for each of ")) return `not for each of ${s.slice(12)}`;
  if (s.startsWith("there are no ")) return `there are ${s.slice(13)}`;
  if (s.startsWith("there are ")) return `there are no ${s.slice(10)}`;
  const is = / (is|are) (?!not )/.exec(s);
  if (is !== null && !/ (and|or) /.test(s)) return `${s.slice(0, is.index)} ${is[1]} not ${s.slice(is.index + is[0].length)}`;
  if (/^(is|are) /.test(s)) return s.replace(/^(is|are) /, "$1 not ");
  return `not ${s}`;
}
