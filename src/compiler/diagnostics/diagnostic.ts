/**
 * The one diagnostic type shared by every compiler stage, and the acceptor stages report through.
 * A stage takes its input and an `Accept` function and returns its output; every problem it finds
 * is given to the acceptor as it is found (Langium's ValidationAcceptor). Stages never throw on a
 * user's error, never filter or de-duplicate another stage's diagnostics, and report each problem
 * once, where it is.
 */
import { comparePositions, formatSpan, type Span } from "../source/span.js";
import { DIAGNOSTIC_CODES, type DiagnosticCode } from "./codes.js";

export type Severity = "error" | "warning";

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
  /** How to fix it, when the compiler can say ("did you mean `cohort`?"). */
  readonly hint?: string;
}

/** Builds a diagnostic whose severity comes from the code registry. */
export function diagnostic(code: DiagnosticCode, span: Span, message: string, hint?: string): Diagnostic {
  const severity = DIAGNOSTIC_CODES[code].severity;
  return hint === undefined ? { code, severity, message, span } : { code, severity, message, span, hint };
}

/** Where a stage reports its diagnostics. */
export type Accept = (d: Diagnostic) => void;

/** An acceptor that keeps what it is given, for a caller that wants the list. */
export class DiagnosticList {
  readonly all: Diagnostic[] = [];
  readonly accept: Accept = (d) => {
    this.all.push(d);
  };

  get hasErrors(): boolean {
    return hasErrors(this.all);
  }
}

/** `report(code, span, message, hint)` over an acceptor: the short form passes use. */
export type Report = (code: DiagnosticCode, span: Span, message: string, hint?: string) => void;

export function reporter(accept: Accept): Report {
  return (code, span, message, hint) => accept(diagnostic(code, span, message, hint));
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Stable order: by file, then position, then code, then message. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.span.file < b.span.file ? -1 : a.span.file > b.span.file ? 1 : 0) ||
      comparePositions(a.span.start, b.span.start) ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
      (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
}

/** TypeScript-style one-line rendering: `file:line:col - error TMAD1203: message`. */
export function formatDiagnostic(d: Diagnostic): string {
  const head = `${formatSpan(d.span)} - ${d.severity} ${d.code}: ${d.message}`;
  return d.hint === undefined ? head : `${head}\n    hint: ${d.hint}`;
}

/** A short closing line such as `2 errors, 1 warning`. */
export function summarize(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  return `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`;
}
