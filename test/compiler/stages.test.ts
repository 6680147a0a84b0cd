/**
 * The pipeline's contract: each stage is a function of the previous stage's output alone (and the
 * one diagnostic acceptor), proved by the stage functions' types (checked by `tsc -p
 * tsconfig.test.json` in `npm test`), and by running the stages one after another by hand.
 * The generator and the tools after it import from the checker only its types: none of them can
 * resolve names or types again.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, expectTypeOf, it } from "vitest";
import { analyze } from "../../src/compiler/analyze/index.js";
import type { CheckedVersion } from "../../src/compiler/check/index.js";
import { DiagnosticList, type Accept } from "../../src/compiler/diagnostics/diagnostic.js";
import type { ExtractedVersion } from "../../src/compiler/extract/index.js";
import type { GeneratedFile } from "../../src/compiler/generate/index.js";
import type { LoadedVersion } from "../../src/compiler/load.js";
import type { ParsedVersion } from "../../src/compiler/parse/index.js";
import { stages } from "../../src/compiler/pipeline.js";
import { readVersion, type VersionSource } from "../../src/compiler/source/versions.js";
import { compiledDir, loadedDir } from "../helpers/diff.js";
import { specifiers } from "../helpers/imports.js";

describe("each stage takes the previous stage's output alone", () => {
  it("by the types of the stage functions", () => {
    expectTypeOf(stages.extract).parameters.toEqualTypeOf<[VersionSource, Accept]>();
    expectTypeOf(stages.extract).returns.toEqualTypeOf<ExtractedVersion>();
    expectTypeOf(stages.parse).parameters.toEqualTypeOf<[ExtractedVersion, Accept]>();
    expectTypeOf(stages.parse).returns.toEqualTypeOf<ParsedVersion>();
    expectTypeOf(stages.check).parameters.toEqualTypeOf<[ParsedVersion, Accept]>();
    expectTypeOf(stages.check).returns.toEqualTypeOf<CheckedVersion | undefined>();
    expectTypeOf(stages.pins).parameters.toEqualTypeOf<[CheckedVersion, Accept]>();
    expectTypeOf(stages.generate).parameters.toEqualTypeOf<[CheckedVersion]>();
    expectTypeOf(stages.generate).returns.toEqualTypeOf<GeneratedFile[]>();
    expectTypeOf(analyze).parameters.toEqualTypeOf<[CheckedVersion, LoadedVersion]>();
    // Runtime mirror of the type assertions, so the test also fails under plain vitest.
    expect(Object.keys(stages)).toEqual(["extract", "parse", "check", "pins", "generate"]);
  });

  it("by running them by hand, each on the last one's output: the same files as the pipeline", () => {
    const source = readVersion("rules/tmad-20.v2");
    const list = new DiagnosticList();
    const extracted = stages.extract(source, list.accept);
    const parsed = stages.parse(extracted, list.accept);
    const checked = stages.check(parsed, list.accept)!;
    stages.pins(checked, list.accept);
    const files = stages.generate(checked);
    expect(list.all.filter((d) => d.severity === "error")).toEqual([]);
    expect(files).toEqual(compiledDir("rules/tmad-20.v2").files);
  });

  it("a CheckedVersion carries what analysis needs: named installations and suppressions", () => {
    const checked = compiledDir("rules/tmad-20.v2").checked!;
    expect(checked.installations.size).toBeGreaterThan(5);
    expect(checked.suppressions.length).toBeGreaterThan(0);
    expect(analyze(checked, loadedDir("rules/tmad-20.v2")).diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });
});

describe("later stages do not re-derive what the checker established", () => {
  const dirs = ["src/compiler/generate", "src/compiler/pins", "src/compiler/analyze", "src/compiler/diff", "src/compiler/examples"];
  for (const dir of dirs) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
      it(`${dir}/${file} imports no checker pass`, () => {
        const text = readFileSync(join(dir, file), "utf8");
        const fromCheck = specifiers(text).filter((s) => s.includes("/check/") || s.startsWith("./check") || s === "../check/index.js");
        for (const s of fromCheck) {
          // Only the stage's output types and the helpers index.ts exports (names, dependency walks).
          expect(s.endsWith("/check/index.js") || s.endsWith("/check/types.js") || s.endsWith("/check/checked-version.js"), `${file} imports ${s}`).toBe(true);
        }
        if (dir === "src/compiler/generate") expect(text).not.toMatch(/\bTypeResolver\b|\bresolveType|\btypeOfTypeExpr\b/);
      });
    }
  }
});
