/**
 * Check pass "values": types the version's values in dependency order: each parameter's value
 * (constant: literals and other parameters only), the default of each decision field and of each
 * field an amendment added, then each definition's body. A definition replaced by an amendment
 * must keep its result type (TMAD3018).
 */
import type * as A from "../ast/nodes.js";
import { forEachExpr } from "../ast/walk.js";
import { type Report } from "../diagnostics/diagnostic.js";
import type { ReplacedPair } from "./amend.js";
import type { ConstantValue } from "./checked-version.js";
import type { Symbols } from "./collect.js";
import { foldValue } from "./fold.js";
import { EMPTY_SCOPE, Inference } from "./infer.js";
import { TypeResolver, type DeclaredTypes } from "./resolve-types.js";
import * as Ty from "./types.js";
import type { Type } from "./types.js";

const CONSTANT = { ...EMPTY_SCOPE, constantOnly: true };

/**
 * A constant (a parameter's value, a default) is computed when the evaluator loads or on every
 * record: a division in it must have a divisor that folds (./fold.ts) to a number other than zero,
 * or the version could not load, or no record could be decided (TMAD4015).
 */
function checkDivisors(root: A.Expr, folded: ReadonlyMap<string, ConstantValue>, what: string, report: Report): void {
  forEachExpr(root, (e) => {
    if (e.kind !== "Binary" || e.operator !== "/") return;
    const divisor = foldValue(e.right, folded);
    if (divisor === 0) report("TMAD4015", e.right.span, `${what} divides by zero`, "divide by a number other than zero, or compute the value in a definition");
    else if (typeof divisor !== "number") report("TMAD4015", e.right.span, `${what} divides by a value that cannot be computed in advance, so it could be zero`, "divide by a literal or a parameter computed with `+ - * /` from literals, not zero");
  });
}

export function typeValues(
  s: Symbols,
  declared: DeclaredTypes,
  order: { readonly parameters: readonly A.ParameterDecl[]; readonly definitions: readonly A.DefinitionDecl[] },
  pairs: readonly ReplacedPair[],
  inference: Inference,
  report: Report,
): void {
  const folded = new Map<string, ConstantValue>();
  for (const p of order.parameters) {
    if (p.recovered === true || declared.refused.has(p.name.text)) continue;
    const want = declared.parameterTypes.get(p.name.text) ?? Ty.ERROR;
    inference.expectAssignable(p.value, inference.typeOf(p.value, CONSTANT, want), want, `value of parameter \`${p.name.text}\``);
    checkDivisors(p.value, folded, `parameter \`${p.name.text}\``, report);
    const v = foldValue(p.value, folded);
    if (v !== undefined) folded.set(p.name.text, v);
  }
  if (s.decision !== undefined) {
    for (const [name, { field, type }] of declared.decisionFields) {
      if (field.defaultValue === undefined) continue;
      inference.expectAssignable(field.defaultValue, inference.typeOf(field.defaultValue, CONSTANT, type), type, `default of \`${name}\``);
      checkDivisors(field.defaultValue, folded, `the default of \`${name}\``, report);
    }
  }
  for (const [record, defaults] of declared.fieldDefaults) {
    for (const [name, value] of defaults) {
      const type = declared.fieldTypes.get(record)?.get(name) ?? Ty.ERROR;
      inference.expectAssignable(value, inference.typeOf(value, CONSTANT, type), type, `default of \`${record}.${name}\``);
      checkDivisors(value, folded, `the default of \`${record}.${name}\``, report);
    }
  }
  for (const d of order.definitions) {
    const declaredType = declared.definitionDeclaredTypes.get(d.name.text);
    if (d.recovered === true) {
      inference.definitionTypes.set(d.name.text, Ty.ERROR);
      continue;
    }
    const params = declared.definitionParameterTypes.get(d.name.text) ?? [];
    const vars = new Map<string, Type>(d.params.map((p, i) => [p.name.text, params[i] ?? Ty.ERROR]));
    const actual = inference.typeOf(d.body, { vars, narrowed: new Set(), constantOnly: false }, declaredType);
    if (declaredType !== undefined) inference.expectAssignable(d.body, actual, declaredType, `definition \`${d.name.text}\``);
    inference.definitionTypes.set(d.name.text, declaredType ?? actual);
  }
  // A replaced definition whose result type is inferred on either side: compare what the
  // replaced body gives, typed (without reporting) against the consolidated version.
  for (const { replacement, previous, current } of pairs) {
    if (previous.kind !== "DefinitionDecl" || current.kind !== "DefinitionDecl" || current.recovered === true) continue;
    if (previous.type !== undefined && current.type !== undefined) continue; // compared in resolve-types
    const now = inference.definitionTypes.get(current.name.text) ?? Ty.ERROR;
    const silent = (): void => undefined;
    const quiet = new Inference(s, declared, silent);
    for (const [k, v] of inference.definitionTypes) quiet.definitionTypes.set(k, v);
    const resolver = new TypeResolver(s, silent);
    const params = previous.params.map((p) => [p.name.text, resolver.resolve(p.type, true)] as const);
    const was = previous.type !== undefined ? resolver.resolve(previous.type, true) : quiet.typeOf(previous.body, { vars: new Map(params), narrowed: new Set(), constantOnly: false });
    if (!Ty.isError(was) && !Ty.isError(now) && !Ty.sameType(was, now) && !declared.refused.has(current.name.text)) {
      report("TMAD3018", current.name.span, `\`replace definition ${current.name.text}\` changes its type from ${Ty.typeToString(was)} (in ${replacement.from}) to ${Ty.typeToString(now)}`, `make it give ${Ty.typeToString(was)}: every use of the definition expects that`);
    }
  }
}
