/**
 * Completion inside `tmad` blocks. What the cursor needs is decided the way the compiler would see
 * it: the word being typed is replaced by a placeholder name, the version is checked again with
 * that text, and the placeholder's place in the AST says what fits there: after `.`, the fields of
 * the record the checker inferred for the expression before the dot (or an enum's members); in an
 * expression, the variables in scope, the input, parameters, definitions, enums and their members
 * (the members of the enum the other side of a comparison expects first). Rule names after
 * `unless`/`overrides`, clause numbers after `clause`, and decision fields and their values in a
 * result (`then field = …`) are recognised from the text of the declaration.
 */
import { CompletionItemKind, type CompletionItem, type Position } from "vscode-languageserver";
import { checkSource, printType, readVersionSource, typeToString, type Ast as A, type CheckedModel, type RuleBlock, type SourceReader, type Type } from "./compiler-adapter.js";
import { offsetOf, spanContains, toSourcePosition } from "./positions.js";
import type { Workspace } from "./workspace.js";

const PLACEHOLDER = "tmad__completion__";
const DECLARATION_START = /^(enum|record|identifier|input|decision|parameter|definition|rule|default)\b/;

interface Site {
  readonly kind: "member" | "name";
  /** For `member`: the expression before the dot. */
  readonly object?: A.Expr;
  /** For `name`: variables in scope, innermost last, with their types where known. */
  readonly scope: readonly { readonly name: string; readonly type?: Type }[];
  /** The enum the position expects (other side of `=`, a decision field's type…), if known. */
  readonly expectedEnum?: string;
}

function enumOf(t: Type | undefined): string | undefined {
  if (t === undefined) return undefined;
  if (t.kind === "enum") return t.name;
  if (t.kind === "optional" || t.kind === "list") return enumOf(t.kind === "optional" ? t.inner : t.element);
  return undefined;
}

/** Finds the placeholder in the checked AST of `file`. */
function siteIn(model: CheckedModel, file: string): Site | undefined {
  let found: Site | undefined;
  type Scope = readonly { name: string; type?: Type }[];
  const elementOf = (collection: A.Expr): Type | undefined => {
    const t = model.types.get(collection);
    const list = t?.kind === "optional" ? t.inner : t;
    return list?.kind === "list" ? list.element : undefined;
  };
  const visit = (e: A.Expr, scope: Scope, expected: string | undefined): void => {
    if (found !== undefined) return;
    switch (e.kind) {
      case "NameRef":
        if (e.name.text === PLACEHOLDER) found = { kind: "name", scope, ...(expected === undefined ? {} : { expectedEnum: expected }) };
        return;
      case "MemberAccess":
        if (e.member.text === PLACEHOLDER) {
          found = { kind: "member", object: e.object, scope };
          return;
        }
        return visit(e.object, scope, undefined);
      case "Call":
        for (const a of e.args) visit(a, scope, undefined);
        return;
      case "Binary": {
        const comparison = e.operator === "=" || e.operator === "!=";
        visit(e.left, scope, comparison ? enumOf(model.types.get(e.right)) : undefined);
        return visit(e.right, scope, comparison ? enumOf(model.types.get(e.left)) : undefined);
      }
      case "Membership":
        visit(e.element, scope, undefined);
        for (const s of e.set) visit(s, scope, enumOf(model.types.get(e.element)));
        return;
      case "Unary":
      case "Presence":
        return visit(e.operand, scope, undefined);
      case "Otherwise":
        visit(e.value, scope, expected);
        return visit(e.fallback, scope, expected ?? enumOf(model.types.get(e.value)));
      case "If":
        visit(e.condition, scope, undefined);
        visit(e.then, scope, expected);
        return visit(e.else, scope, expected);
      case "Quantified": {
        visit(e.collection, scope, undefined);
        const inner = [...scope, { name: e.variable.text, ...(elementOf(e.collection) === undefined ? {} : { type: elementOf(e.collection)! }) }];
        if (e.filter !== undefined) visit(e.filter, inner, undefined);
        if (e.predicate !== undefined) visit(e.predicate, inner, undefined);
        return;
      }
      case "Aggregated":
      case "Collect": {
        visit(e.collection, scope, undefined);
        const inner = [...scope, { name: e.variable.text, ...(elementOf(e.collection) === undefined ? {} : { type: elementOf(e.collection)! }) }];
        visit(e.value, inner, undefined);
        if (e.filter !== undefined) visit(e.filter, inner, undefined);
        return;
      }
      case "ListLiteral":
        for (const x of e.elements) visit(x, scope, expected);
        return;
      case "DaysBetween":
        visit(e.from, scope, undefined);
        return visit(e.to, scope, undefined);
      default:
        return;
    }
  };
  const decision = model.declarations.find((d): d is A.DecisionDecl => d.kind === "DecisionDecl");
  const fieldEnum = (name: string): string | undefined => {
    const f = decision?.fields.find((x) => x.name.text === name);
    let t = f?.type;
    while (t !== undefined && t.kind !== "NamedType") t = t.kind === "ListType" ? t.element : t.kind === "OptionalType" ? t.inner : undefined;
    return t?.kind === "NamedType" && model.declarations.some((d) => d.kind === "EnumDecl" && d.name.text === t.name.text) ? t.name.text : undefined;
  };
  for (const d of model.declarations) {
    if (found !== undefined) break;
    if (d.span.file !== file) continue;
    switch (d.kind) {
      case "ParameterDecl":
        visit(d.value, [], undefined);
        break;
      case "DefinitionDecl":
        visit(d.body, d.params.map((p) => ({ name: p.name.text })), undefined);
        break;
      case "RuleDecl":
        visit(d.condition, [], undefined);
        for (const a of d.result) visit(a.value, [], fieldEnum(a.field.text));
        break;
      case "DefaultDecl":
        for (const a of d.result) visit(a.value, [], fieldEnum(a.field.text));
        break;
      case "RecordDecl":
      case "DecisionDecl":
        for (const f of d.fields) if (f.defaultValue !== undefined) visit(f.defaultValue, [], undefined);
        break;
      default:
        break;
    }
  }
  return found;
}

