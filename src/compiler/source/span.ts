/**
 * Source positions. Every AST node, clause and diagnostic carries a Span in the coordinates of the
 * Markdown file it came from (1-based line and column), never in the coordinates of a rule block.
 */

export interface Position {
  /** 1-based line in the Markdown file. */
  readonly line: number;
  /** 1-based column in the Markdown file. */
  readonly column: number;
}

export interface Span {
  /** Path of the Markdown file, relative to the working directory where possible. */
  readonly file: string;
  readonly start: Position;
  /** Position just after the last character. */
  readonly end: Position;
}

export function formatSpan(span: Span): string {
  return `${span.file}:${span.start.line}:${span.start.column}`;
}

/** A span that covers both `a` and `b` (which must be in the same file). */
export function joinSpans(a: Span, b: Span): Span {
  return { file: a.file, start: minPos(a.start, b.start), end: maxPos(a.end, b.end) };
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.column - b.column;
}

function minPos(a: Position, b: Position): Position {
  return comparePositions(a, b) <= 0 ? a : b;
}

function maxPos(a: Position, b: Position): Position {
  return comparePositions(a, b) >= 0 ? a : b;
}

/** A file-level span for problems that have no better location (e.g. a missing declaration). */
export function fileSpan(file: string): Span {
  return { file, start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
}
