/** "Did you mean …?" hints for diagnostics: unknown names, fields, members and clauses. */
import { closest } from "../../runtime/suggest.js";

export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const c = closest(name, candidates);
  return c === undefined ? undefined : `did you mean \`${c}\`?`;
}
