/**
 * docs/diagnostics.md stays true and complete: every code of the registry has a section with its
 * title and severity and at least one example, and every example, compiled, gives its code.
 *
 * Conventions (stated at the top of the document):
 * - `<!-- diagnostic: TMADnnnn -->` right above a ````markdown fence: a whole rule document (the
 *   file `index.md` of a version) that must give that code;
 * - `<!-- base: NAME -->` above a ````markdown fence: a version directory NAME that an example's
 *   front matter may name with `base: NAME`; a `base` that names no such block is missing (TMAD1007);
 *   `<!-- base: NAME in-cycle -->` marks one that names the example as its base (TMAD1008);
 * - `<!-- diagnostic: TMADnnnn empty-directory -->` above an empty fence: a version directory with
 *   no Markdown file at all, checked with `tmad check` (the CLI reads directories; needs dist/);
 * - `<!-- diagnostic: TMADnnnn pins -->`: compiled with review pins; a ````json fence below
 *   `<!-- pins.json -->` right after it is the version's pins.json;
 * - `<!-- diagnostic: TMADnnnn not-emitted -->` above an empty fence: a code of the registry that no
 *   stage gives yet; the test asserts that no file under src/ but the registry names it.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/compiler/analyze/index.js";
import { DIAGNOSTIC_CODES, type DiagnosticCode } from "../../src/compiler/diagnostics/codes.js";
import { loadVersionFiles } from "../../src/compiler/load.js";
import { compileVersion, type VersionSource } from "../../src/compiler/pipeline.js";
import { tmadIn } from "../helpers/cli.js";

const DOC = "docs/diagnostics.md";
const text = readFileSync(DOC, "utf8");

interface Example {
  readonly code: string;
  readonly option?: string;
  readonly body: string;
  /** For a `pins` example: the text of its pins.json, if it has one. */
  readonly pins?: string;
  readonly line: number;
}

function lineAt(offset: number): number {
  return text.slice(0, offset).split("\n").length;
}

const FENCE = /<!-- (diagnostic|base): ([\w.-]+)(?: ([\w-]+))? -->\n````markdown\n([\s\S]*?)^````$(?:\n\n[^<]*<!-- pins\.json -->\n````json\n([\s\S]*?)^````$)?/gm;
const examples: Example[] = [];
const bases = new Map<string, string>();
/** Base blocks that are part of a circular chain (the TMAD1008 example): they cannot compile alone. */
const inCycle = new Set<string>();
for (const m of text.matchAll(FENCE)) {
  if (m[1] === "base") {
    bases.set(m[2], m[4]);
    if (m[3] === "in-cycle") inCycle.add(m[2]);
  }
  else examples.push({ code: m[2], ...(m[3] === undefined ? {} : { option: m[3] }), body: m[4], ...(m[5] === undefined ? {} : { pins: m[5] }), line: lineAt(m.index) });
}

/**
 * A version source for a document; its base is found by id among the `<!-- base: … -->` blocks and
 * the example itself (for a circular chain).
 */
function source(id: string, body: string, root: { id: string; body: string } = { id, body }): VersionSource {
  const lookup = (name: string): VersionSource | { missing: string } => {
    const text = name === root.id ? root.body : bases.get(name);
    return text === undefined ? { missing: `base version ${name} not found` } : source(name, text, root);
  };
  return { id, dir: `docs-examples/${id}`, files: [{ path: `docs-examples/${id}/index.md`, text: body }], base: lookup };
}

/**
 * Every code a document gives: the compiler's stages, the examples beside the clauses, and (when it
 * compiles) the analysis `tmad check` runs over the named installations and examples.
 */
function codesOf(body: string, pins?: { path: string; text?: string }): string[] {
  const compiled = compileVersion({ ...source("example", body), ...(pins === undefined ? {} : { pins }) }, "generate");
  const analysis = compiled.files === undefined || compiled.checked === undefined ? [] : analyze(compiled.checked, loadVersionFiles(compiled.files)).diagnostics;
  return [...compiled.diagnostics, ...analysis].map((d) => d.code);
}

/** Source files under src/ other than the registry that name `code`. */
function emitters(code: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(path);
      else if (path.endsWith(".ts") && path !== "src/compiler/diagnostics/codes.ts" && readFileSync(path, "utf8").includes(`"${code}"`)) out.push(path);
    }
  };
  walk("src");
  return out;
}

describe("docs/diagnostics.md", () => {
  const codes = Object.keys(DIAGNOSTIC_CODES) as DiagnosticCode[];

  it("has a section for every code of the registry, with its title and severity", () => {
    for (const code of codes) {
      const info = DIAGNOSTIC_CODES[code];
      expect(text, `section for ${code}`).toContain(`### ${code}: ${info.title}\n`);
      const section = text.slice(text.indexOf(`### ${code}:`)).split(/\n### /)[0];
      expect(section, `severity of ${code}`).toContain(`Severity: **${info.severity}**`);
    }
  });

  it("documents no code that the registry does not have", () => {
    const documented = [...text.matchAll(/^### (TMAD\d{4}):/gm)].map((m) => m[1]);
    expect(documented.filter((c) => !(c in DIAGNOSTIC_CODES))).toEqual([]);
    expect(new Set(documented).size).toBe(documented.length);
  });

  it("has an example for every code", () => {
    const withExample = new Set(examples.map((e) => e.code));
    expect(codes.filter((c) => !withExample.has(c))).toEqual([]);
  });

  for (const e of examples) {
    it(`the example for ${e.code} (line ${e.line}) gives ${e.code}`, async () => {
      if (e.option === "empty-directory") {
        const dir = mkdtempSync(join(tmpdir(), "tmad-docs-empty-"));
        try {
          const r = await tmadIn(["check", dir, "--format", "json"]);
          const out = JSON.parse(r.stdout) as { versions: { diagnostics: { code: string }[] }[] };
          expect(out.versions.flatMap((v) => v.diagnostics.map((d) => d.code))).toContain(e.code);
          expect(r.status).toBe(1);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
        return;
      }
      if (e.option === "not-emitted") {
        expect(emitters(e.code), `${e.code} is given by a stage now: replace the not-emitted marker with an example`).toEqual([]);
        return;
      }
      if (e.option === "pins") {
        const path = "docs-examples/example/pins.json";
        expect(codesOf(e.body, e.pins === undefined ? { path } : { path, text: e.pins })).toContain(e.code);
        return;
      }
      expect(e.option).toBeUndefined();
      expect(codesOf(e.body)).toContain(e.code);
    });
  }

  it("each example's base block, alone, compiles without errors", () => {
    for (const [name, body] of bases) if (!inCycle.has(name)) expect(compileVersion(source(name, body), "check").diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });
});
