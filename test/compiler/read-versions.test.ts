/**
 * Reading version directories (issue 9, "Paths"): a base is a version id looked up within the rules
 * roots, never a path, so `base: ../../x` reads nothing outside them; a circular chain is a coded
 * error, however it is spelled; each directory is read and its Markdown parsed once per reader.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { chainOf } from "../../src/compiler/extract/index.js";
import { compileVersion } from "../../src/compiler/pipeline.js";
import { readVersion, VersionReader } from "../../src/compiler/source/versions.js";

const root = mkdtempSync(join(tmpdir(), "tmad-read-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function version(dir: string, base?: string, body = ""): string {
  mkdirSync(dir, { recursive: true });
  const front = ["---", "document: DEMO", 'version: "1.0"', "status: draft", ...(base === undefined ? [] : [`base: ${JSON.stringify(base)}`]), "published: 2022-01-01", 'source: "x"', 'paraphrase: "x"', "---", ""].join("\n");
  writeFileSync(join(dir, "index.md"), `${front}## 1.1 Clause\n\nText.\n${body}`);
  return dir;
}

describe("bases are version ids within the rules roots", () => {
  it("`base: ../../x` is refused in the front matter, and nothing outside the roots is read", () => {
    // A version directory outside the rules root, reachable by the path.
    version(join(root, "outside", "x"));
    const v = version(join(root, "rules", "deep", "a"), "../../outside/x");
    const compiled = compileVersion(readVersion(v), "check");
    const codes = compiled.diagnostics.map((d) => d.code);
    expect(codes).toContain("TMAD1002");
    expect(compiled.diagnostics.find((d) => d.code === "TMAD1002")?.message).toMatch(/version id, not by a path/);
    expect(compiled.extracted.files.map((f) => f.path).every((p) => !p.includes("outside"))).toBe(true);
  });

  it("a circular chain spelled `./A` and `./B` is a coded error, not a stack overflow", () => {
    const a = version(join(root, "paths", "A"), "./B");
    version(join(root, "paths", "B"), "./A");
    const compiled = compileVersion(readVersion(a), "check");
    expect(compiled.diagnostics.map((d) => d.code)).toContain("TMAD1002");
  });

  it("a circular chain of ids is TMAD1008, naming the chain", () => {
    const a = version(join(root, "ids", "A"), "B");
    version(join(root, "ids", "B"), "C");
    version(join(root, "ids", "C"), "A");
    const compiled = compileVersion(readVersion(a), "check");
    const cycle = compiled.diagnostics.find((d) => d.code === "TMAD1008");
    expect(cycle?.message).toBe("base chain is circular: A → B → C → A");
  });

  it("a base is found beside the version, then under the project's rules/", () => {
    const fixture = version(join(root, "fixtures", "amend"), "tmad-20.v2");
    const chain = chainOf(readVersion(fixture), () => undefined).map((c) => c.source.id);
    expect(chain).toEqual(["amend", "tmad-20.v2", "tmad-20.v1", "tmad-19.0"]);
    const missing = version(join(root, "fixtures", "lost"), "tmad-99.0");
    const compiled = compileVersion(readVersion(missing), "check");
    expect(compiled.diagnostics.find((d) => d.code === "TMAD1007")?.message).toMatch(/^base version tmad-99\.0 not found \(looked in .*fixtures, rules\)$/);
  });

  it("one reader reads each directory once: a chain compiled twice shares its sources", () => {
    const reader = new VersionReader();
    const twice = [reader.read("rules/tmad-20.v2"), reader.read("rules/tmad-20.v2")];
    expect(twice[0]).toBe(twice[1]);
    const baseOf = (s: ReturnType<VersionReader["read"]>): unknown => s.base?.("tmad-20.v1");
    expect(baseOf(twice[0])).toBe(reader.read("rules/tmad-20.v1"));
  });
});
