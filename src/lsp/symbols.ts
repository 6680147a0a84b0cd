/**
 * The symbol index of one checked version: every declaration (types, fields, enum members, the
 * input, parameters, definitions, rules, clauses, quantifier variables and definition parameters)
 * and every place a name refers to one, with its span. Built from the AST and the checker's
 * resolution (what each name and `.member` refers to), never from generated code; where the checker
 * did not get to an expression (an error stopped it) names are looked up by kind.
 *
 * Keys identify a symbol within a version: `type:Cohort`, `value:maxAttempts` (input, parameters,
 * definitions), `rule:r`, `field:Installation.cohort`, `member:Cohort.IOC`, `clause:4.26A`,
 * `var:<file>:<line>:<column>` (a bound variable, by where it is bound).
 */
import type { Ast as A, CheckedModel, Clause, SourcePosition, Span } from "./compiler-adapter.js";
import { printType, typeToString } from "./compiler-adapter.js";
import { spanContains } from "./positions.js";

export type TmadSymbol = (
  | { readonly kind: "enum"; readonly key: string; readonly name: string; readonly declaration: Span; readonly decl: A.EnumDecl }
  | { readonly kind: "record"; readonly key: string; readonly name: string; readonly declaration: Span; readonly decl: A.RecordDecl }
  | { readonly kind: "decision"; readonly key: string; readonly name: string; readonly declaration: Span; readonly decl: A.DecisionDecl }
  | { readonly kind: "identifier"; readonly key: string; readonly name: string; readonly declaration: Span; readonly decl: A.IdentifierDecl }
  | { readonly kind: "input"; readonly key: string; readonly name: string; readonly declaration: Span; readonly decl: A.InputDecl }
  | { readonly kind: "parameter"; readonly key: string; readonly name: string; readonly declaration: Span; readonly decl: A.ParameterDecl }
  | { readonly kind: "definition"; readonly key: string; readonly name: string; readonly declaration: Span; readonly decl: A.DefinitionDecl; readonly type?: string }
  | { readonly kind: "rule"; readonly key: string; readonly name: string; readonly declaration: Span; readonly decl: A.RuleDecl; readonly clause?: string }
  | { readonly kind: "field"; readonly key: string; readonly name: string; readonly declaration: Span; readonly owner: A.RecordDecl | A.DecisionDecl; readonly field: A.Field; readonly doc?: string }
  | { readonly kind: "member"; readonly key: string; readonly name: string; readonly declaration: Span; readonly owner: A.EnumDecl; readonly member: A.EnumMember }
  | { readonly kind: "clause"; readonly key: string; readonly name: string; readonly declaration: Span; readonly clause: Clause }
  | { readonly kind: "variable"; readonly key: string; readonly name: string; readonly declaration: Span; readonly type?: string; readonly binder: string }
) & {
  /** Set when an amendment of the version's chain replaced the declaration (`replace …`). */
  readonly replaced?: ReplacedDeclaration;
  /** For a member or field an amendment added (`extend enum`, `extend record`): where it was added. */
  readonly extendedIn?: Span;
};

/** For a declaration an amendment replaced: the base's declaration it stands in for. */
export interface ReplacedDeclaration {
  readonly declaration: Span;
  /** The base's declaration as written (`parameter x: integer = 36`), for hovers. */
  readonly decl: A.Declaration;
}

export interface Occurrence {
  readonly span: Span;
  readonly key: string;
  readonly declaration: boolean;
}

export interface SymbolIndex {
  readonly symbols: ReadonlyMap<string, TmadSymbol>;
  /** By file (project path), in source order. */
  readonly occurrences: ReadonlyMap<string, readonly Occurrence[]>;
}

/** A sub-span of one line: `length` characters ending where `span` ends (a number after `clause`). */
function tail(span: Span, length: number): Span {
  return { file: span.file, start: { line: span.end.line, column: Math.max(span.end.column - length, 1) }, end: span.end };
}

/** Where the clause number sits in its heading line (`## 4.26A Title`). */
function clauseNumberSpan(clause: Clause, text: string | undefined): Span {
  const line = text?.split("\n")[clause.span.start.line - 1] ?? "";
  const at = line.indexOf(clause.number, clause.span.start.column - 1);
  if (at < 0) return clause.span;
  return { file: clause.span.file, start: { line: clause.span.start.line, column: at + 1 }, end: { line: clause.span.start.line, column: at + 1 + clause.number.length } };
}

