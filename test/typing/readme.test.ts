/**
 * The README's Library section is tested: its example is byte for byte the file
 * test/typing/readme-library.ts (with the package's import paths), which `npm run typecheck`
 * compiles, and it runs against the built package (dist/), worker threads included.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const section = readme.slice(readme.indexOf("## Library"));
const example = section.slice(section.indexOf("```ts\n") + 6, section.indexOf("```", section.indexOf("```ts\n") + 6));

describe("README, Library section", () => {
  it("is the type-checked file test/typing/readme-library.ts", () => {
    const file = readFileSync(join(root, "test/typing/readme-library.ts"), "utf8");
    expect(file).toBe(example.replace('from "tmad";', 'from "../../src/index.js";').replace('from "tmad/generated/tmad-20.v2";', 'from "../../generated/tmad-20.v2/index.js";'));
    expect(example).toContain("// @ts-expect-error");
  });

  it("runs against the built package", () => {
    const js = ts.transpileModule(example, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", js], { cwd: root, encoding: "utf8", timeout: 60_000 });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const out = r.stdout;
    expect(out.split("\n")[0]).toBe("MIGRATE_PARTIAL 4.26A");
    expect(out).toContain("Under TMAD 20.v2, installation INS-4.26A-mds-gsme-configuration-failed");
    expect(out).toContain("Why it applies:");
    // The five invalid example records, by line, from the parallel pipeline.
    expect(out.match(/^line \d+: /gm)).toHaveLength(5);
  });
});
