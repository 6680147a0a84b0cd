/**
 * `rules.ts` of a generated version: parameters, definitions and rules as plain typed functions of
 * the evaluation's frame (frame.ts), each rule's condition exported by rule id (`conditions`), the
 * evaluator and its traced variant (traced functions only where traced code calls them).
 * Takes the CheckedVersion and the expression emitter; every type comes from the checker.
 */
import { StructureKind, VariableDeclarationKind, type FunctionDeclarationStructure, type OptionalKind, type StatementStructures } from "ts-morph";
import type * as A from "../ast/nodes.js";
import type { CheckedVersion } from "../check/index.js";
import type { Type } from "../check/types.js";
import { exitCall, FRAME, FRAME_TYPE, INPUT, isComposite, leafCall, modelType, TRACER_TYPE, tracesParts, tsType, type ExpressionEmitter } from "./expressions.js";
import { cacheOf, frameClass, type DefinitionCache } from "./frame.js";
import { enabled, type GenerateOptions } from "./passes.js";
import { constantResult, settleCode } from "./settle.js";
import { declDoc } from "./model-file.js";
import * as N from "./names.js";
import { banner, doc, literal, render, RUNTIME, type GeneratedFile } from "./render.js";

function clauseSuffix(clause: string | undefined, titles: ReadonlyMap<string, string>): string {
  if (clause === undefined) return "";
  const t = titles.get(clause);
  return t === undefined ? ` (clause ${clause})` : ` (clause ${clause}, ${t})`;
}

/** The decision object a rule gives: its assignments, then defaults, in declaration order. */
function resultObject(version: CheckedVersion, result: readonly A.Assignment[], emitter: ExpressionEmitter, frozen = false): string {
  const given = new Map(result.map((a) => [a.field.text, a.value]));
  const parts = version.decision.fields.map((f) => {
    const v = given.get(f.name.text);
    const t = version.fieldTypes.get(version.decision.name.text)!.get(f.name.text)!;
    let code: string;
    if (v !== undefined) code = emitter.emit(v, new Map());
    else if (f.defaultValue !== undefined) code = emitter.emit(f.defaultValue, new Map());
    else code = t.kind === "list" ? "[]" : "null";
    // A shared (constant) result's lists are frozen too: nobody can change it through them.
    if (frozen && t.kind === "list") code = `Object.freeze(${code})`;
    return `${literal(f.name.text)}: ${code}`;
  });
  return `{ ${parts.join(", ")} }`;
}

