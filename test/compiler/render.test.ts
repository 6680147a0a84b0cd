/**
 * Generated code that is not formatted (what `tmad check`, `tmad diff` and the fuzzer run in
 * memory) is printed straight from ts-morph's structures, without a project parsing it: the text
 * must be exactly what the project gave (the same printer, the project's default settings), for
 * every version of the corpus and for generated rule documents of every kind the fuzzer makes.
 */
import { describe, expect, it } from "vitest";
import { generateDocument } from "../../scripts/fuzz/documents.js";
import { ruleVersions } from "../../scripts/fuzz.js";
import { throughProject, withoutFormatting } from "../../src/compiler/generate/render.js";
import { compileVersion, type VersionSource } from "../../src/compiler/pipeline.js";

function bothWays(source: VersionSource): { direct?: readonly { path: string; content: string }[]; project?: readonly { path: string; content: string }[] } {
  const direct = withoutFormatting(() => compileVersion(source)).files;
  const project = withoutFormatting(() => throughProject(() => compileVersion(source))).files;
  return { ...(direct === undefined ? {} : { direct }), ...(project === undefined ? {} : { project }) };
}

describe("unformatted generated code", () => {
  it("is the project's text for every version of rules/", () => {
    const versions = ruleVersions();
    for (const v of versions) {
      const { direct, project } = bothWays(v);
      expect(direct).toBeDefined();
      expect(direct).toEqual(project);
    }
    expect(versions.length).toBeGreaterThanOrEqual(3);
  }, 120_000);

  it("is the project's text for generated documents (hostile names and text included)", () => {
    let compared = 0;
    for (let i = 0; compared < 25 && i < 400; i++) {
      const doc = generateDocument(31, i);
      if (doc.features.some((f) => f.startsWith("stress: rules"))) continue;
      const { direct, project } = bothWays({ id: `d${i}`, dir: `fuzz/d${i}`, files: [{ path: `fuzz/d${i}/index.md`, text: doc.text }] });
      expect(direct).toEqual(project);
      if (direct !== undefined) compared++;
    }
    expect(compared).toBe(25);
  }, 120_000);
});
