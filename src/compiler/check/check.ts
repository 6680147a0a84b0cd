/**
 * Stage 3, check: ParsedVersion → CheckedVersion.
 *
 * Runs the checker's passes in order, each reporting through the one acceptor:
 *   amend        `replace` and `extend` across the base chain → one list of declarations
 *   collect      declarations → symbol tables (duplicates, reserved and missing names)
 *   resolve      written types → types (fields, records, identifiers, input, decision)
 *   dependencies what each declaration uses → dependency order (cycles)
 *   values       parameters, field defaults, definitions typed in that order (infer, narrow)
 *   rules        conditions and results of rules and the default
 *   dating       `dated by` declarations of records and fields
 *   node checks  per-node checks of every expression (dates, clause literals, `every`)
 *   precedence   `unless` / `overrides` → edges (unknown rules, cycles)
 *   unused       declarations nothing uses
 *   examples     `tmad-example` blocks → examples and named installations
 *   fold         parameters' values folded
 * Ordering: collect needs amend's consolidated list; dependencies needs collect's tables; values
 * need dependency order so that every use finds its declaration already typed (no recursion from
 * one declaration into another); unused needs every expression typed. A declaration the parser
 * recovered inside is registered by name and otherwise left alone. The result is undefined when
 * the version has errors: later stages only ever see a consistent version.
 */
import { expressionsOf } from "../ast/walk.js";
import { reporter, type Accept } from "../diagnostics/diagnostic.js";
import { resolveExamples } from "../examples/resolve.js";
import type { ParsedVersion } from "../parse/index.js";
import { consolidateDeclarations } from "./amend.js";
import type * as A from "../ast/nodes.js";
import type { CheckedVersion, DeclarationKey, Ref } from "./checked-version.js";
import { checkDating } from "./dating.js";
import { collect } from "./collect.js";
import { dependencies } from "./dependencies.js";
import { foldParameters } from "./fold.js";
import { Inference } from "./infer.js";
import { checkNodes } from "./node-checks.js";
import { checkPrecedence } from "./precedence.js";
import { resolveTypes } from "./resolve-types.js";
import { checkRules } from "./rules.js";
import { reportUnused } from "./unused.js";
import type { Type } from "./types.js";
import { typeValues } from "./values.js";

/** Each expression's type and what each name refers to, as far as checking got. */
export interface Resolution {
  readonly types: ReadonlyMap<A.Expr, Type>;
  readonly refs: ReadonlyMap<A.Expr, Ref>;
}

export function checkVersion(parsed: ParsedVersion, accept: Accept): CheckedVersion | undefined {
  return checkWithResolution(parsed, accept).checked;
}

/**
 * The check stage, with the checker's resolution also when the version has errors: for tools that
 * work on rules being edited (the language server).
 */
export function checkWithResolution(parsed: ParsedVersion, accept: Accept): { checked?: CheckedVersion; resolution: Resolution } {
  const { extracted } = parsed;
  let failed = false;
  const acceptAll: Accept = (d) => {
    if (d.severity === "error") failed = true;
    accept(d);
  };
  const report = reporter(acceptAll);

  const consolidated = consolidateDeclarations(parsed.program.declarations, extracted.layers, report);
  const declarations = consolidated.declarations;
  const s = collect(declarations, extracted.files[0]?.path ?? extracted.dir, report);
  const declared = resolveTypes(s, consolidated.pairs, consolidated.addedFields, report);
  const deps = dependencies(s, report);
  const inference = new Inference(s, declared, report);
  typeValues(s, declared, { parameters: deps.parameterOrder, definitions: deps.definitionOrder }, consolidated.pairs, inference, report);
  const clauseNumbers = new Set(extracted.clauses.map((c) => c.number));
  const ruleClauses = checkRules(s, declared, clauseNumbers, inference, report);
  checkDating(s, declared, inference, report);
  checkNodes(
    declarations.filter((d) => d.recovered !== true).flatMap(expressionsOf),
    clauseNumbers,
    report,
  );
  const precedence = checkPrecedence(s.rules, report);
  reportUnused(s, inference.used, report);
  const examples = resolveExamples(extracted.blocks, acceptAll, extracted.layers.map((l) => l.id));
  const constants = foldParameters(deps.parameterOrder);

  const recovered = declarations.some((d) => d.recovered === true);
  const { meta } = extracted;
  const resolution: Resolution = { types: inference.types, refs: inference.refs };
  if (failed || recovered || meta === undefined || s.input === undefined || s.decision === undefined || declared.inputRecord === undefined || precedence === undefined) return { resolution };
  const checked: CheckedVersion = {
    id: extracted.id,
    dir: extracted.dir,
    meta,
    clauses: extracted.clauses,
    files: extracted.files,
    blocks: extracted.blocks,
    layers: extracted.layers,
    ...(extracted.amendment === undefined ? {} : { amendment: extracted.amendment }),
    replacements: [...consolidated.replacements, ...examples.replacements],
    ...(extracted.pins === undefined ? {} : { pins: extracted.pins }),
    suppressions: parsed.suppressions,
    examples: examples.examples,
    installations: examples.installations,
    enums: [...s.enums.values()],
    records: [...s.records.values()],
    identifiers: [...s.identifiers.values()],
    input: s.input,
    inputRecord: declared.inputRecord,
    decision: s.decision,
    parameters: deps.parameterOrder,
    definitions: deps.definitionOrder,
    rules: ruleClauses.rules.map((r) => ({ ...r, overriddenBy: precedence.overriddenBy.get(r.id) ?? [] })),
    ...(ruleClauses.defaultResult === undefined ? {} : { defaultResult: ruleClauses.defaultResult }),
    precedence: precedence.edges,
    types: inference.types,
    refs: inference.refs,
    narrowed: inference.narrowedNodes,
    fieldTypes: declared.fieldTypes,
    fieldDefaults: declared.fieldDefaults,
    parameterTypes: declared.parameterTypes,
    definitionParameterTypes: declared.definitionParameterTypes,
    definitionTypes: inference.definitionTypes,
    constants,
    dependencies: deps.direct,
  };
  return { checked, resolution };
}

/** The declarations `start` uses, directly or through definitions and parameters (and `start` itself). */
export function transitiveDependencies(version: CheckedVersion, start: Iterable<DeclarationKey>): Set<DeclarationKey> {
  const seen = new Set<DeclarationKey>();
  const stack = [...start];
  while (stack.length > 0) {
    const k = stack.pop()!;
    if (seen.has(k)) continue;
    seen.add(k);
    stack.push(...(version.dependencies.get(k) ?? []));
  }
  return seen;
}

