/**
 * Document symbols (the outline): each clause heading of the file, with the declarations of the
 * `tmad` blocks under it (rules, definitions, parameters, types with their fields and members) and
 * its examples; declarations outside any clause (the data model) at the top level.
 */
import { SymbolKind, type DocumentSymbol } from "vscode-languageserver";
import { exampleBlocks, type Ast as A, type Span } from "./compiler-adapter.js";
import { toLspRange } from "./positions.js";
import type { Workspace } from "./workspace.js";

function symbol(name: string, kind: SymbolKind, range: Span, selection: Span, detail?: string, children: DocumentSymbol[] = []): DocumentSymbol {
  return { name, kind, range: toLspRange(range), selectionRange: toLspRange(selection), ...(detail === undefined ? {} : { detail }), children };
}

function declarationSymbol(d: A.Declaration): DocumentSymbol {
  switch (d.kind) {
    case "DefaultDecl":
      return symbol("default", SymbolKind.Method, d.span, d.span, "the result when no rule applies");
    case "RuleDecl":
      return symbol(d.name.text, SymbolKind.Method, d.span, d.name.span, `rule${d.clause === undefined ? "" : ` (clause ${d.clause.number})`}`);
    case "DefinitionDecl":
      return symbol(d.name.text, SymbolKind.Function, d.span, d.name.span, "definition");
    case "ParameterDecl":
      return symbol(d.name.text, SymbolKind.Constant, d.span, d.name.span, "parameter");
    case "InputDecl":
      return symbol(d.name.text, SymbolKind.Variable, d.span, d.name.span, `input: ${d.type.text}`);
    case "IdentifierDecl":
      return symbol(d.name.text, SymbolKind.TypeParameter, d.span, d.name.span, "identifier");
    case "EnumDecl":
      return symbol(d.name.text, SymbolKind.Enum, d.span, d.name.span, "enum", d.members.map((m) => symbol(m.name.text, SymbolKind.EnumMember, m.span, m.name.span, m.label)));
    case "RecordDecl":
    case "DecisionDecl":
      return symbol(d.name.text, SymbolKind.Struct, d.span, d.name.span, d.kind === "RecordDecl" ? "record" : "decision", d.fields.map((f) => symbol(f.name.text, SymbolKind.Field, f.span, f.name.span)));
  }
}

export function documentSymbols(ws: Workspace, path: string): DocumentSymbol[] {
  const model = ws.homeOf(path)?.model;
  const text = ws.reader.read(path);
  if (model === undefined || text === undefined) return [];
  const file = ws.project(path);
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  // Headings end a clause's section; lines inside fenced blocks are not headings.
  const fenced = new Set<number>();
  for (const b of model.blocks) if (b.file === file) for (let l = b.span.start.line; l <= b.span.end.line; l++) fenced.add(l);
  const headings = lines.flatMap((l, i) => (/^ {0,3}#{1,6}(\s|$)/.test(l) && !fenced.has(i + 1) ? [i + 1] : []));
  const clauses = model.clauses
    .filter((c) => c.span.file === file)
    .map((c) => {
      const next = headings.find((h) => h > c.span.start.line);
      const endLine = next === undefined ? lines.length : next - 1;
      const range: Span = { file, start: c.span.start, end: { line: endLine, column: (lines[endLine - 1]?.length ?? 0) + 1 } };
      return { range, node: symbol(`${c.number} ${c.title}`, SymbolKind.Namespace, range, c.span, "clause") };
    });
  const top: DocumentSymbol[] = [];
  const place = (s: DocumentSymbol, line: number): void => {
    const owner = clauses.find((c) => c.range.start.line <= line && line <= c.range.end.line);
    (owner === undefined ? top : owner.node.children!).push(s);
  };
  for (const d of model.declarations) if (d.span.file === file) place(declarationSymbol(d), d.span.start.line);
  for (const e of exampleBlocks(model.blocks, file)) place(symbol(`${e.kind}: ${e.name}`, SymbolKind.Object, e.span, e.span, e.kind === "define" ? "named installation" : "example"), e.span.start.line);
  const byLine = (a: DocumentSymbol, b: DocumentSymbol): number => a.range.start.line - b.range.start.line;
  for (const c of clauses) c.node.children!.sort(byLine);
  return [...top, ...clauses.map((c) => c.node)].sort(byLine);
}