/**
 * Comment lines right above a field (`-- …`), joined: the field's doc, as declarations get theirs
 * from the parser. Suppressions (`-- allow …`) are not documentation.
 */
function fieldDoc(field: A.Field, lines: readonly string[] | undefined): string | undefined {
  if (lines === undefined) return undefined;
  const out: string[] = [];
  for (let i = field.span.start.line - 2; i >= 0; i--) {
    const l = lines[i]!.trim();
    if (!l.startsWith("--") || /^--\s*allow\s/.test(l)) break;
    out.unshift(l.replace(/^--\s?/, ""));
  }
  return out.length > 0 ? out.join("\n") : undefined;
}

export function buildIndex(model: CheckedModel): SymbolIndex {
  const symbols = new Map<string, TmadSymbol>();
  const occurrences = new Map<string, Occurrence[]>();
  const texts = new Map(model.files.map((f) => [f.path, f.text]));
  const lineCache = new Map<string, string[]>();
  const linesOf = (file: string): string[] | undefined => {
    if (!lineCache.has(file)) {
      const t = texts.get(file);
      if (t === undefined) return undefined;
      lineCache.set(file, t.replace(/\r\n?/g, "\n").split("\n"));
    }
    return lineCache.get(file);
  };
  const occur = (span: Span, key: string, declaration = false): void => {
    const list = occurrences.get(span.file) ?? [];
    list.push({ span, key, declaration });
    occurrences.set(span.file, list);
  };
  const declare = (symbol: TmadSymbol, replaces?: Span): void => {
    const earlier = symbols.get(symbol.key);
    if (earlier === undefined) symbols.set(symbol.key, symbol);
    // `replace …` stands in for the base's declaration, as in the checker; otherwise the first wins.
    else if (replaces !== undefined && "decl" in earlier) symbols.set(symbol.key, { ...symbol, replaced: { declaration: earlier.declaration, decl: earlier.decl } });
    occur(symbol.declaration, symbol.key, true);
  };

  // Declarations first, so references anywhere (before or after) resolve.
  let decision: A.DecisionDecl | undefined;
  const enumsByMember = new Map<string, string[]>();
  for (const c of model.clauses) declare({ kind: "clause", key: `clause:${c.number}`, name: c.number, declaration: clauseNumberSpan(c, texts.get(c.span.file)), clause: c });
  for (const d of model.declarations) {
    switch (d.kind) {
      case "EnumDecl":
        declare({ kind: "enum", key: `type:${d.name.text}`, name: d.name.text, declaration: d.name.span, decl: d });
        for (const m of d.members) {
          declare({ kind: "member", key: `member:${d.name.text}.${m.name.text}`, name: m.name.text, declaration: m.name.span, owner: d, member: m });
          enumsByMember.set(m.name.text, [...(enumsByMember.get(m.name.text) ?? []), d.name.text]);
        }
        break;
      case "RecordDecl":
      case "DecisionDecl":
        if (d.kind === "DecisionDecl" && decision === undefined) decision = d;
        declare(d.kind === "RecordDecl" ? { kind: "record", key: `type:${d.name.text}`, name: d.name.text, declaration: d.name.span, decl: d } : { kind: "decision", key: `type:${d.name.text}`, name: d.name.text, declaration: d.name.span, decl: d });
        for (const f of d.fields) {
          const doc = fieldDoc(f, linesOf(f.span.file));
          declare({ kind: "field", key: `field:${d.name.text}.${f.name.text}`, name: f.name.text, declaration: f.name.span, owner: d, field: f, ...(doc === undefined ? {} : { doc }) });
        }
        break;
      case "IdentifierDecl":
        declare({ kind: "identifier", key: `type:${d.name.text}`, name: d.name.text, declaration: d.name.span, decl: d });
        break;
      case "InputDecl":
        declare({ kind: "input", key: `value:${d.name.text}`, name: d.name.text, declaration: d.name.span, decl: d });
        break;
      case "ParameterDecl":
        declare({ kind: "parameter", key: `value:${d.name.text}`, name: d.name.text, declaration: d.name.span, decl: d }, d.replaces);
        break;
      case "DefinitionDecl": {
        const body = model.types.get(d.body);
        declare({ kind: "definition", key: `value:${d.name.text}`, name: d.name.text, declaration: d.name.span, decl: d, ...(body === undefined ? {} : { type: typeToString(body) }) }, d.replaces);
        break;
      }
      case "RuleDecl": {
        const clause = d.clause?.number ?? d.context.clause;
        declare({ kind: "rule", key: `rule:${d.name.text}`, name: d.name.text, declaration: d.name.span, decl: d, ...(clause === undefined ? {} : { clause }) }, d.replaces);
        break;
      }
      case "EnumExtension": {
        const base = symbols.get(`type:${d.name.text}`);
        if (base?.kind !== "enum") break;
        for (const m of d.members) {
          declare({ kind: "member", key: `member:${d.name.text}.${m.name.text}`, name: m.name.text, declaration: m.name.span, owner: base.decl, member: m, extendedIn: d.span });
          enumsByMember.set(m.name.text, [...(enumsByMember.get(m.name.text) ?? []), d.name.text]);
        }
        break;
      }
      case "RecordExtension": {
        const base = symbols.get(`type:${d.name.text}`);
        if (base?.kind !== "record") break;
        for (const f of d.fields) {
          const doc = fieldDoc(f, linesOf(f.span.file));
          declare({ kind: "field", key: `field:${d.name.text}.${f.name.text}`, name: f.name.text, declaration: f.name.span, owner: base.decl, field: f, extendedIn: d.span, ...(doc === undefined ? {} : { doc }) });
        }
        break;
      }
      case "DefaultDecl":
        break;
    }
  }

  const has = (key: string): boolean => symbols.has(key);
  const refer = (span: Span, key: string): void => {
    if (has(key)) occur(span, key);
  };

  const typeExpr = (t: A.TypeExpr): void => {
    if (t.kind === "NamedType") refer(t.name.span, `type:${t.name.text}`);
    else if (t.kind === "ListType") typeExpr(t.element);
    else if (t.kind === "OptionalType") typeExpr(t.inner);
  };

  type Scope = ReadonlyMap<string, string>;
  const bind = (scope: Scope, name: A.Name, binder: string, type: string | undefined): Scope => {
    const key = `var:${name.span.file}:${name.span.start.line}:${name.span.start.column}`;
    declare({ kind: "variable", key, name: name.text, declaration: name.span, binder, ...(type === undefined ? {} : { type }) });
    return new Map([...scope, [name.text, key]]);
  };
  const elementType = (collection: A.Expr): string | undefined => {
    const t = model.types.get(collection);
    if (t === undefined) return undefined;
    const list = t.kind === "optional" ? t.inner : t;
    return list.kind === "list" ? typeToString(list.element) : undefined;
  };

  const name = (e: A.Expr & { kind: "NameRef" }, scope: Scope): void => {
    const n = e.name.text;
    const ref = model.refs.get(e);
    if (ref?.kind === "variable" || (ref === undefined && scope.has(n))) {
      const key = scope.get(n);
      if (key !== undefined) occur(e.name.span, key);
      return;
    }
    if (ref?.kind === "input" || ref?.kind === "parameter" || ref?.kind === "definition") return refer(e.name.span, `value:${n}`);
    if (ref?.kind === "enumMember") return refer(e.name.span, ref.member === "" ? `type:${ref.enumName}` : `member:${ref.enumName}.${ref.member}`);
    // Not resolved by the checker (an error stopped it): the one thing the name can be, if any.
    if (has(`value:${n}`)) return refer(e.name.span, `value:${n}`);
    const owners = enumsByMember.get(n);
    if (owners !== undefined && owners.length === 1) return refer(e.name.span, `member:${owners[0]}.${n}`);
    const t = symbols.get(`type:${n}`);
    if (t?.kind === "enum") refer(e.name.span, t.key);
  };

  const expr = (e: A.Expr, scope: Scope): void => {
    switch (e.kind) {
      case "NameRef":
        return name(e, scope);
      case "MemberAccess": {
        expr(e.object, scope);
        const ref = model.refs.get(e);
        if (ref?.kind === "field") return refer(e.member.span, `field:${ref.recordName}.${ref.field}`);
        if (ref?.kind === "enumMember") return refer(e.member.span, `member:${ref.enumName}.${ref.member}`);
        if (e.object.kind === "NameRef" && symbols.get(`type:${e.object.name.text}`)?.kind === "enum") refer(e.member.span, `member:${e.object.name.text}.${e.member.text}`);
        return;
      }
      case "Call":
        refer(e.callee.span, `value:${e.callee.text}`);
        for (const a of e.args) expr(a, scope);
        return;
      case "ClauseLiteral":
        return refer(tail(e.span, e.number.length), `clause:${e.number}`);
      case "Quantified": {
        expr(e.collection, scope);
        const inner = bind(scope, e.variable, e.quantifier, elementType(e.collection));
        if (e.filter !== undefined) expr(e.filter, inner);
        if (e.predicate !== undefined) expr(e.predicate, inner);
        return;
      }
      case "Aggregated":
      case "Collect": {
        expr(e.collection, scope);
        const inner = bind(scope, e.variable, e.kind === "Collect" ? "collect" : e.aggregate, elementType(e.collection));
        expr(e.value, inner);
        if (e.filter !== undefined) expr(e.filter, inner);
        return;
      }
      case "Unary":
        return expr(e.operand, scope);
      case "Binary":
        expr(e.left, scope);
        return expr(e.right, scope);
      case "Membership":
        expr(e.element, scope);
        for (const s of e.set) expr(s, scope);
        return;
      case "Presence":
        return expr(e.operand, scope);
      case "Otherwise":
        expr(e.value, scope);
        return expr(e.fallback, scope);
      case "If":
        expr(e.condition, scope);
        expr(e.then, scope);
        return expr(e.else, scope);
      case "ListLiteral":
        for (const x of e.elements) expr(x, scope);
        return;
      case "DaysBetween":
        expr(e.from, scope);
        return expr(e.to, scope);
      default:
        return;
    }
  };

  const result = (assignments: readonly A.Assignment[]): void => {
    for (const a of assignments) {
      if (decision !== undefined) refer(a.field.span, `field:${decision.name.text}.${a.field.text}`);
      expr(a.value, new Map());
    }
  };

  for (const d of model.declarations) {
    switch (d.kind) {
      case "RecordDecl":
      case "DecisionDecl":
        for (const f of d.fields) {
          typeExpr(f.type);
          if (f.defaultValue !== undefined) expr(f.defaultValue, new Map());
        }
        break;
      case "RecordExtension":
        refer(d.name.span, `type:${d.name.text}`);
        for (const f of d.fields) {
          typeExpr(f.type);
          if (f.defaultValue !== undefined) expr(f.defaultValue, new Map());
        }
        break;
      case "EnumExtension":
        refer(d.name.span, `type:${d.name.text}`);
        break;
      case "InputDecl":
        refer(d.type.span, `type:${d.type.text}`);
        refer(d.key.span, `field:${d.type.text}.${d.key.text}`);
        break;
      case "ParameterDecl":
        typeExpr(d.type);
        expr(d.value, new Map());
        break;
      case "DefinitionDecl": {
        let scope: Scope = new Map();
        for (const p of d.params) {
          typeExpr(p.type);
          scope = bind(scope, p.name, `parameter of ${d.name.text}`, undefined);
        }
        if (d.type !== undefined) typeExpr(d.type);
        expr(d.body, scope);
        break;
      }
      case "RuleDecl":
        if (d.clause !== undefined) refer(d.clause.span, `clause:${d.clause.number}`);
        expr(d.condition, new Map());
        result(d.result);
        for (const r of [...d.unless, ...d.overrides]) refer(r.span, `rule:${r.text}`);
        break;
      case "DefaultDecl":
        if (d.clause !== undefined) refer(d.clause.span, `clause:${d.clause.number}`);
        result(d.result);
        break;
      default:
        break;
    }
  }
  // Definition parameters have their declared type; say so on hover.
  for (const d of model.declarations) {
    if (d.kind !== "DefinitionDecl") continue;
    for (const p of d.params) {
      const key = `var:${p.name.span.file}:${p.name.span.start.line}:${p.name.span.start.column}`;
      const s = symbols.get(key);
      if (s?.kind === "variable") symbols.set(key, { ...s, type: printType(p.type) });
    }
  }
  for (const list of occurrences.values()) list.sort((a, b) => a.span.start.line - b.span.start.line || a.span.start.column - b.span.start.column);
  return { symbols, occurrences };
}

/** The occurrence under the cursor in `file`, if any (the innermost, when spans nest). */
export function occurrenceAt(index: SymbolIndex, file: string, p: SourcePosition): Occurrence | undefined {
  let found: Occurrence | undefined;
  for (const o of index.occurrences.get(file) ?? []) {
    if (o.span.start.line > p.line) break;
    if (spanContains(o.span, p)) found = o;
  }
  return found;
}
