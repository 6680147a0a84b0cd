/**
 * The one diagnostic type shared by every compiler stage. Stages collect diagnostics and return them
 * with their output; they never throw on a user's error.
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

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Stable order: by file, then position, then code; duplicates removed. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const unique: Diagnostic[] = [];
  for (const d of diagnostics) {
    const key = `${formatSpan(d.span)}|${d.code}|${d.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      unique.push(d);
    }
  }
  return unique.sort(
    (a, b) =>
      (a.span.file < b.span.file ? -1 : a.span.file > b.span.file ? 1 : 0) ||
      comparePositions(a.span.start, b.span.start) ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
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
