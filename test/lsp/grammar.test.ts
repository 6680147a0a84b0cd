/**
 * The VS Code extension's TextMate grammars, run by vscode-textmate with the Oniguruma engine
 * (its WebAssembly from node_modules): the injection grammar finds ```tmad and ```tmad-example
 * blocks in Markdown and hands them to the tmad grammar, which highlights a corpus block as
 * expected and knows every keyword of the lexer (grammar/tokens.ts).
 *
 * VS Code's own Markdown grammar is not a package; a stand-in host with the same scope name and a
 * generic fenced-code rule shows that the injection wins over the host's fences, as `injectTo`
 * makes it do in the editor.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import vsctm from "vscode-textmate";
import oniguruma from "vscode-oniguruma";
import { allTokens, Identifier } from "../../grammar/tokens.js";
import { repo } from "./client.js";

const extension = join(repo, "editors/vscode");
const manifest = JSON.parse(readFileSync(join(extension, "package.json"), "utf8")) as {
  contributes: { grammars: { scopeName: string; path: string; injectTo?: string[] }[] };
};

const host = {
  scopeName: "text.html.markdown",
  patterns: [{ begin: "(^|\\G)(\\s*)(`{3,}|~{3,})", end: "(^|\\G)(\\2|\\s{0,3})(\\3)\\s*$", name: "markup.fenced_code.block.markdown" }],
};

let grammar: vsctm.IGrammar;

beforeAll(async () => {
  const wasm = readFileSync(createRequire(import.meta.url).resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (s: string[]) => new oniguruma.OnigScanner(s), createOnigString: (s: string) => new oniguruma.OnigString(s) }),
    loadGrammar: async (scope) => {
      if (scope === host.scopeName) return vsctm.parseRawGrammar(JSON.stringify(host), "host.json");
      const g = manifest.contributes.grammars.find((x) => x.scopeName === scope);
      return g === undefined ? null : vsctm.parseRawGrammar(readFileSync(join(extension, g.path), "utf8"), join(extension, g.path));
    },
    // What `injectTo` in the manifest tells VS Code.
    getInjections: (scope) => manifest.contributes.grammars.filter((g) => g.injectTo?.includes(scope)).map((g) => g.scopeName),
  });
  grammar = (await registry.loadGrammar(host.scopeName))!;
});

/** Each token of each line as `text → innermost scope`, with its full scope list. */
function tokenize(lines: readonly string[]): { line: number; text: string; scopes: string[] }[] {
  let stack = vsctm.INITIAL;
  const out: { line: number; text: string; scopes: string[] }[] = [];
  lines.forEach((line, i) => {
    const r = grammar.tokenizeLine(line, stack);
    stack = r.ruleStack;
    for (const t of r.tokens) out.push({ line: i, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
  });
  return out;
}

const innermost = (tokens: ReturnType<typeof tokenize>, text: string, line?: number): string | undefined =>
  tokens.find((t) => t.text === text && (line === undefined || t.line === line))?.scopes.at(-1);

describe("TextMate grammar of the VS Code extension", () => {
  it("highlights a corpus ```tmad block inside Markdown", () => {
    const doc = readFileSync(join(repo, "rules/tmad-20.v2/04-26-partial-migration.md"), "utf8").split("\n");
    const start = doc.findIndex((l) => l === "```tmad");
    const lines = doc.slice(start - 2, start + 12);
    const tokens = tokenize(lines);
    const expected: [string, string][] = [
      ["rule", "storage.type.declaration.tmad"],
      ["migrate_partial_moc_mds", "entity.name.function.rule.tmad"],
      ["source", "keyword.other.tmad"],
      ["seed 3.4, 4", "string.quoted.double.tmad"],
      ["when", "keyword.control.tmad"],
      ["cohort", "variable.other.property.tmad"],
      ["MOC_MDS", "constant.other.enum-member.tmad"],
      ["and", "keyword.operator.word.tmad"],
      ["every", "keyword.other.quantifier.tmad"],
      ["preparationPersistentlyFailed", "entity.name.function.call.tmad"],
      ["then", "keyword.control.tmad"],
      ["clause", "keyword.other.clause.tmad"],
      ["18.5", "constant.other.clause-number.tmad"],
    ];
    for (const [text, scope] of expected) expect(innermost(tokens, text), text).toBe(scope);
    // Everything between the fences is tmad; the fences and the prose around are not.
    const inside = tokens.filter((t) => t.line > 2 && t.line < lines.indexOf("```", 3) && t.text.trim() !== "");
    expect(inside.length).toBeGreaterThan(20);
    for (const t of inside) expect(t.scopes, t.text).toContain("meta.embedded.block.tmad");
    expect(innermost(tokens, "tmad", 2)).toBe("fenced_code.block.language.markdown");
    expect(tokens.filter((t) => t.line < 2 || t.line > lines.indexOf("```", 3)).every((t) => !t.scopes.some((s) => s.includes("tmad")))).toBe(true);
  });

  it("highlights ```tmad-example blocks as examples, not as rules", () => {
    const tokens = tokenize(["Prose.", "", "```tmad-example", "example: a name", "installation: dormant-ioc-clean", "expect: { outcome: MIGRATE }", "```", "after"]);
    expect(innermost(tokens, "tmad-example", 2)).toBe("fenced_code.block.language.markdown");
    expect(innermost(tokens, "example", 3)).toBe("keyword.other.example-key.tmad");
    for (const t of tokens.filter((x) => x.line >= 3 && x.line <= 5)) expect(t.scopes).toContain("meta.embedded.block.tmad-example");
    expect(tokens.filter((x) => x.line >= 3 && x.line <= 5).some((t) => t.scopes.includes("meta.embedded.block.tmad"))).toBe(false);
    expect(tokens.find((t) => t.line === 7)!.scopes).toEqual(["text.html.markdown"]);
  });

  it("knows every keyword of the lexer", () => {
    const keywords = allTokens.filter((t) => t.LONGER_ALT === Identifier || (Array.isArray(t.LONGER_ALT) && t.LONGER_ALT.includes(Identifier))).map((t) => (t.PATTERN as RegExp).source);
    expect(keywords.length).toBeGreaterThan(40);
    const tokens = tokenize(["```tmad", ...keywords.map((k) => `x ${k} y`), "```"]);
    for (const [i, k] of keywords.entries()) {
      const scope = innermost(tokens, k, i + 1);
      expect(scope, k).toMatch(/^(keyword|storage|constant\.language)\./);
    }
  });
});
