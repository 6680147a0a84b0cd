/**
 * `rules.ts` of a generated version: parameters, definitions and rules as plain typed functions,
 * each rule's condition exported by rule id (`conditions`), the evaluator and its traced variant.
 * Takes the CheckedVersion and the expression emitter; every type comes from the checker.
 */
import { StructureKind, VariableDeclarationKind, type FunctionDeclarationStructure, type OptionalKind, type StatementStructures } from "ts-morph";
import type * as A from "../ast/nodes.js";
import type { CheckedVersion } from "../check/index.js";
import type { Type } from "../check/types.js";
import { isComposite, modelType, tsType, type ExpressionEmitter } from "./expressions.js";
import { declDoc } from "./model-file.js";
import * as N from "./names.js";
import { banner, doc, render, RUNTIME, type GeneratedFile } from "./render.js";

function clauseSuffix(clause: string | undefined, titles: ReadonlyMap<string, string>): string {
  if (clause === undefined) return "";
  const t = titles.get(clause);
  return t === undefined ? ` (clause ${clause})` : ` (clause ${clause}, ${t})`;
}

/** The decision object a rule gives: its assignments, then defaults, in declaration order. */
function resultObject(version: CheckedVersion, result: readonly A.Assignment[], emitter: ExpressionEmitter): string {
  const given = new Map(result.map((a) => [a.field.text, a.value]));
  const parts = version.decision.fields.map((f) => {
    const v = given.get(f.name.text);
    const t = version.fieldTypes.get(version.decision.name.text)!.get(f.name.text)!;
    let code: string;
    if (v !== undefined) code = emitter.emit(v, new Map());
    else if (f.defaultValue !== undefined) code = emitter.emit(f.defaultValue, new Map());
    else code = t.kind === "list" ? "[]" : "null";
    return `${JSON.stringify(f.name.text)}: ${code}`;
  });
  return `{ ${parts.join(", ")} }`;
}