export function rulesFile(version: CheckedVersion, emitter: ExpressionEmitter, options: GenerateOptions = {}): GeneratedFile {
  const input = modelType(version.input.type.text);
  const decisionType = modelType(version.decision.name.text);
  const clauseTitles = new Map(version.clauses.map((c) => [c.number, c.title]));
  const title = `${version.meta.document} ${version.meta.version}`;
  const fns: OptionalKind<FunctionDeclarationStructure>[] = [];
  const statements: (string | StatementStructures)[] = [];
  const frameParam = { name: FRAME, type: FRAME_TYPE };

  for (const p of version.parameters) {
    statements.push({
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [declDoc(p, `Parameter \`${p.name.text}\`.`)],
      declarations: [{ name: N.parameter(p.name.text), type: tsType(version.parameterTypes.get(p.name.text)!, modelType), initializer: emitter.emitConstant(p.value) }],
    });
  }

  // Rules first: their traced conditions say which traced definitions are needed.
  const ruleFns: OptionalKind<FunctionDeclarationStructure>[] = [];
  const constants: (string | StatementStructures)[] = [];
  for (const r of version.rules) {
    const source = r.decl.source === undefined ? "" : `\nSource: ${r.decl.source.value}.`;
    const titled = clauseTitles.has(r.clause) ? ` (${clauseTitles.get(r.clause)})` : "";
    ruleFns.push({
      name: N.ruleCondition(r.id),
      isExported: true,
      parameters: [frameParam],
      returnType: "boolean",
      docs: [doc(`Rule \`${r.id}\`: whether it applies.\nClause ${r.clause}${titled}.${source}\nRule: ${r.decl.span.file}:${r.decl.span.start.line}`)],
      statements: [`return ${emitter.emit(r.decl.condition, new Map())};`],
    });
    ruleFns.push({
      name: N.tracedRuleCondition(r.id),
      parameters: [{ name: "t", type: emitter.tracerType }, frameParam],
      returnType: "boolean",
      docs: [`Traced variant of {@link ${N.ruleCondition(r.id)}}.`],
      statements: [`return ${emitter.traceRoot(r.decl.condition, new Map(), r.clause)};`],
    });
    const resultDoc = `Rule \`${r.id}\`: the decision it gives (clause ${r.clause})`;
    ruleFns.push(resultFunction(version, emitter, N.ruleResult(r.id), r.decl.result, resultDoc, decisionType, enabled(options, "constant-results") ? constants : undefined));
  }
  const def = version.defaultResult!;
  const defaultDoc = `The decision when no rule applies${def.clause === undefined ? "" : ` (clause ${def.clause})`}.\nSource: ${def.decl.span.file}:${def.decl.span.start.line}`;
  ruleFns.push(resultFunction(version, emitter, "default_result", def.decl.result, defaultDoc, decisionType, enabled(options, "constant-results") ? constants : undefined));

  // Definitions, each with its traced variant when traced code calls it (which may call others).
  const caches: DefinitionCache[] = [];
  const traced = new Map<string, OptionalKind<FunctionDeclarationStructure>>();
  /** The traced definitions without parameters that the version's Tracer keeps (pass "definitions-in-tracer"). */
  const tracerFields: { name: string; result: string }[] = [];
  const plain: OptionalKind<FunctionDeclarationStructure>[] = [];
  for (const d of version.definitions) {
    const paramTypes = version.definitionParameterTypes.get(d.name.text)!;
    const vars = new Map<string, Type>(d.params.map((p, i) => [p.name.text, paramTypes[i]]));
    const result = tsType(version.definitionTypes.get(d.name.text)!, modelType);
    const params = [frameParam, ...d.params.map((p, i) => ({ name: N.variable(p.name.text), type: tsType(paramTypes[i], modelType) }))];
    const docs = [declDoc(d, `Definition \`${d.name.text}\`${clauseSuffix(d.context.clause, clauseTitles)}.`)];
    const body = emitter.emit(d.body, vars);
    const cache = cacheOf(version, d, result, enabled(options, "definition-cache"));
    if (cache !== undefined) caches.push(cache);
    plain.push({ name: N.definition(d.name.text), isExported: true, parameters: params, returnType: result, docs, statements: cache === undefined ? [`return ${body};`] : cache.statements(body) });
  }
  for (let grew = true; grew; ) {
    grew = false;
    for (const d of version.definitions) {
      if (traced.has(d.name.text) || !emitter.tracedDefinitionsUsed.has(d.name.text)) continue;
      grew = true;
      const paramTypes = version.definitionParameterTypes.get(d.name.text)!;
      const vars = new Map<string, Type>(d.params.map((p, i) => [p.name.text, paramTypes[i]]));
      const result = tsType(version.definitionTypes.get(d.name.text)!, modelType);
      const params = [frameParam, ...d.params.map((p, i) => ({ name: N.variable(p.name.text), type: tsType(paramTypes[i], modelType) }))];
      const facts = isComposite(d.body) ? [] : emitter.freePaths(d.body, vars);
      const site = emitter.definitionSite(d, facts);
      const args = d.params.map((p) => N.variable(p.name.text));
      const arity = args.length <= 4 ? `${args.length}` : "N";
      const argList = args.length <= 4 ? args : [`[${args.join(", ")}]`];
      traced.set(d.name.text, {
        name: N.tracedDefinition(d.name.text),
        parameters: [{ name: "t", type: emitter.tracerType }, ...params],
        returnType: result,
        docs: [`Traced variant of {@link ${N.definition(d.name.text)}}.`],
        // Traced once per evaluation and arguments: later reads reuse the node.
        statements: (() => {
          const { code: body, closed } = emitter.traceBody(d.body, vars, d.context.clause);
          // Pass "definitions-in-tracer": without parameters, where it was traced and its value are fields of the version's Tracer.
          if (args.length === 0 && enabled(options, "definitions-in-tracer")) {
            const at = N.tracedAt(d.name.text);
            const value = N.tracedValue(d.name.text);
            tracerFields.push({ name: d.name.text, result });
            const read = `if (t.${at} >= 0) return t.again(t.${at}, t.${value} as ${result});`;
            if (!closed && !tracesParts(body)) return [read, `const value = ${leafCall(site, body, facts)};`, `t.${at} = t.closed;`, `t.${value} = value;`, "return value;"];
            return [read, `const entered = t.enter(${site});`, `const value = ${closed ? body : exitCall(body, facts)};`, `t.${at} = entered;`, `t.${value} = value;`, "return value;"];
          }
          const again = `if (t.again${arity}(${[`${site}`, ...argList].join(", ")})) return t.value as ${result};`;
          if (!closed && !tracesParts(body)) return [again, `return t.remember${arity}(${[...argList, leafCall(site, body, facts)].join(", ")});`];
          const remember = `return t.remember${arity}(${[...argList, closed ? body : exitCall(body, facts), "entered"].join(", ")});`;
          // Pass "entered-once": whether it was traced before and the start of its site, in one call.
          if (enabled(options, "entered-once")) return [`const entered = t.enterOnce${arity}(${[`${site}`, ...argList].join(", ")});`, `if (entered < 0) return t.value as ${result};`, remember];
          return [again, `const entered = t.enter(${site});`, remember];
        })(),
      });
    }
  }
  version.definitions.forEach((d, i) => {
    fns.push(plain[i]);
    const t = traced.get(d.name.text);
    if (t !== undefined) fns.push(t);
  });
  fns.push(...ruleFns);

  const settle = settleCode(version, input, decisionType, title, enabled(options, "settled-sets"), emitter.tracerType);
  fns.push(...settle.functions);

  const ruleType: StatementStructures = {
    kind: StructureKind.Interface,
    name: "Rule",
    docs: ["A rule as evaluation uses it."],
    properties: [
      { name: "id", type: "string", isReadonly: true },
      { name: "clause", type: "string", isReadonly: true },
      { name: "applies", type: `(${FRAME}: ${FRAME_TYPE}) => boolean`, isReadonly: true },
      { name: "appliesTraced", type: `(t: ${emitter.tracerType}, ${FRAME}: ${FRAME_TYPE}) => boolean`, isReadonly: true },
      { name: "result", type: `(${FRAME}: ${FRAME_TYPE}) => ${decisionType}`, isReadonly: true },
      { name: "setAsideBy", type: "readonly number[]", isReadonly: true, docs: ["Positions in RULES of the rules that set this one aside when they apply (directly or through others)."] },
    ],
  };
  const index = new Map(version.rules.map((r, i) => [r.id, i]));
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
              `{ id: ${literal(r.id)}, clause: ${literal(r.clause)}, applies: ${N.ruleCondition(r.id)}, appliesTraced: ${N.tracedRuleCondition(r.id)}, result: ${N.ruleResult(r.id)}, setAsideBy: [${r.overriddenBy.map((w) => index.get(w)).join(", ")}] }`,
          )
          .join(",\n")}\n]`,
      },
    ],
  };
  const record = N.input(version.input.name.text);
  const conditions: StatementStructures = {
    kind: StructureKind.VariableStatement,
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: ["Each rule's condition, by rule id: whether the rule applies to a validated record (for tools that compare versions rule by rule), each call in a frame of its own."],
    declarations: [
      {
        name: "conditions",
        type: `Readonly<Record<string, (${record}: ${input}) => boolean>>`,
        initializer: `Object.freeze({\n${version.rules.map((r) => `${literal(r.id)}: (${record}: ${input}) => ${N.ruleCondition(r.id)}(new ${FRAME_TYPE}(${record}))`).join(",\n")}\n})`,
      },
    ],
  };
  void INPUT;
  const header: (string | StatementStructures)[] = [`import * as rt from ${literal(RUNTIME)};`, `import { manifest, traceSites } from "./manifest.js";`, `import type * as model from "./model.js";`];
  const frame = frameClass(input, caches, emitter.scanFields);
  const tracer = enabled(options, "definitions-in-tracer") ? [tracerClass(tracerFields)] : [];
  // Constant sets first: parameters' values (computed as the module loads) may test membership in them.
  const body: (string | StatementStructures)[] = [...emitter.constants, ...statements, frame, ...tracer, ...constants, ...emitter.hoisted, ...fns.map((f) => ({ ...f, kind: StructureKind.Function as const })), ruleType, rulesTable, ...settle.statements, conditions];
  return render(`${version.id}/rules.ts`, banner(version.dir), [...header, ...body]);
}

/**
 * Pass "definitions-in-tracer": the Tracer of one traced evaluation of the version, made for each
 * (as the Frame is). For each traced definition without parameters it keeps where the definition
 * was traced (the position of its ENTER or LEAF event, -1 before) and its value, so that a later
 * read adds its node again (`again`) after one test of a field, where the runtime's memo
 * (`again0` / `remember0`) searches lists by site. A part of a complete trace that fails and is
 * dropped (`unwind`) forgets the definitions it traced, as the memo does.
 */
function tracerClass(fields: readonly { name: string; result: string }[]): string {
  const unwind =
    fields.length === 0
      ? []
      : ["/** Drops what was recorded from `mark` on: definitions traced there are traced again when read again. */", "override unwind(mark: number): void {", "super.unwind(mark);", ...fields.map((d) => `if (this.${N.tracedAt(d.name)} >= mark) this.${N.tracedAt(d.name)} = -1;`), "}"];
  return [
    "/**",
    " * One traced evaluation's tracer: the runtime's, and where each definition without parameters was",
    " * traced (the position of its node's first event, -1 before) with its value. A new one per traced evaluation.",
    " */",
    `class ${TRACER_TYPE} extends rt.Tracer {`,
    ...fields.flatMap((d) => [`/** Where \`${d.name}\` was traced, once it is. */`, `${N.tracedAt(d.name)} = -1;`, `/** \`${d.name}\`, once traced. */`, `${N.tracedValue(d.name)}: ${d.result} | undefined = undefined;`]),
    ...unwind,
    "}",
  ].join("\n");
}

/**
 * A rule's (or the default's) result function. A result that is the same for every installation
 * (literals, enum members, parameters) is built once, frozen, and returned as is: deciding a record
 * allocates no result object (pass: constant results).
 */
function resultFunction(
  version: CheckedVersion,
  emitter: ExpressionEmitter,
  name: string,
  result: readonly A.Assignment[],
  docText: string,
  decisionType: string,
  constants: (string | StatementStructures)[] | undefined,
): OptionalKind<FunctionDeclarationStructure> {
  if (constants !== undefined && constantResult(version, result)) {
    const value = `${name}$value`;
    constants.push({
      kind: StructureKind.VariableStatement,
      declarationKind: VariableDeclarationKind.Const,
      docs: [doc(`${docText.split("\n")[0].replace(/\.$/, "")}: the same for every installation.`)],
      declarations: [{ name: value, type: `Readonly<${decisionType}>`, initializer: `Object.freeze<${decisionType}>(${resultObject(version, result, emitter, true)})` }],
    });
    return { name, isExported: true, parameters: [{ name: FRAME, type: FRAME_TYPE }], returnType: decisionType, docs: [doc(`${docText}.`)], statements: [`return ${value};`] };
  }
  return { name, isExported: true, parameters: [{ name: FRAME, type: FRAME_TYPE }], returnType: decisionType, docs: [doc(`${docText}.`)], statements: [`return ${resultObject(version, result, emitter)};`] };
}
