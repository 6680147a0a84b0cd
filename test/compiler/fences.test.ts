/**
 * Parsing Markdown without reading fenced blocks line by line (extract/fences.ts) gives the tree
 * remark-parse gives for the whole text: same nodes, values and positions, on every rule document of
 * the corpus, on a synthetic version's, and on documents where a fence-looking line is not a
 * top-level fence (the short text is then refused and the whole text parsed).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Root } from "mdast";
import remarkFrontmatter from "remark-frontmatter";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { describe, expect, it } from "vitest";
import { parseSkippingFences } from "../../src/compiler/extract/fences.js";

const markdown = unified().use(remarkParse).use(remarkFrontmatter, ["yaml"]);
const parse = (t: string): Root => markdown.parse(t) as Root;

function same(text: string): { shortened: boolean } {
  let calls = 0;
  const counted = (t: string): Root => {
    calls++;
    return parse(t);
  };
  expect(parseSkippingFences(text, counted)).toEqual(parse(text));
  // One call: the short text was accepted (or there was nothing to take out).
  return { shortened: calls === 1 && text.includes("\n```") };
}

const cases: Record<string, string> = {
  plain: "---\ndocument: X\n---\n\n# Title\n\n## 4.1 A clause\n\nProse *with* [a link][x].\n\n```tmad\nrule a\n  when x\n  then y\n```\n\nMore prose.\n\n```tmad-example\nexample: e\n```\n\n[x]: https://example.org\n",
  "longer fence with inner fences": "# H\n\n````tmad\nrule a\n```\nnot a close\n```\n````\n\n## 1.2 After\n\ntext\n",
  tildes: "~~~tmad\nrule a\n```\n~~~\n\ntext ~~~\n",
  "fence inside an HTML comment": "# H\n\n<!--\n```tmad\nrule commented\n```\n-->\n\n## 2 After\n\n```tmad\nrule b\n```\n",
  "fence inside a list": "- item\n\n  ```tmad\n  rule a\n  ```\n- next\n```tmad\nrule b\n```\n",
  "fence inside a blockquote": "> ```tmad\n> rule a\n> ```\n\n```tmad\nrule b\n```\n",
  "unclosed fence": "# H\n\n```tmad\nrule a\n\nno end\n",
  "indented closer": "```tmad\nrule a\n   ```\nafter\n",
  "closer indented four (not a closer)": "```tmad\nrule a\n    ```\nstill code\n```\n\n# After\n",
  "closer with text (not a closer)": "```tmad\nrule a\n``` not\nstill code\n```\n\n# After\n",
  "backtick in info string (not a fence)": "```tm`ad\nrule a\n```\n\n# After\n",
  "fence in front matter": "---\nnote: |\n  ```\n  x\n  ```\n---\n\n# After\n\n```tmad\nrule a\n```\n",
  "empty block": "```tmad\n```\n\n# H\n\n```tmad\nx\n```\n",
  "setext heading after a block": "```tmad\nrule a\n```\nTitle\n=====\n\n```tmad-example\ne: 1\n```",
  "tab-indented content": "```tmad\n\trule a\n\t  when b\n```\n",
  "paragraph then fence": "para\n```tmad\nrule a\n```\npara\n",
};

describe("parsing Markdown without reading fenced blocks", () => {
  for (const [name, text] of Object.entries(cases)) it(`gives remark's tree: ${name}`, () => void same(text));

  it("takes the content out of top-level fences (a plain document is parsed once, shortened)", () => {
    expect(same(cases.plain).shortened).toBe(true);
    expect(same(cases["fence inside an HTML comment"]).shortened).toBe(false);
  });

  it("gives remark's tree for every rule document of the corpus", () => {
    for (const version of readdirSync("rules")) {
      for (const f of readdirSync(join("rules", version)).filter((n) => n.endsWith(".md"))) same(readFileSync(join("rules", version, f), "utf8").replace(/\r\n?/g, "\n"));
    }
  });
});