export function rulesFile(version: CheckedVersion, emitter: ExpressionEmitter): GeneratedFile {
  const input = modelType(version.input.type.text);
  const decisionType = modelType(version.decision.name.text);
  const inputVar = N.input(version.input.name.text);
  const clauseTitles = new Map(version.clauses.map((c) => [c.number, c.title]));
  const title = `${version.meta.document} ${version.meta.version}`;
  const fns: OptionalKind<FunctionDeclarationStructure>[] = [];
  const statements: (string | StatementStructures)[] = [];

  for (const p of version.parameters) {
    statements.push({
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [declDoc(p, `Parameter \`${p.name.text}\`.`)],
      declarations: [{ name: N.parameter(p.name.text), type: tsType(version.parameterTypes.get(p.name.text)!, modelType), initializer: emitter.emitConstant(p.value) }],
    });
  }

  const memoized: string[] = [];
  statements.push("/** Whether an evaluation is under way: installation-wide definitions are then computed once. */", "let memo = false;");
  for (const d of version.definitions) {
    const paramTypes = version.definitionParameterTypes.get(d.name.text)!;
    const vars = new Map<string, Type>(d.params.map((p, i) => [p.name.text, paramTypes[i]]));
    const result = tsType(version.definitionTypes.get(d.name.text)!, modelType);
    const params = [{ name: inputVar, type: input }, ...d.params.map((p, i) => ({ name: N.variable(p.name.text), type: tsType(paramTypes[i], modelType) }))];
    const docs = [declDoc(d, `Definition \`${d.name.text}\`${clauseSuffix(d.context.clause, clauseTitles)}.`)];
    const fn = N.definition(d.name.text);
    if (d.params.length === 0) {
      // A fact of the whole installation: computed once per evaluation (rules and other definitions
      // ask for it many times), not at all outside one. Module state, reset by `evaluate`.
      memoized.push(d.name.text);
      const value = N.memoValue(d.name.text);
      const set = N.memoSet(d.name.text);
      statements.push(`let ${value}: ${result};`, `let ${set} = false;`);
      fns.push({
        name: fn,
        isExported: true,
        parameters: params,
        returnType: result,
        docs,
        statements: [`if (!memo) return ${emitter.emit(d.body, vars)};`, `if (!${set}) {`, `${value} = ${emitter.emit(d.body, vars)};`, `${set} = true;`, "}", `return ${value};`],
      });
    } else {
      fns.push({ name: fn, isExported: true, parameters: params, returnType: result, docs, statements: [`return ${emitter.emit(d.body, vars)};`] });
    }
    const facts = isComposite(d.body) ? [] : emitter.freePaths(d.body, vars);
    const site = emitter.definitionSite(d, facts);
    const factCode = facts.length === 0 ? "" : `, [${facts.map((f) => f.code).join(", ")}]`;
    fns.push({
      name: N.tracedDefinition(d.name.text),
      parameters: [{ name: "t", type: "rt.Tracer" }, ...params],
      returnType: result,
      docs: [`Traced variant of {@link ${fn}}.`],
      // Traced once per evaluation and arguments: later reads reuse the node.
      statements: [
        ...(d.params.length === 0 ? [`const again = t.again(${site});`] : [`const args = [${d.params.map((p) => N.variable(p.name.text)).join(", ")}];`, `const again = t.again(${site}, args);`]),
        `if (again !== undefined) return again.value as ${result};`,
        `t.enter(${site}${d.params.length === 0 ? "" : ", args"});`,
        `return t.exit(${emitter.traceBody(d.body, vars, d.context.clause)}${factCode});`,
      ],
    });
  }

  const inputParam = { name: inputVar, type: input };
  for (const r of version.rules) {
    const source = r.decl.source === undefined ? "" : `\nSource: ${r.decl.source.value}.`;
    const titled = clauseTitles.has(r.clause) ? ` (${clauseTitles.get(r.clause)})` : "";
    fns.push({
      name: N.ruleCondition(r.id),
      isExported: true,
      parameters: [inputParam],
      returnType: "boolean",
      docs: [doc(`Rule \`${r.id}\`: whether it applies.\nClause ${r.clause}${titled}.${source}\nRule: ${r.decl.span.file}:${r.decl.span.start.line}`)],
      statements: [`return ${emitter.emit(r.decl.condition, new Map())};`],
    });
    fns.push({
      name: N.tracedRuleCondition(r.id),
      parameters: [{ name: "t", type: "rt.Tracer" }, inputParam],
      returnType: "boolean",
      docs: [`Traced variant of {@link ${N.ruleCondition(r.id)}}.`],
      statements: [`return ${emitter.traceRoot(r.decl.condition, new Map(), r.clause)};`],
    });
    fns.push({
      name: N.ruleResult(r.id),
      isExported: true,
      parameters: [inputParam],
      returnType: decisionType,
      docs: [doc(`Rule \`${r.id}\`: the decision it gives (clause ${r.clause}).`)],
      statements: [`return ${resultObject(version, r.decl.result, emitter)};`],
    });
  }
  const def = version.defaultResult!;
  fns.push({
    name: "default_result",
    isExported: true,
    parameters: [inputParam],
    returnType: decisionType,
    docs: [doc(`The decision when no rule applies${def.clause === undefined ? "" : ` (clause ${def.clause})`}.\nSource: ${def.decl.span.file}:${def.decl.span.start.line}`)],
    statements: [`return ${resultObject(version, def.decl.result, emitter)};`],
  });

  // Selecting the decision from the conditions: shared by the plain and the traced evaluator. The
  // rules are data (RULES, at the end of the file) and settling is a loop over them, so the code
  // stays the same size however many rules a version has (a statement per rule would exceed what
  // TypeScript's control-flow analysis accepts in one function at a few thousand rules).
  const key = `${inputVar}.${version.input.key.text}`;
  fns.push({
    name: "settle",
    parameters: [inputParam, { name: "asOf", type: "string | null" }, { name: "applies", type: "readonly boolean[]" }],
    returnType: `rt.Decision<${decisionType}>`,
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
      `if (winners.length === 1) return rt.decided(manifest, id, asOf, winners[0].id, winners[0].clause, winners[0].result(${inputVar}), fired);`,
      `if (winners.length === 0) return rt.defaulted(manifest, id, asOf, default_result(${inputVar}), fired);`,
      "const conflict: string[] = [];",
      "for (const w of winners) conflict.push(w.id);",
      "return rt.conflicted(manifest, id, asOf, conflict, fired);",
    ],
  });
  fns.push({
    name: "evaluate",
    isExported: true,
    parameters: [inputParam, { name: "asOf", type: "string | null" }],
    returnType: `rt.Decision<${decisionType}>`,
    docs: [doc(`Evaluates ${title} for one validated ${version.input.type.text}.`)],
    statements: [
      ...memoized.map((m) => `${N.memoSet(m)} = false;`),
      "memo = true;",
      "try {",
      "const applies: boolean[] = [];",
      `for (const rule of RULES) applies.push(rule.applies(${inputVar}));`,
      `return settle(${inputVar}, asOf, applies);`,
      "} finally {",
      "memo = false;",
      "}",
    ],
  });
  fns.push({
    name: "evaluateTraced",
    isExported: true,
    parameters: [inputParam, { name: "asOf", type: "string | null" }],
    returnType: `rt.TracedDecision<${decisionType}>`,
    docs: [doc(`Evaluates ${title} and records why: every rule's condition, with the facts it read.`)],
    statements: [
      "const t = new rt.Tracer(traceSites);",
      "const conditions: rt.TraceNode[] = [];",
      // The traced conditions still call plain definitions inside quantifiers: let those remember.
      ...memoized.map((m) => `${N.memoSet(m)} = false;`),
      "memo = true;",
      "try {",
      "const applies: boolean[] = [];",
      "for (const rule of RULES) {",
      `applies.push(rule.appliesTraced(t, ${inputVar}));`,
      "conditions.push(t.takeLast());",
      "}",
      `const decision = settle(${inputVar}, asOf, applies);`,
      "return { decision, trace: { rules: rt.ruleTraces(manifest, conditions, decision.fired) } };",
      "} finally {",
      "memo = false;",
      "}",
    ],
  });

  const index = new Map(version.rules.map((r, i) => [r.id, i]));
  const ruleType: StatementStructures = {
    kind: StructureKind.Interface,
    name: "Rule",
    docs: ["A rule as evaluation uses it."],
    properties: [
      { name: "id", type: "string", isReadonly: true },
      { name: "clause", type: "string", isReadonly: true },
      { name: "applies", type: `(${inputVar}: ${input}) => boolean`, isReadonly: true },
      { name: "appliesTraced", type: `(t: rt.Tracer, ${inputVar}: ${input}) => boolean`, isReadonly: true },
      { name: "result", type: `(${inputVar}: ${input}) => ${decisionType}`, isReadonly: true },
      { name: "setAsideBy", type: "readonly number[]", isReadonly: true, docs: ["Positions in RULES of the rules that set this one aside when they apply (directly or through others)."] },
    ],
  };
  const rulesTable: StatementStructures = {
    kind: StructureKind.VariableStatement,
    declarationKind: VariableDeclarationKind.Const,
    docs: ["The version's rules, in order: what `settle` chooses between."],
    declarations: [
      {
        name: "RULES",
        type: "readonly Rule[]",
        initializer: `[\n${version.rules
          .map(
            (r) =>
              `{ id: ${JSON.stringify(r.id)}, clause: ${JSON.stringify(r.clause)}, applies: ${N.ruleCondition(r.id)}, appliesTraced: ${N.tracedRuleCondition(r.id)}, result: ${N.ruleResult(r.id)}, setAsideBy: [${r.overriddenBy.map((w) => index.get(w)).join(", ")}] }`,
          )
          .join(",\n")}\n]`,
      },
    ],
  };

  const conditions: StatementStructures = {
    kind: StructureKind.VariableStatement,
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: ["Each rule's condition, by rule id: whether the rule applies to a validated record (for tools that compare versions rule by rule)."],
    declarations: [
      {
        name: "conditions",
        type: `Readonly<Record<string, (${inputVar}: ${input}) => boolean>>`,
        initializer: `Object.freeze({\n${version.rules.map((r) => `${JSON.stringify(r.id)}: ${N.ruleCondition(r.id)}`).join(",\n")}\n})`,
      },
    ],
  };
  const header: (string | StatementStructures)[] = [`import * as rt from ${JSON.stringify(RUNTIME)};`, `import { manifest, traceSites } from "./manifest.js";`, `import type * as model from "./model.js";`];
  const body: (string | StatementStructures)[] = [...emitter.constants, ...statements, ...emitter.hoisted, ...fns.map((f) => ({ ...f, kind: StructureKind.Function as const })), ruleType, rulesTable, conditions];
  return render(`${version.id}/rules.ts`, banner(version.dir), [...header, ...body]);
}
