/**
 * Diagnostics as the editor shows them, and a quick fix for every hint that is a mechanical edit:
 * - "did you mean `x`?" (unknown names, fields, members, types, rules, clauses, example keys):
 *   replace the misspelt word with `x`;
 * - TMAD4009, an enum member that several enums have: write it in full, one fix per enum;
 * - TMAD6005, a suppression that suppresses nothing: remove its comment line.
 */
import { CodeActionKind, DiagnosticSeverity, type CodeAction, type Diagnostic as LspDiagnostic, type Range, type TextEdit } from "vscode-languageserver";
import type { Diagnostic } from "./compiler-adapter.js";
import { offsetOf, spanTouches, toLspRange } from "./positions.js";
import type { FileDiagnostic, Workspace } from "./workspace.js";

export function toLspDiagnostic(f: FileDiagnostic): LspDiagnostic {
  const d = f.diagnostic;
  const lines = [d.message];
  if (d.hint !== undefined) lines.push(`hint: ${d.hint}`);
  // A file shared by amendments is checked in each version that uses it; say when a finding is not everyone's.
  if (f.versions.length < f.users.length) lines.push(`in ${f.versions.join(", ")} (not ${f.users.filter((u) => !f.versions.includes(u)).join(", ")})`);
  return { range: toLspRange(d.span), severity: d.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, code: d.code, source: "tmad", message: lines.join("\n") };
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = next;
    }
  }
  return row[b.length]!;
}

const WORD = /[A-Za-z_][\w-]*|\d+(?:\.\d+)*[A-Z]{0,2}/g;

/** The edits that apply a diagnostic's hint, each with a title; none when the hint is advice. */
export function mechanicalFixes(d: Diagnostic, text: string): { title: string; edit: TextEdit }[] {
  const start = offsetOf(text, d.span.start);
  const end = offsetOf(text, d.span.end);
  const here = text.slice(start, end);
  const rangeOf = (from: number, to: number): Range => {
    const before = text.slice(0, from).split("\n");
    const inner = text.slice(from, to).split("\n");
    const startPos = { line: before.length - 1, character: before[before.length - 1]!.length };
    const endPos = inner.length === 1 ? { line: startPos.line, character: startPos.character + inner[0]!.length } : { line: startPos.line + inner.length - 1, character: inner[inner.length - 1]!.length };
    return { start: startPos, end: endPos };
  };

  const suggestion = d.hint === undefined ? undefined : /did you mean `([^`]+)`\?/.exec(d.hint)?.[1];
  if (suggestion !== undefined) {
    // The misspelt word: the one the message quotes, where the span shows it; else the span's word nearest the suggestion.
    const tokens = [...here.matchAll(WORD)].map((m) => ({ word: m[0], at: m.index! }));
    const quoted = [...d.message.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    const wrong = tokens.find((t) => quoted.includes(t.word)) ?? tokens.filter((t) => t.word !== suggestion).sort((a, b) => distance(a.word, suggestion) - distance(b.word, suggestion))[0];
    if (wrong === undefined) return [];
    return [{ title: `Change \`${wrong.word}\` to \`${suggestion}\``, edit: { range: rangeOf(start + wrong.at, start + wrong.at + wrong.word.length), newText: suggestion } }];
  }
  if (d.code === "TMAD4009") {
    const owners = /is a member of (.+)$/.exec(d.message)?.[1]?.split(" and ") ?? [];
    const member = here.trim();
    return owners.map((o) => ({ title: `Write \`${o}.${member}\``, edit: { range: rangeOf(start, end), newText: `${o}.${member}` } }));
  }
  if (d.code === "TMAD6005") {
    const lineStart = text.lastIndexOf("\n", start - 1) + 1;
    const nextLine = text.indexOf("\n", end);
    return [{ title: "Remove the unused suppression", edit: { range: rangeOf(lineStart, nextLine === -1 ? text.length : nextLine + 1), newText: "" } }];
  }
  return [];
}

export function codeActions(ws: Workspace, path: string, uri: string, range: Range): CodeAction[] {
  const text = ws.reader.read(path);
  if (text === undefined) return [];
  const out: CodeAction[] = [];
  for (const f of ws.diagnostics().get(path) ?? []) {
    if (!spanTouches(f.diagnostic.span, range)) continue;
    const fixes = mechanicalFixes(f.diagnostic, text);
    for (const fix of fixes) {
      out.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [toLspDiagnostic(f)], isPreferred: fixes.length === 1, edit: { changes: { [uri]: [fix.edit] } } });
    }
  }
  return out;
}
