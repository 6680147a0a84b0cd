/**
 * Quick fixes do what their hint says: for every example of docs/diagnostics.md, each diagnostic
 * that has a mechanical fix (did-you-mean, an ambiguous enum member written in full, an unused
 * suppression removed) is fixed by applying the edit, and checking again no longer reports it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mechanicalFixes } from "../../src/lsp/actions.js";
import { analyzeSource, checkSource, type Diagnostic, type VersionSource } from "../../src/lsp/compiler-adapter.js";
import { repo } from "./client.js";

const doc = readFileSync(join(repo, "docs/diagnostics.md"), "utf8");
const examples = [...doc.matchAll(/<!-- diagnostic: (TMAD\d{4}) -->\n````markdown\n([\s\S]*?)^````$/gm)].map((m) => ({ code: m[1]!, body: m[2]! })).filter((e) => !/^base:/m.test(e.body));

// Typos planted in one valid document of the docs (the one for TMAD6001), one at a time.
const valid = examples
  .find((e) => e.code === "TMAD6001")!
  .body.replace('t = "excluded"', "t = marker")
  .replace("default then outcome = MIGRATE", 'parameter marker: text = "excluded"\n\ndefault then outcome = MIGRATE');
const planted = [
  ["TMAD3001", valid.replace("t = marker", "t = markr")],
  ["TMAD3002", valid.replace("site.tags", "site.tag")],
  ["TMAD3004", valid.replace("outcome: Outcome", "outcome: Outcom")],
  ["TMAD3007", valid.replace("  then outcome = MIGRATE\n```", "  then outcome = MIGRATE\n  unless exclude_taged\n```")],
].map(([code, body]) => ({ code: code!, body: body! }));

const source = (text: string): VersionSource => ({ id: "example", dir: "docs-examples/example", files: [{ path: "docs-examples/example/index.md", text }] });

/** What `tmad check` says about a one-file version (the slow analysis only where asked). */
function diagnosticsOf(text: string, analysis: boolean): Diagnostic[] {
  const s = source(text);
  return [...checkSource(s).diagnostics, ...(analysis ? analyzeSource(s) : [])];
}

function apply(text: string, edit: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }): string {
  const lines = text.split("\n");
  const offset = (p: { line: number; character: number }): number => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return text.slice(0, offset(edit.range.start)) + edit.newText + text.slice(offset(edit.range.end));
}

const key = (d: Diagnostic): string => `${d.code} ${d.span.start.line}:${d.span.start.column}`;

describe("quick fixes for mechanical hints", () => {
  const fixed = new Set<string>();
  for (const e of [...examples, ...planted]) {
    it(`fix what the example for ${e.code} reports, where the hint is mechanical`, () => {
      const analysis = e.code.startsWith("TMAD6");
      for (const d of diagnosticsOf(e.body, analysis)) {
        for (const fix of mechanicalFixes(d, e.body)) {
          const after = diagnosticsOf(apply(e.body, fix.edit), analysis);
          // The finding is gone (what it uncovers next, e.g. an unused declaration, may remain).
          expect(after.filter((x) => x.code === d.code && x.message === d.message).map(key), `${fix.title} in the example for ${e.code}`).toEqual([]);
          fixed.add(d.code);
        }
      }
    });
  }
  it("starts from a valid document for the planted typos", () => {
    expect(diagnosticsOf(valid, false)).toEqual([]);
    for (const p of planted) expect(diagnosticsOf(p.body, false).map((d) => d.code), p.code).toContain(p.code);
  });
  it("covers the did-you-mean hints, ambiguous members and unused suppressions", () => {
    expect([...fixed].sort()).toEqual(expect.arrayContaining(["TMAD3001", "TMAD3002", "TMAD3003", "TMAD3004", "TMAD3006", "TMAD3007", "TMAD4009", "TMAD6005"]));
  });
});
