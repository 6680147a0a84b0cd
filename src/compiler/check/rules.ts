/**
 * Check pass "rules": each rule and the default result. A rule implements a clause of the version
 * (its `clause` line, else the heading it sits under: TMAD3006, TMAD1003); its condition is a
 * boolean; its result sets fields of the decision, each once (TMAD3002, TMAD4005), and every field
 * without a default (TMAD4004). What the condition proves present may be read in the result.
 */
import type * as A from "../ast/nodes.js";
import { type Report } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/suggest.js";
import type { Span } from "../source/span.js";
import type { Symbols } from "./collect.js";
import { EMPTY_SCOPE, type Inference, type Scope } from "./infer.js";
import { positiveFacts } from "./narrow.js";
import type { DeclaredTypes } from "./resolve-types.js";
import * as Ty from "./types.js";

export interface RuleClauses {
  readonly rules: { readonly decl: A.RuleDecl; readonly id: string; readonly clause: string }[];
  readonly defaultResult?: { readonly decl: A.DefaultDecl; readonly clause?: string };
}

export function checkRules(s: Symbols, declared: DeclaredTypes, clauseNumbers: ReadonlySet<string>, inference: Inference, report: Report): RuleClauses {
  const ruleClause = (decl: { clause?: A.ClauseRef; context: A.ClauseContext; span: Span }, what: string): string | undefined => {
    if (decl.clause !== undefined) {
      if (!clauseNumbers.has(decl.clause.number)) {
        report("TMAD3006", decl.clause.span, `clause ${decl.clause.number} is not a heading of this version`, didYouMean(decl.clause.number, clauseNumbers) ?? "add a heading such as `## " + decl.clause.number + " Title`");
        return undefined;
      }
      return decl.clause.number;
    }
    if (decl.context.clause === undefined) {
      report("TMAD1003", decl.span, `${what} is not under a clause heading and names no clause`, "move the block under its clause's heading, or add a `clause N` line");
    }
    return decl.context.clause;
  };

  const checkResult = (result: readonly A.Assignment[], scope: Scope, where: Span, owner: string): void => {
    if (s.decision === undefined) return;
    const set = new Set<string>();
    for (const a of result) {
      const field = declared.decisionFields.get(a.field.text);
      if (field === undefined) {
        report("TMAD3002", a.field.span, `decision ${s.decision.name.text} has no field \`${a.field.text}\``, didYouMean(a.field.text, declared.decisionFields.keys()) ?? `fields: ${[...declared.decisionFields.keys()].join(", ")}`);
        inference.typeOf(a.value, scope);
        continue;
      }
      if (set.has(a.field.text)) report("TMAD4005", a.field.span, `${owner} sets \`${a.field.text}\` twice`, "remove one assignment");
      set.add(a.field.text);
      inference.expectAssignable(a.value, inference.typeOf(a.value, scope, field.type), field.type, `\`${a.field.text}\``);
    }
    if (s.decision.recovered === true) return;
    for (const [name, { field, type }] of declared.decisionFields) {
      if (!set.has(name) && field.defaultValue === undefined && type.kind !== "optional" && type.kind !== "list") {
        report("TMAD4004", where, `${owner} does not set \`${name}\`, which has no default`, `add \`${name} = …\` to its \`then\`, or give the field a default in the decision`);
      }
    }
  };

  const rules: RuleClauses["rules"] = [];
  for (const rule of s.rules.values()) {
    if (rule.recovered === true) continue;
    const clause = ruleClause(rule, `rule \`${rule.name.text}\``);
    const type = inference.typeOf(rule.condition, EMPTY_SCOPE, Ty.BOOLEAN);
    inference.expectAssignable(rule.condition, type, Ty.BOOLEAN, `condition of rule \`${rule.name.text}\``);
    checkResult(rule.result, { ...EMPTY_SCOPE, narrowed: positiveFacts(rule.condition) }, rule.name.span, `rule \`${rule.name.text}\``);
    if (clause !== undefined) rules.push({ decl: rule, id: rule.name.text, clause });
  }
  const d = s.defaultDecl;
  if (d === undefined || d.recovered === true) return { rules };
  const clause = d.clause === undefined && d.context.clause === undefined ? undefined : ruleClause(d, "the default result");
  checkResult(d.result, EMPTY_SCOPE, d.span, "the default result");
  return { rules, defaultResult: clause === undefined ? { decl: d } : { decl: d, clause } };
}