/** The text of the declaration around the cursor, from its first line up to the cursor. */
function declarationPrefix(block: RuleBlock, line: number, column: number): string {
  const lines = block.code.split("\n");
  const at = line - block.firstLine;
  let start = at;
  while (start > 0 && !DECLARATION_START.test(lines[start] ?? "")) start--;
  const current = (lines[at] ?? "").slice(0, Math.max(column - 1 - (block.columnOffsets[at] ?? 0), 0));
  return [...lines.slice(start, at), current].join("\n");
}

/** Strips comments and text literals, so words inside them do not count. */
function words(prefix: string): string {
  return prefix.replace(/--[^\n]*/g, " ").replace(/"(?:[^"\\\n]|\\.)*"?/g, '""');
}

/**
 * In a rule or default, the text after the `then` that starts the result (not an `if … then`), or
 * undefined when the cursor is not in a result.
 */
function resultTail(prefix: string): string | undefined {
  const text = words(prefix);
  let pendingIf = 0;
  let result: number | undefined;
  for (const m of text.matchAll(/\b(if|then|unless|overrides)\b/g)) {
    if (m[1] === "if") pendingIf++;
    else if (m[1] === "then") {
      if (pendingIf > 0) pendingIf--;
      else result = m.index! + 4;
    } else result = undefined; // unless / overrides end the result
  }
  return result === undefined ? undefined : text.slice(result);
}

