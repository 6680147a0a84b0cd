/**
 * Check pass "node checks": checks that each concern one kind of expression node on its own,
 * registered by node kind (ast/walk.ts ExprChecks) and run over every expression of the version:
 * date and date-time literals that are not real instants (TMAD2004), clause literals that name no
 * clause of the version (TMAD3006), and `every` without `satisfies` (TMAD4007).
 */
import type * as A from "../ast/nodes.js";
import { runExprChecks, type ExprChecks } from "../ast/walk.js";
import { type Report } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/suggest.js";
// The runtime's own functions: a literal in a rule is a date exactly when an input fact would be.
import { isCalendarDate, isDateTime } from "../../runtime/values.js";

export function nodeChecks(clauseNumbers: ReadonlySet<string>, report: Report): ExprChecks {
  return {
    DateLiteral(e) {
      if (!isCalendarDate(e.text)) report("TMAD2004", e.span, `${e.text} is not a calendar date`, "write a real date as YYYY-MM-DD");
    },
    DateTimeLiteral(e) {
      if (!isDateTime(e.text)) report("TMAD2004", e.span, `${e.text} is not a valid date-time`, "write YYYY-MM-DDThh:mm[:ss]Z or with an offset such as +01:00");
    },
    ClauseLiteral(e) {
      if (!clauseNumbers.has(e.number)) report("TMAD3006", e.span, `clause ${e.number} is not a heading of this version`, didYouMean(e.number, clauseNumbers) ?? `add a heading \`## ${e.number} …\``);
    },
    Quantified(e) {
      if (e.quantifier === "every" && e.predicate === undefined) {
        report("TMAD4007", e.span, "`every` needs `satisfies …`: with only a `where` filter it is always true", `write \`every ${e.variable.text} in … satisfies condition\``);
      }
    },
  };
}

/** Runs the node checks on every expression of `roots`. */
export function checkNodes(roots: readonly A.Expr[], clauseNumbers: ReadonlySet<string>, report: Report): void {
  const checks = nodeChecks(clauseNumbers, report);
  for (const r of roots) runExprChecks(r, checks);
}
