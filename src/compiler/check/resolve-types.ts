/**
 * Check pass "resolve types": every type written in a declaration → a Type. Gives the fields of
 * each record and of the decision, the declared types of parameters and of definitions' parameters
 * and results, and the input record. Reports unknown types (TMAD3004), duplicate fields (TMAD3008),
 * records that contain themselves (TMAD3012), defaults on input fields (TMAD3015), an input that is
 * not a record or has no text key, identifier patterns that are invalid (TMAD4008) or could take
 * exponential time (TMAD4014), and replacements that change a declaration's type (TMAD3018).
 */
import type * as A from "../ast/nodes.js";
import { printType } from "../ast/print.js";
import { type Report } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/suggest.js";
import type { ReplacedPair } from "./amend.js";
import type { Symbols } from "./collect.js";
import { patternProblem } from "./patterns.js";
import * as Ty from "./types.js";
import type { Type } from "./types.js";

export interface DeclaredTypes {
  readonly fieldTypes: Map<string, Map<string, Type>>;
  readonly fieldDefaults: Map<string, Map<string, A.Expr>>;
  readonly decisionFields: Map<string, { readonly field: A.Field; readonly type: Type }>;
  readonly parameterTypes: Map<string, Type>;
  readonly definitionParameterTypes: Map<string, Type[]>;
  /** Definitions whose result type is written. */
  readonly definitionDeclaredTypes: Map<string, Type>;
  readonly inputRecord?: A.RecordDecl;
  /** Records and enums the parser recovered inside: what they lack is not reported again. */
  readonly recoveredTypes: ReadonlySet<string>;
  /**
   * Parameters and definitions whose replacement changed their type (TMAD3018): their uses are
   * typed as errors, so the base's rules do not report the consequences again.
   */
  readonly refused: ReadonlySet<string>;
}

/** Resolves type expressions against the version's declared types. */
export class TypeResolver {
  constructor(
    private readonly s: Symbols,
    private readonly report: Report,
  ) {}

  resolve(t: A.TypeExpr, quiet = false): Type {
    switch (t.kind) {
      case "ScalarType":
        return { kind: t.name };
      case "ListType":
        return { kind: "list", element: this.resolve(t.element, quiet) };
      case "OptionalType": {
        const inner = this.resolve(t.inner, quiet);
        if (inner.kind === "optional" && !quiet) this.report("TMAD4001", t.span, "`optional optional` is the same as `optional`", "write `optional` once");
        return inner.kind === "optional" ? inner : { kind: "optional", inner };
      }
      case "NamedType": {
        const n = t.name.text;
        if (this.s.enums.has(n)) return { kind: "enum", name: n };
        if (this.s.records.has(n)) return { kind: "record", name: n };
        if (this.s.identifiers.has(n)) return { kind: "identifier", name: n };
        if (!quiet) {
          const candidates = [...this.s.enums.keys(), ...this.s.records.keys(), ...this.s.identifiers.keys(), "boolean", "integer", "decimal", "text", "date", "datetime", "clause"];
          this.report("TMAD3004", t.name.span, `unknown type \`${n}\``, didYouMean(n, candidates) ?? "declare it as an enum, record or identifier type");
        }
        return Ty.ERROR;
      }
    }
  }
}

