/**
 * Keeps grammar/README.md true to the parser: every `tmad` block in it parses without diagnostics,
 * every `tmad-invalid` block is really rejected, the blocks together show every construct, and
 * its EBNF is the grammar of grammar/parser.ts rule for rule.
 */
import { readFileSync } from "node:fs";
import type { Code, Root } from "mdast";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { describe, expect, it } from "vitest";
import { renderEbnf } from "../../scripts/grammar-artifacts.js";
import type { Declaration } from "../../src/compiler/ast/nodes.js";
import { extractVersion, type RuleBlock } from "../../src/compiler/extract/index.js";
import { parseBlock } from "../../src/compiler/parse/index.js";

const README = "grammar/README.md";
const text = readFileSync(new URL("../../grammar/README.md", import.meta.url), "utf8");
const fences = (unified().use(remarkParse).parse(text) as Root).children.filter((n): n is Code => n.type === "code");

// The extract stage finds the `tmad` blocks exactly as it does in rule documents (the README has no
// front matter, so its version diagnostics are beside the point here).
const blocks = extractVersion("readme", "grammar", [{ path: README, text }]).version.blocks.filter((b) => b.kind === "rules");

describe("grammar/README.md tmad blocks", () => {
  it("has an example block for each section", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(25);
  });

  for (const block of blocks) {
    it(`parses the block at line ${block.firstLine} without diagnostics`, () => {
      const { diagnostics } = parseBlock(block);
      expect(diagnostics).toEqual([]);
    });
  }

  it("rejects every tmad-invalid block", () => {
    const invalid = fences.filter((f) => f.lang === "tmad-invalid");
    expect(invalid.length).toBeGreaterThan(0);
    for (const fence of invalid) {
      const code = fence.value;
      const block: RuleBlock = {
        kind: "rules",
        file: README,
        code,
        firstLine: fence.position!.start.line + 1,
        columnOffsets: code.split("\n").map(() => 0),
        span: { file: README, start: fence.position!.start, end: fence.position!.end },
      };
      expect(parseBlock(block).diagnostics.length, `block at line ${block.firstLine}`).toBeGreaterThan(0);
    }
  });
});

/** Every feature a README example shows, as short tags: node kinds plus the variant of each. */
function features(declarations: readonly Declaration[]): Set<string> {
  const seen = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== "object") return;
    const n = node as Record<string, unknown>;
    if (typeof n.kind === "string") seen.add(n.kind);
    switch (n.kind) {
      case "Binary":
        seen.add(`operator ${String(n.operator)}`);
        break;
      case "Unary":
        seen.add(`unary ${String(n.operator)}`);
        break;
      case "Quantified":
        seen.add(`quantifier ${String(n.quantifier)}`);
        if (n.filter !== undefined && n.predicate !== undefined) seen.add("where and satisfies");
        break;
      case "Aggregated":
        seen.add(`aggregate ${String(n.aggregate)}`);
        break;
      case "Membership":
        seen.add(n.negated ? "not in" : "in");
        break;
      case "Presence":
        seen.add(n.negated ? "is absent" : "is present");
        break;
      case "ScalarType":
        seen.add(`type ${String(n.name)}`);
        break;
      case "MemberAccess":
        // `Cohort.IOC` and `installation.cohort` look alike to the parser; both must appear.
        if ((n.object as { kind?: string }).kind === "NameRef") seen.add(`access on ${(n.object as { name: { text: string } }).name.text}`);
        break;
      case "EnumDecl":
        if ((n.members as { label?: string }[]).some((m) => m.label !== undefined)) seen.add("enum label");
        break;
      case "IdentifierDecl":
        seen.add(n.checkDigit === undefined ? "identifier without check digit" : "identifier with check digit");
        break;
      case "RecordDecl":
        if (n.datedBy !== undefined) seen.add("record dated by");
        if ((n.fields as { dated?: { otherwise?: unknown } }[]).some((f) => f.dated?.otherwise !== undefined)) seen.add("field dated by, otherwise");
        break;
      case "DecisionDecl":
        if ((n.fields as { defaultValue?: unknown }[]).some((f) => f.defaultValue !== undefined)) seen.add("decision default");
        break;
      case "DefinitionDecl":
        seen.add((n.params as unknown[]).length > 0 ? "definition with parameters" : "definition without parameters");
        seen.add(n.type === undefined ? "definition without type" : "definition with type");
        break;
      case "RuleDecl":
        seen.add(n.clause === undefined ? "rule without clause" : "rule with clause");
        if (n.source !== undefined) seen.add("rule source");
        if ((n.unless as unknown[]).length > 0) seen.add("unless");
        if ((n.overrides as unknown[]).length > 0) seen.add("overrides");
        break;
      case "DefaultDecl":
        seen.add(n.clause === undefined ? "default without clause" : "default with clause");
        break;
    }
    if (typeof n.doc === "string") seen.add("doc comment");
    for (const [key, value] of Object.entries(n)) if (key !== "span") walk(value);
  };
  walk(declarations);
  return seen;
}

