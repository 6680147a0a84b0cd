/**
 * Hover, go-to-definition and find-references, from the symbol index of the version a file belongs
 * to. Definitions follow the amendment chain (a name used in tmad-20.v2 and declared in tmad-19.0
 * leads to tmad-19.0's file; a name an amendment replaced leads to the replacement, then to the
 * declaration it replaced); references are gathered from every version that uses the declaring
 * file and resolves the name to that same declaration (a clause substituted by an amendment is a
 * different declaration there).
 */
import type { Hover, Location, MarkupContent, Position } from "vscode-languageserver";
import { printExpr, printType, type Span } from "./compiler-adapter.js";
import { offsetOf, toLspRange, toSourcePosition } from "./positions.js";
import { occurrenceAt, type Occurrence, type TmadSymbol } from "./symbols.js";
import type { VersionState, Workspace } from "./workspace.js";

export interface Found {
  readonly version: VersionState;
  readonly occurrence: Occurrence;
  readonly symbol: TmadSymbol;
}

/** The symbol under the cursor in `path` (absolute), resolved in the file's own version. */
export function symbolAt(ws: Workspace, path: string, position: Position): Found | undefined {
  const version = ws.homeOf(path);
  if (version === undefined) return undefined;
  const index = ws.indexOf(version);
  if (index === undefined) return undefined;
  const occurrence = occurrenceAt(index, ws.project(path), toSourcePosition(position));
  const symbol = occurrence === undefined ? undefined : index.symbols.get(occurrence.key);
  return occurrence === undefined || symbol === undefined ? undefined : { version, occurrence, symbol };
}

const sameSpan = (a: Span, b: Span): boolean =>
  a.file === b.file && a.start.line === b.start.line && a.start.column === b.start.column && a.end.line === b.end.line && a.end.column === b.end.column;

/** Which version a declaration comes from: the directory of its file. */
function versionOfFile(file: string): string {
  const parts = file.split("/");
  return parts.length >= 2 ? parts[parts.length - 2]! : file;
}

function where(span: Span): string {
  return `${versionOfFile(span.file)} (${span.file}:${span.start.line})`;
}

function code(text: string): string {
  return `\`\`\`tmad\n${text}\n\`\`\``;
}

function docOf(doc: string | undefined): string[] {
  return doc === undefined ? [] : ["", doc];
}

/** The source text of a span, as written (the model holds every file of the version's chain). */
function written(version: VersionState, span: Span): string | undefined {
  const text = version.model?.files.find((f) => f.path === span.file)?.text;
  if (text === undefined) return undefined;
  return text.slice(offsetOf(text, span.start), offsetOf(text, span.end));
}