/** The last assignment of a result being written: its field, and whether the cursor is after `=`. */
function lastAssignment(tail: string): { field: string; value: boolean } | undefined {
  let depth = 0;
  let start = 0;
  for (let i = 0; i < tail.length; i++) {
    const c = tail[i];
    if (c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") depth--;
    else if (c === "," && depth === 0) start = i + 1;
  }
  const segment = tail.slice(start);
  const field = /^\s*([A-Za-z_]\w*)?$/.exec(segment);
  if (field !== null) return { field: field[1] ?? "", value: false };
  const value = /^\s*([A-Za-z_]\w*)\s*=\s*[A-Za-z_]*$/.exec(segment);
  return value === null ? undefined : { field: value[1]!, value: true };
}

function item(label: string, kind: CompletionItemKind, detail?: string, documentation?: string, sort = "1"): CompletionItem {
  return { label, kind, sortText: `${sort}${label}`, ...(detail === undefined ? {} : { detail }), ...(documentation === undefined ? {} : { documentation: { kind: "markdown", value: documentation } }) };
}

function membersOf(model: CheckedModel, enumName: string, sort = "1"): CompletionItem[] {
  const e = model.declarations.find((d): d is A.EnumDecl => d.kind === "EnumDecl" && d.name.text === enumName);
  return (e?.members ?? []).map((m) => item(m.name.text, CompletionItemKind.EnumMember, `${enumName}.${m.name.text}`, m.label, sort));
}

function fieldsOf(model: CheckedModel, owner: string): CompletionItem[] {
  const r = model.declarations.find((d): d is A.RecordDecl | A.DecisionDecl => (d.kind === "RecordDecl" || d.kind === "DecisionDecl") && d.name.text === owner);
  return (r?.fields ?? []).map((f) => item(f.name.text, CompletionItemKind.Field, `${owner}.${f.name.text}: ${printType(f.type)}`));
}

/** Everything a name in an expression can be, outside quantifier scopes. */
function globalNames(model: CheckedModel, expectedEnum: string | undefined): CompletionItem[] {
  const out: CompletionItem[] = [];
  const owners = new Map<string, string[]>();
  for (const d of model.declarations) if (d.kind === "EnumDecl") for (const m of d.members) owners.set(m.name.text, [...(owners.get(m.name.text) ?? []), d.name.text]);
  for (const d of model.declarations) {
    switch (d.kind) {
      case "InputDecl":
        out.push(item(d.name.text, CompletionItemKind.Variable, `input ${d.name.text}: ${d.type.text}`, d.doc));
        break;
      case "ParameterDecl":
        out.push(item(d.name.text, CompletionItemKind.Constant, `parameter ${d.name.text}: ${printType(d.type)}`, d.doc));
        break;
      case "DefinitionDecl": {
        const params = d.params.map((p) => `${p.name.text}: ${printType(p.type)}`).join(", ");
        const type = d.type === undefined ? model.types.get(d.body) : undefined;
        out.push({
          ...item(d.name.text, CompletionItemKind.Function, `definition ${d.name.text}${params === "" ? "" : `(${params})`}${d.type !== undefined ? `: ${printType(d.type)}` : type !== undefined ? `: ${typeToString(type)}` : ""}`, d.doc),
          ...(d.params.length > 0 ? { insertText: `${d.name.text}(` } : {}),
        });
        break;
      }
      case "EnumDecl":
        out.push(item(d.name.text, CompletionItemKind.Enum, `enum ${d.name.text}`, d.doc, "3"));
        for (const m of d.members) {
          const unique = owners.get(m.name.text)!.length === 1;
          const expected = d.name.text === expectedEnum;
          out.push({ ...item(unique || expected ? m.name.text : `${d.name.text}.${m.name.text}`, CompletionItemKind.EnumMember, `${d.name.text}.${m.name.text}`, m.label, expected ? "0" : "3") });
        }
        break;
      default:
        break;
    }
  }
  return out;
}

/** A reader that sees `text` for `path` and everything else as the workspace does. */
function withText(reader: SourceReader, path: string, text: string): SourceReader {
  return { read: (p) => (p === path ? text : reader.read(p)), markdownFiles: (d) => reader.markdownFiles(d) };
}

export function completion(ws: Workspace, path: string, position: Position): CompletionItem[] {
  const version = ws.homeOf(path);
  const model = version?.model;
  const text = ws.reader.read(path);
  if (version === undefined || model === undefined || text === undefined) return [];
  const file = ws.project(path);
  const p = toSourcePosition(position);
  const block = model.blocks.find((b) => b.kind === "rules" && b.file === file && p.line >= b.firstLine && p.line < b.firstLine + Math.max(b.code.split("\n").length, 1));
  if (block === undefined) return [];
  const prefix = declarationPrefix(block, p.line, p.column);
  const plain = words(prefix);

  // Rule names in a precedence list.
  if (/\b(unless|overrides)\s+(?:[A-Za-z_]\w*\s*,\s*)*[A-Za-z_]*$/.test(plain)) {
    const self = /^rule\s+([A-Za-z_]\w*)/.exec(prefix)?.[1];
    return model.declarations
      .filter((d): d is A.RuleDecl => d.kind === "RuleDecl" && d.name.text !== self)
      .map((r) => item(r.name.text, CompletionItemKind.Reference, `rule ${r.name.text}${r.clause?.number ?? r.context.clause ? ` (clause ${r.clause?.number ?? r.context.clause})` : ""}`, r.doc));
  }
  // Clause numbers after `clause`.
  if (/\bclause\s+[\w.]*$/.test(plain)) return model.clauses.map((c) => item(c.number, CompletionItemKind.Module, c.title));
  // A result's fields and, after `field =`, the members of an enum field.
  const tail = /^(rule|default)\b/.test(prefix) ? resultTail(prefix) : undefined;
  if (tail !== undefined) {
    const at = lastAssignment(tail);
    const decision = model.declarations.find((d): d is A.DecisionDecl => d.kind === "DecisionDecl");
    if (at !== undefined && !at.value && decision !== undefined) return fieldsOf(model, decision.name.text);
  }

  // Expressions: check the version with a placeholder where the word being typed is.
  const offset = offsetOf(text, p);
  let start = offset;
  while (start > 0 && /\w/.test(text[start - 1]!)) start--;
  const patched = text.slice(0, start) + PLACEHOLDER + text.slice(offset);
  const checked = checkSource(readVersionSource(ws.root, version.dir, withText(ws.reader, path, patched)));
  const site = siteIn(checked, file);
  if (site?.kind === "member" && site.object !== undefined) {
    let t = checked.types.get(site.object);
    if (t?.kind === "optional") t = t.inner;
    if (t?.kind === "record") return fieldsOf(checked, t.name);
    if (t?.kind === "enumType") return membersOf(checked, t.name);
    if (site.object.kind === "NameRef") return membersOf(checked, site.object.name.text);
    return [];
  }
  if (site?.kind === "name") {
    const vars = [...site.scope].reverse().map((v) => item(v.name, CompletionItemKind.Variable, v.type === undefined ? undefined : `${v.name}: ${typeToString(v.type)}`, undefined, "0"));
    return [...vars, ...globalNames(checked, site.expectedEnum)];
  }
  // The placeholder did not parse into an expression (another syntax error nearby): offer what
  // does not depend on the position.
  const before = text.slice(0, start);
  const dotted = /([A-Za-z_]\w*)\.$/.exec(before);
  if (dotted !== null) {
    const name = dotted[1]!;
    const input = model.declarations.find((d): d is A.InputDecl => d.kind === "InputDecl" && d.name.text === name);
    if (input !== undefined) return fieldsOf(model, input.type.text);
    return membersOf(model, name);
  }
  return spanContains(block.span, p) ? globalNames(model, undefined) : [];
}
