/**
 * The generated grammar files are up to date and deterministic: what scripts/grammar-artifacts.ts
 * would write is what is on disk (the same comparison as its `--check`, without a child process).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderArtifacts, repoRoot, staleArtifacts } from "../../scripts/grammar-artifacts.js";

describe("grammar artifacts", () => {
  const artifacts = renderArtifacts();

  it("are grammar/cst.d.ts and grammar/diagrams.html", () => {
    expect([...artifacts.keys()].sort()).toEqual(["grammar/cst.d.ts", "grammar/diagrams.html"]);
  });

  for (const [path, content] of artifacts) {
    it(`${path} matches what the generator writes (run \`npm run grammar\` if not)`, () => {
      // Compared as a boolean first: a diff of a 90 kB page helps nobody.
      expect(readFileSync(join(repoRoot, path), "utf8") === content).toBe(true);
    });
  }

  it("check mode reports no stale file", () => {
    expect(staleArtifacts()).toEqual([]);
  });

  it("renders byte-identical output on every run", () => {
    const again = renderArtifacts();
    for (const [path, content] of artifacts) expect(again.get(path) === content, path).toBe(true);
  });

  it("diagrams.html loads nothing from the network", () => {
    const html = artifacts.get("grammar/diagrams.html")!;
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link[^>]*\shref=/i);
    expect(html).not.toContain("unpkg");
  });

  it("diagrams.html draws every parser rule", () => {
    const html = artifacts.get("grammar/diagrams.html")!;
    for (const rule of ["document", "ruleDecl", "comparison", "quantified", "daysBetween"]) expect(html).toContain(`"name": "${rule}"`);
    expect(html).toContain("main.drawDiagramsFromSerializedGrammar(");
  });

  it("cst.d.ts has a node type per parser rule", () => {
    const dts = artifacts.get("grammar/cst.d.ts")!;
    for (const node of ["DocumentCstNode", "RuleDeclCstNode", "ComparisonCstNode", "DaysBetweenCstNode"]) expect(dts).toContain(`export interface ${node} extends CstNode`);
  });
});