export function resolveTypes(s: Symbols, pairs: readonly ReplacedPair[], addedFields: ReadonlySet<A.Field>, report: Report): DeclaredTypes {
  const parameterTypes = new Map<string, Type>();
  const resolver = new TypeResolver(s, report);
  const fieldTypes = new Map<string, Map<string, Type>>();
  const fieldDefaults = new Map<string, Map<string, A.Expr>>();
  const recoveredTypes = new Set<string>([...s.records.values(), ...s.enums.values()].filter((d) => d.recovered === true).map((d) => d.name.text));

  const fields = (owner: string, list: readonly A.Field[], allowDefaults: boolean): Map<string, Type> => {
    const types = new Map<string, Type>();
    for (const f of list) {
      if (types.has(f.name.text)) {
        report("TMAD3008", f.name.span, `\`${owner}\` has two fields named \`${f.name.text}\``, "rename or remove one");
        continue;
      }
      types.set(f.name.text, resolver.resolve(f.type));
      if (f.dated !== undefined && allowDefaults) {
        report("TMAD3015", f.dated.span, `decision field \`${owner}.${f.name.text}\` cannot be dated`, "`dated by` says when an input fact became known; decisions are not facts");
      }
      if (f.defaultValue === undefined) continue;
      if (allowDefaults || addedFields.has(f)) {
        if (!allowDefaults) fieldDefaults.set(owner, (fieldDefaults.get(owner) ?? new Map()).set(f.name.text, f.defaultValue));
      } else {
        report("TMAD3015", f.defaultValue.span, `record field \`${owner}.${f.name.text}\` cannot have a default value`, "input facts come from the record; only decision fields, and fields an amendment adds with `extend record`, have defaults");
      }
    }
    fieldTypes.set(owner, types);
    return types;
  };
  for (const r of s.records.values()) fields(r.name.text, r.fields, false);
  recordCycles(s, fieldTypes, report);
  for (const i of s.identifiers.values()) if (i.recovered !== true) identifier(i, report);
  const inputRecord = input(s, fieldTypes, report);

  const decisionFields = new Map<string, { field: A.Field; type: Type }>();
  if (s.decision !== undefined) {
    const types = fields(s.decision.name.text, s.decision.fields, true);
    for (const f of s.decision.fields) {
      const type = types.get(f.name.text);
      if (type !== undefined && !decisionFields.has(f.name.text)) decisionFields.set(f.name.text, { field: f, type });
    }
  }

  for (const p of s.parameters.values()) parameterTypes.set(p.name.text, p.recovered === true ? Ty.ERROR : resolver.resolve(p.type));
  const definitionParameterTypes = new Map<string, Type[]>();
  const definitionDeclaredTypes = new Map<string, Type>();
  for (const d of s.definitions.values()) {
    const seen = new Set<string>();
    for (const p of d.params) {
      if (seen.has(p.name.text)) report("TMAD3014", p.name.span, `parameter \`${p.name.text}\` is listed twice`, "rename one");
      seen.add(p.name.text);
    }
    definitionParameterTypes.set(d.name.text, d.params.map((p) => resolver.resolve(p.type)));
    if (d.recovered === true) definitionDeclaredTypes.set(d.name.text, Ty.ERROR);
    else if (d.type !== undefined) definitionDeclaredTypes.set(d.name.text, resolver.resolve(d.type));
  }

  const refused = new Set<string>();
  for (const { replacement, previous, current } of pairs) {
    if (current.recovered === true || previous.recovered === true) continue;
    const at = current.kind === "DefaultDecl" ? current.span : current.name.span;
    const from = replacement.from;
    if (previous.kind === "ParameterDecl" && current.kind === "ParameterDecl") {
      const was = resolver.resolve(previous.type, true);
      const now = resolver.resolve(current.type, true);
      if (!Ty.isError(was) && !Ty.isError(now) && !Ty.sameType(was, now)) {
        report("TMAD3018", current.type.span, `\`replace parameter ${current.name.text}\` changes its type from ${Ty.typeToString(was)} (in ${from}) to ${Ty.typeToString(now)}`, `keep the type: \`replace parameter ${current.name.text}: ${printType(previous.type)} = …\``);
        refused.add(current.name.text);
        parameterTypes.set(current.name.text, Ty.ERROR);
      }
    }
    if (previous.kind === "DefinitionDecl" && current.kind === "DefinitionDecl") {
      const was = previous.params.map((p) => resolver.resolve(p.type, true));
      const now = definitionParameterTypes.get(current.name.text) ?? [];
      const sig = (d: A.DefinitionDecl): string => `${d.name.text}(${d.params.map((p) => `${p.name.text}: ${printType(p.type)}`).join(", ")})`;
      if (was.length !== now.length || was.some((t, i) => !Ty.isError(t) && !Ty.isError(now[i]) && !Ty.sameType(t, now[i]))) {
        report("TMAD3018", at, `\`replace definition ${current.name.text}\` changes its parameters from \`${sig(previous)}\` (in ${from}) to \`${sig(current)}\``, "keep the parameters' number and types: every use of the definition passes them");
        refused.add(current.name.text);
      }
      // Declared result types are compared here; an inferred one is compared once inferred (declarations.ts).
      if (previous.type !== undefined && current.type !== undefined) {
        const a = resolver.resolve(previous.type, true);
        const b = resolver.resolve(current.type, true);
        if (!Ty.isError(a) && !Ty.isError(b) && !Ty.sameType(a, b)) {
          report("TMAD3018", current.type.span, `\`replace definition ${current.name.text}\` changes its type from ${Ty.typeToString(a)} (in ${from}) to ${Ty.typeToString(b)}`, `keep the type ${Ty.typeToString(a)}: every use of the definition expects it`);
          refused.add(current.name.text);
        }
      }
    }
  }

  return { fieldTypes, fieldDefaults, decisionFields, parameterTypes, definitionParameterTypes, definitionDeclaredTypes, ...(inputRecord === undefined ? {} : { inputRecord }), recoveredTypes, refused };
}