/** What a hover says about a symbol, as Markdown. */
export function describe(symbol: TmadSymbol, version: VersionState): string {
  const out: string[] = [];
  switch (symbol.kind) {
    case "enum":
      out.push(code(`enum ${symbol.name}\n${symbol.decl.members.map((m) => `  ${m.name.text}${m.label === undefined ? "" : ` "${m.label}"`}`).join("\n")}`), ...docOf(symbol.decl.doc));
      break;
    case "record":
    case "decision":
      out.push(code(`${symbol.kind} ${symbol.name}\n${symbol.decl.fields.map((f) => `  ${f.name.text}: ${printType(f.type)}${f.defaultValue === undefined ? "" : ` = ${printExpr(f.defaultValue)}`}`).join("\n")}`), ...docOf(symbol.decl.doc));
      break;
    case "identifier":
      out.push(code(`identifier ${symbol.name} pattern ${JSON.stringify(symbol.decl.pattern.value)}${symbol.decl.checkDigit === undefined ? "" : ` checkdigit weights ${symbol.decl.checkDigit.weights.join(", ")} ${symbol.decl.checkDigit.moduli.map((m) => `mod ${m}`).join(" ")}`}`), ...docOf(symbol.decl.doc));
      break;
    case "input":
      out.push(code(`input ${symbol.name}: ${symbol.decl.type.text} identified by ${symbol.decl.key.text}`), ...docOf(symbol.decl.doc));
      break;
    case "parameter": {
      const text = written(version, symbol.decl.value.span) ?? printExpr(symbol.decl.value);
      const value = version.model?.parameterValues.get(symbol.name);
      out.push(code(`parameter ${symbol.name}: ${printType(symbol.decl.type)} = ${text}`));
      if (value !== undefined && value !== text) out.push("", `Value: \`${value}\``);
      out.push("", `Set by ${where(symbol.declaration)}`, ...docOf(symbol.decl.doc));
      break;
    }
    case "definition": {
      const params = symbol.decl.params.map((p) => `${p.name.text}: ${printType(p.type)}`).join(", ");
      const type = symbol.decl.type === undefined ? symbol.type : printType(symbol.decl.type);
      out.push(code(`definition ${symbol.name}${params === "" ? "" : `(${params})`}${type === undefined ? "" : `: ${type}`}`), ...docOf(symbol.decl.doc));
      break;
    }
    case "rule": {
      const d = symbol.decl;
      const clause = version.model?.clauses.find((c) => c.number === symbol.clause);
      const head = [`rule ${symbol.name}`, ...(symbol.clause === undefined ? [] : [`  clause ${symbol.clause}`]), ...(d.source === undefined ? [] : [`  source ${JSON.stringify(d.source.value)}`])];
      if (d.unless.length > 0) head.push(`  unless ${d.unless.map((n) => n.text).join(", ")}`);
      if (d.overrides.length > 0) head.push(`  overrides ${d.overrides.map((n) => n.text).join(", ")}`);
      out.push(code(head.join("\n")), ...docOf(d.doc));
      if (clause !== undefined) out.push("", `**Clause ${clause.number}** ${clause.title}`, "", quote(clause.text));
      break;
    }
    case "field":
      out.push(code(`${symbol.owner.name.text}.${symbol.name}: ${printType(symbol.field.type)}${symbol.field.defaultValue === undefined ? "" : ` = ${printExpr(symbol.field.defaultValue)}`}`), ...docOf(symbol.doc));
      break;
    case "member":
      out.push(code(`${symbol.owner.name.text}.${symbol.name}`), ...(symbol.member.label === undefined ? [] : ["", symbol.member.label]));
      break;
    case "clause":
      out.push(`**Clause ${symbol.clause.number}** ${symbol.clause.title}`, "", quote(symbol.clause.text));
      break;
    case "variable":
      out.push(code(`${symbol.name}${symbol.type === undefined ? "" : `: ${symbol.type}`}`), "", `Bound by \`${symbol.binder}\``);
      return out.join("\n");
  }
  if (symbol.kind !== "parameter") out.push("", `Declared in ${where(symbol.declaration)}`);
  if (symbol.extendedIn !== undefined) out.push("", `Added by an amendment: \`extend ${symbol.kind === "member" ? "enum" : "record"} ${symbol.kind === "member" || symbol.kind === "field" ? symbol.owner.name.text : ""}\` in ${where(symbol.extendedIn)}`);
  if (symbol.replaced !== undefined) {
    const before = written(version, symbol.replaced.decl.span);
    out.push("", `Replaces the declaration of ${where(symbol.replaced.declaration)}${before === undefined ? "" : ":"}`);
    if (before !== undefined) out.push(code(before.trim()));
  }
  return out.join("\n");
}

/** A clause text as a Markdown quote, cut to a reasonable length for a hover. */
function quote(text: string): string {
  const cut = text.length > 1500 ? `${text.slice(0, 1500)}…` : text;
  return cut
    .split("\n")
    .map((l) => `> ${l}`)
    .join("\n");
}

export function hover(ws: Workspace, path: string, position: Position): Hover | null {
  const found = symbolAt(ws, path, position);
  if (found === undefined) return null;
  const contents: MarkupContent = { kind: "markdown", value: describe(found.symbol, found.version) };
  return { contents, range: toLspRange(found.occurrence.span) };
}

export function definition(ws: Workspace, path: string, position: Position, uriOf: (path: string) => string): Location[] {
  const found = symbolAt(ws, path, position);
  if (found === undefined) return [];
  // A replaced declaration: the replacement (what the name means here), then the base's original.
  const spans = [found.symbol.declaration, ...(found.symbol.replaced === undefined ? [] : [found.symbol.replaced.declaration])];
  return spans.map((d) => ({ uri: uriOf(ws.absolute(d.file)), range: toLspRange(d) }));
}

export function references(ws: Workspace, path: string, position: Position, includeDeclaration: boolean, uriOf: (path: string) => string): Location[] {
  const found = symbolAt(ws, path, position);
  if (found === undefined) return [];
  const { symbol } = found;
  const seen = new Set<string>();
  const out: Location[] = [];
  const declaringDir = found.symbol.kind === "variable" ? undefined : ws.absolute(symbol.declaration.file).replace(/[\\/][^\\/]*$/, "");
  // A variable is local to its version's text; anything else may be used by every version built on its file.
  const versions = declaringDir === undefined ? [found.version] : ws.usersOf(declaringDir);
  for (const v of versions) {
    const index = ws.indexOf(v);
    const there = index?.symbols.get(symbol.key);
    if (index === undefined || there === undefined || !sameSpan(there.declaration, symbol.declaration)) continue;
    for (const list of index.occurrences.values()) {
      for (const o of list) {
        if (o.key !== symbol.key || (o.declaration && !includeDeclaration)) continue;
        const id = `${o.span.file}:${o.span.start.line}:${o.span.start.column}`;
        if (seen.has(id)) continue;
        seen.add(id);
        out.push({ uri: uriOf(ws.absolute(o.span.file)), range: toLspRange(o.span) });
      }
    }
  }
  return out.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character));
}
