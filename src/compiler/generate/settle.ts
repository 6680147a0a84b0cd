/**
 * Settling: from which rules apply to the decision, and the two passes that make it allocate
 * nothing per record.
 *
 * - "constant results": a result made of literals, enum members and parameters is built once and
 *   frozen (see rules-file.ts `resultFunction`).
 * - "settled sets": with at most 30 rules, the rules that apply are a set of bits (bit i for
 *   RULES[i]); what a set settles to (the fired list, the winner or the conflicting rules) is
 *   computed the first time the set is seen and kept, frozen, for every later record with the same
 *   set (src/runtime/settled.ts, shared by every version; at most 4096 sets are kept). Larger
 *   versions settle from a list of booleans, as the literal translation does.
 */
import type * as A from "../ast/nodes.js";
import { forEachExpr } from "../ast/walk.js";
import type { CheckedVersion } from "../check/index.js";
import { FRAME, FRAME_TYPE, INPUT } from "./expressions.js";
import * as N from "./names.js";
import { doc, literal } from "./render.js";
import type { FunctionDeclarationStructure, OptionalKind } from "ts-morph";

/** Whether `e` is the same for every installation and cannot fail: literals, enum members, parameters. */
function constant(version: CheckedVersion, e: A.Expr): boolean {
  let ok = true;
  forEachExpr(e, (x) => {
    if (!ok) return false;
    if (x.kind === "Call" || x.kind === "Quantified" || x.kind === "Aggregated" || x.kind === "Collect" || (x.kind === "Binary" && x.operator === "/")) ok = false;
    if (x.kind === "NameRef") {
      const r = version.refs.get(x);
      if (r?.kind !== "parameter" && r?.kind !== "enumMember") ok = false;
    }
    if (x.kind === "MemberAccess" && version.refs.get(x)?.kind !== "enumMember") ok = false;
    return undefined;
  });
  return ok;
}

/** Whether a result (its assignments, and the defaults of the fields it leaves) is the same for every installation. */
export function constantResult(version: CheckedVersion, result: readonly A.Assignment[]): boolean {
  const given = new Set(result.map((a) => a.field.text));
  if (!result.every((a) => constant(version, a.value))) return false;
  return version.decision.fields.every((f) => given.has(f.name.text) || f.defaultValue === undefined || constant(version, f.defaultValue));
}

/** Bit `i` of a set of applying rules, as a literal (`1 << i`). */
const bit = (i: number): string => `${2 ** i}`;

/** The most rules whose applying set fits in the bits of one number (`1 << 30` is the last safe bit). */
export const MAX_SET_RULES = 30;

export interface SettleCode {
  readonly functions: OptionalKind<FunctionDeclarationStructure>[];
  /** Module-level statements after the functions (the kept sets). */
  readonly statements: string[];
}

