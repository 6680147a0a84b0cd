/**
 * The one place where compiler coordinates meet LSP coordinates. Compiler spans are 1-based lines
 * and columns, with columns counted in UTF-16 code units (the lexer and the Markdown parser index
 * JavaScript strings); LSP positions are 0-based lines and UTF-16 characters. So the conversion is
 * a shift by one, done here and nowhere else.
 */
import type { Position, Range } from "vscode-languageserver";
import type { SourcePosition, Span } from "./compiler-adapter.js";

export function toLspPosition(p: SourcePosition): Position {
  return { line: Math.max(p.line - 1, 0), character: Math.max(p.column - 1, 0) };
}

export function toLspRange(span: Span): Range {
  return { start: toLspPosition(span.start), end: toLspPosition(span.end) };
}

export function toSourcePosition(p: Position): SourcePosition {
  return { line: p.line + 1, column: p.character + 1 };
}

function before(a: SourcePosition, b: SourcePosition): boolean {
  return a.line < b.line || (a.line === b.line && a.column < b.column);
}

/** Does the span contain the position? Its end counts too, so a cursor just after a name is on it. */
export function spanContains(span: Span, p: SourcePosition): boolean {
  return !before(p, span.start) && !before(span.end, p);
}

/** Do the span and the (LSP) range overlap or touch? */
export function spanTouches(span: Span, range: Range): boolean {
  const start = toSourcePosition(range.start);
  const end = toSourcePosition(range.end);
  return !before(span.end, start) && !before(end, span.start);
}

/** The offset in `text` of a 1-based position. */
export function offsetOf(text: string, p: SourcePosition): number {
  let offset = 0;
  for (let line = 1; line < p.line; line++) {
    const next = text.indexOf("\n", offset);
    if (next === -1) return text.length;
    offset = next + 1;
  }
  return Math.min(offset + p.column - 1, text.length);
}