function recordNameIn(t: Type): string | undefined {
  if (t.kind === "record") return t.name;
  if (t.kind === "optional") return recordNameIn(t.inner);
  if (t.kind === "list") return recordNameIn(t.element);
  return undefined;
}

/** A record that contains itself, directly or through other records: no finite value has it. */
function recordCycles(s: Symbols, fieldTypes: ReadonlyMap<string, ReadonlyMap<string, Type>>, report: Report): void {
  const state = new Map<string, "visiting" | "done">();
  for (const start of s.records.keys()) {
    if (state.has(start)) continue;
    // Iterative depth-first search: the path is the stack.
    const stack: { name: string; next: string[] }[] = [];
    const enter = (name: string): void => {
      state.set(name, "visiting");
      const next = [...(fieldTypes.get(name)?.values() ?? [])].map(recordNameIn).filter((x): x is string => x !== undefined);
      stack.push({ name, next });
    };
    enter(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const n = top.next.shift();
      if (n === undefined) {
        state.set(top.name, "done");
        stack.pop();
        continue;
      }
      if (state.get(n) === "done") continue;
      if (state.get(n) === "visiting") {
        const r = s.records.get(n)!;
        report("TMAD3012", r.name.span, `record \`${n}\` contains itself (${[...stack.map((f) => f.name), n].join(" → ")})`, "records must nest finitely; refer to the other item by its id instead");
        continue;
      }
      if (s.records.has(n)) enter(n);
    }
  }
}

function identifier(i: A.IdentifierDecl, report: Report): void {
  let valid = true;
  try {
    new RegExp(i.pattern.value, "u");
  } catch (e) {
    valid = false;
    report("TMAD4008", i.pattern.span, `pattern of identifier \`${i.name.text}\` is not a valid regular expression: ${(e as Error).message}`, 'write a JavaScript regular expression, e.g. "^[0-9]{13}$"');
  }
  if (valid) {
    const problem = patternProblem(i.pattern.value);
    if (problem !== undefined) {
      report("TMAD4014", i.pattern.span, `pattern of identifier \`${i.name.text}\` could take exponential time on some values: ${problem}`, "write each repeated part so it can match in one way only: a fixed count (`{2}`) inside a repetition, or a character class (`[ab]+`) instead of an alternation or a repeated group");
    }
  }
  const cd = i.checkDigit;
  if (cd !== undefined && (cd.weights.length === 0 || cd.moduli.length === 0 || cd.moduli.some((m) => m < 2))) {
    report("TMAD4008", cd.span, "a check digit needs at least one weight and moduli of 2 or more", "e.g. `checkdigit weights 3, 5, 7 mod 11 mod 10`");
  }
}

function input(s: Symbols, fieldTypes: ReadonlyMap<string, ReadonlyMap<string, Type>>, report: Report): A.RecordDecl | undefined {
  const decl = s.input;
  if (decl === undefined || decl.recovered === true) return undefined;
  const record = s.records.get(decl.type.text);
  if (record === undefined) {
    report("TMAD3004", decl.type.span, `input type \`${decl.type.text}\` is not a declared record`, didYouMean(decl.type.text, s.records.keys()) ?? "declare it with `record`");
    return undefined;
  }
  const keyType = fieldTypes.get(record.name.text)?.get(decl.key.text);
  if (keyType === undefined) {
    if (record.recovered === true) return undefined;
    report("TMAD3002", decl.key.span, `record ${record.name.text} has no field \`${decl.key.text}\``, didYouMean(decl.key.text, fieldTypes.get(record.name.text)?.keys() ?? []) ?? "name the field that identifies each record");
    return undefined;
  }
  if (keyType.kind !== "text" && keyType.kind !== "identifier") {
    report("TMAD4001", decl.key.span, `the key \`${decl.key.text}\` must be text or an identifier type, not ${Ty.typeToString(keyType)}`, "identify records by a text field");
    return undefined;
  }
  return record;
}