export function settleCode(version: CheckedVersion, input: string, decisionType: string, title: string, sets: boolean, tracer = "rt.Tracer"): SettleCode {
  const record = N.input(version.input.name.text);
  // The key is required, so the validator has seen it as the record's own field: a name every
  // object inherits (`hasOwnProperty`) is read directly, not through the own-property check that
  // gives null when absent (an id of `string | null` did not compile).
  const keyName = version.input.key.text;
  const key = N.isInherited(keyName) ? `${INPUT}[${literal(keyName)}]` : N.readField(INPUT, keyName);
  const frame = { name: FRAME, type: FRAME_TYPE };
  const decision = `rt.Decision<${decisionType}>`;
  const useSets = sets && version.rules.length <= MAX_SET_RULES;
  const evaluateDoc = doc(`Evaluates ${title} for one validated ${version.input.type.text}.`);
  const tracedDoc = doc(
    `Evaluates ${title} and records why: every rule's condition, with the facts it read; every part of each condition (\`complete\`), or only what the evaluation evaluated (\`evaluated\`).`,
  );
  if (useSets) {
    return {
      functions: [
        {
          name: "settle",
          parameters: [frame, { name: "asOf", type: "string | null" }, { name: "applying", type: "number" }],
          returnType: decision,
          docs: ["The decision from the set of rules that apply: the one applicable rule not set aside by another, the default when none, a conflict when several."],
          statements: [
            "const s = SETTLED.of(applying);",
            `const id = ${key};`,
            "if (s.winner >= 0) {",
            "const rule = RULES[s.winner];",
            "return rt.decided(manifest, id, asOf, rule.id, rule.clause, rule.result(f), s.fired);",
            "}",
            "if (s.conflict.length === 0) return rt.defaulted(manifest, id, asOf, default_result(f), s.fired);",
            "return rt.conflicted(manifest, id, asOf, s.conflict, s.fired);",
          ],
        },
        {
          name: "evaluate",
          isExported: true,
          parameters: [{ name: record, type: input }, { name: "asOf", type: "string | null" }],
          returnType: decision,
          docs: [evaluateDoc],
          // One call per rule, written out (at most 30): each call site sees one function, which V8
          // can inline, where a loop over RULES would call through one site that sees them all.
          statements: [
            `const f = new ${FRAME_TYPE}(${record});`,
            "let applying = 0;",
            ...version.rules.map((r, i) => `if (${N.ruleCondition(r.id)}(f)) applying |= ${bit(i)};`),
            "return settle(f, asOf, applying);",
          ],
        },
        {
          name: "evaluateTraced",
          isExported: true,
          parameters: [{ name: record, type: input }, { name: "asOf", type: "string | null" }, { name: "level", type: "rt.TraceLevel", initializer: '"complete"' }],
          returnType: `rt.TracedDecision<${decisionType}>`,
          docs: [tracedDoc],
          statements: [
            `const t = new ${tracer}(traceSites, level);`,
            `const f = new ${FRAME_TYPE}(${record});`,
            "let applying = 0;",
            ...version.rules.map((r, i) => `if (${N.tracedRuleCondition(r.id)}(t, f)) applying |= ${bit(i)};`),
            "const decision = settle(f, asOf, applying);",
            "return { decision, trace: t.finish(manifest, decision.fired) };",
          ],
        },
      ],
      statements: [
        `/** What each set of applying rules settles to, computed once per set (at most 4096 sets are kept; a version of n rules has at most 2^n, this one has ${version.rules.length} rules). */\nconst SETTLED = new rt.SettledSets(RULES);`,
      ],
    };
  }
  // The literal translation: a list of booleans, a fresh fired list per record. The code stays the
  // same size however many rules a version has (a statement per rule would exceed what
  // TypeScript's control-flow analysis accepts in one function at a few thousand rules).
  return {
    functions: [
      {
        name: "settle",
        parameters: [frame, { name: "asOf", type: "string | null" }, { name: "applies", type: "readonly boolean[]" }],
        returnType: decision,
        docs: ["Picks the decision from which rules apply (`applies[i]` for `RULES[i]`): the one applicable rule not set aside by another, the default when none, a conflict when several."],
        statements: [
          "const fired: string[] = [];",
          "const winners: Rule[] = [];",
          "for (let i = 0; i < RULES.length; i++) {",
          "if (!applies[i]) continue;",
          "const rule = RULES[i];",
          "fired.push(rule.id);",
          "let setAside = false;",
          "for (const j of rule.setAsideBy) if (applies[j]) setAside = true;",
          "if (!setAside) winners.push(rule);",
          "}",
          `const id = ${key};`,
          "if (winners.length === 1) return rt.decided(manifest, id, asOf, winners[0].id, winners[0].clause, winners[0].result(f), fired);",
          "if (winners.length === 0) return rt.defaulted(manifest, id, asOf, default_result(f), fired);",
          "const conflict: string[] = [];",
          "for (const w of winners) conflict.push(w.id);",
          "return rt.conflicted(manifest, id, asOf, conflict, fired);",
        ],
      },
      {
        name: "evaluate",
        isExported: true,
        parameters: [{ name: record, type: input }, { name: "asOf", type: "string | null" }],
        returnType: decision,
        docs: [evaluateDoc],
        statements: [`const f = new ${FRAME_TYPE}(${record});`, "const applies: boolean[] = [];", "for (const rule of RULES) applies.push(rule.applies(f));", "return settle(f, asOf, applies);"],
      },
      {
        name: "evaluateTraced",
        isExported: true,
        parameters: [{ name: record, type: input }, { name: "asOf", type: "string | null" }, { name: "level", type: "rt.TraceLevel", initializer: '"complete"' }],
        returnType: `rt.TracedDecision<${decisionType}>`,
        docs: [tracedDoc],
        statements: [
          `const t = new ${tracer}(traceSites, level);`,
          `const f = new ${FRAME_TYPE}(${record});`,
          "const applies: boolean[] = [];",
          "for (const rule of RULES) applies.push(rule.appliesTraced(t, f));",
          "const decision = settle(f, asOf, applies);",
          "return { decision, trace: t.finish(manifest, decision.fired) };",
        ],
      },
    ],
    statements: [],
  };
}
