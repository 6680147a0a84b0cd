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
  const inputVar = N.variable(version.input.name.text);
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
      declarations: [{ name: N.parameter(p.name.text), type: tsType(version.parameterTypes.get(p.name.text)!, modelType), initializer: emitter.emit(p.value, new Map()) }],
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
      statements: [`t.enter(${site});`, `return t.exit(${emitter.traceBody(d.body, vars, d.context.clause)}${factCode});`],
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

  // Selecting the decision from the conditions: shared by the plain and the traced evaluator.
  const n = version.rules.length;
  const flags = version.rules.map((_, i) => `f${i}`);
  const index = new Map(version.rules.map((r, i) => [r.id, i]));
  const settle: string[] = [];
  version.rules.forEach((r, i) => {
    const beaten = r.overriddenBy.map((w) => `!f${index.get(w)}`);
    settle.push(`const w${i} = ${[`f${i}`, ...beaten].join(" && ")};`);
  });
  // One statement per rule, not one sum of all of them: a version may have thousands of rules.
  if (n === 0) settle.push("const winners = 0;");
  else {
    settle.push("let winners = 0;");
    version.rules.forEach((_, i) => settle.push(`if (w${i}) winners++;`));
  }
  settle.push("const fired: string[] = [];");
  version.rules.forEach((r, i) => settle.push(`if (f${i}) fired.push(${JSON.stringify(r.id)});`));
  settle.push(`const id = ${inputVar}.${version.input.key.text};`);
  if (n > 0) {
    settle.push("if (winners === 1) {");
    version.rules.forEach((r, i) => settle.push(`if (w${i}) return rt.decided(manifest, id, asOf, ${JSON.stringify(r.id)}, ${JSON.stringify(r.clause)}, ${N.ruleResult(r.id)}(${inputVar}), fired);`));
    settle.push("}");
  }
  settle.push(`if (winners === 0) return rt.defaulted(manifest, id, asOf, default_result(${inputVar}), fired);`);
  settle.push("const conflict: string[] = [];");
  version.rules.forEach((r, i) => settle.push(`if (w${i}) conflict.push(${JSON.stringify(r.id)});`));
  settle.push("return rt.conflicted(manifest, id, asOf, conflict, fired);");
  fns.push({
    name: "settle",
    parameters: [inputParam, { name: "asOf", type: "string | null" }, ...flags.map((f) => ({ name: f, type: "boolean" }))],
    returnType: `rt.Decision<${decisionType}>`,
    docs: ["Picks the decision: the one applicable rule not set aside by another, the default when none, a conflict when several."],
    statements: settle,
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
      `return settle(${[inputVar, "asOf", ...version.rules.map((r) => `${N.ruleCondition(r.id)}(${inputVar})`)].join(", ")});`,
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
      ...version.rules.map((r, i) => `const f${i} = ${N.tracedRuleCondition(r.id)}(t, ${inputVar});\nconditions.push(t.takeLast());`),
      `const decision = settle(${[inputVar, "asOf", ...flags].join(", ")});`,
      "return { decision, trace: { rules: rt.ruleTraces(manifest, conditions, decision.fired) } };",
      "} finally {",
      "memo = false;",
      "}",
    ],
  });

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
  const body: (string | StatementStructures)[] = [...statements, ...emitter.hoisted, ...fns.map((f) => ({ ...f, kind: StructureKind.Function as const })), conditions];
  return render(`${version.id}/rules.ts`, banner(version.dir), [...header, ...body]);
}