describe("grammar/README.md covers the language", () => {
  const seen = features(blocks.flatMap((b) => parseBlock(b).declarations));

  it.each([
    // Declarations
    ...["EnumDecl", "RecordDecl", "IdentifierDecl", "InputDecl", "DecisionDecl", "ParameterDecl", "DefinitionDecl", "RuleDecl", "DefaultDecl"],
    ...["enum label", "identifier with check digit", "identifier without check digit", "decision default", "doc comment"],
    ...["record dated by", "field dated by, otherwise"],
    ...["definition with parameters", "definition without parameters", "definition with type", "definition without type"],
    ...["rule with clause", "rule without clause", "rule source", "unless", "overrides", "default with clause", "default without clause"],
    // Types
    ...["boolean", "integer", "decimal", "text", "date", "datetime", "clause"].map((t) => `type ${t}`),
    ...["NamedType", "ListType", "OptionalType"],
    // Expressions
    ...["BooleanLiteral", "NumberLiteral", "TextLiteral", "DateLiteral", "DateTimeLiteral", "ClauseLiteral", "NameRef", "MemberAccess", "Call"],
    ...["Unary", "Binary", "Membership", "Presence", "Otherwise", "If", "Quantified", "Aggregated", "Collect", "ListLiteral", "DaysBetween"],
    ...["and", "or", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/"].map((o) => `operator ${o}`),
    "unary not",
    "unary -",
    "in",
    "not in",
    "is present",
    "is absent",
    "access on Cohort",
    "access on installation",
    ...["some", "every", "no", "count"].map((q) => `quantifier ${q}`),
    "where and satisfies",
    ...["min", "max", "sum"].map((a) => `aggregate ${a}`),
  ])("shows %s", (feature) => {
    expect(seen.has(feature)).toBe(true);
  });
});

/** Rule name → right-hand side as one line of tokens, whitespace and comments dropped. */
function ebnfRules(source: string): Map<string, string> {
  const tokens = source.replace(/\/\*[\s\S]*?\*\//g, " ").match(/"[^"]*"|::=|[A-Za-z_][A-Za-z0-9_]*|[()|?*+]|\S/g) ?? [];
  const rules = new Map<string, string>();
  let current: string[] | undefined;
  tokens.forEach((t, i) => {
    if (tokens[i + 1] === "::=") {
      current = [];
      rules.set(t, "");
    } else if (t !== "::=" && current !== undefined) {
      current.push(t);
      rules.set([...rules.keys()].pop()!, current.join(" "));
    }
  });
  return rules;
}

describe("grammar/README.md EBNF", () => {
  it("is the grammar of grammar/parser.ts", () => {
    const ebnf = fences.filter((f) => f.lang === "ebnf");
    expect(ebnf).toHaveLength(1);
    const documented = ebnfRules(ebnf[0].value);
    const actual = ebnfRules(renderEbnf());
    expect([...documented.keys()]).toEqual([...actual.keys()]);
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(actual));
  });
});
