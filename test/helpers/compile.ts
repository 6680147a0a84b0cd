/** Test helpers: compile a fixture version directory, and compare with golden files (UPDATE=1 records). */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect } from "vitest";
import { compileVersion, type CompiledVersion } from "../../src/compiler/pipeline.js";

/** Compiles a fixture version directory in memory, without its review pins. */
export function compileFixture(dir: string): CompiledVersion {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => ({ path: `${dir}/${f}`, text: readFileSync(join(dir, f), "utf8") }));
  return compileVersion({ id: dir.split("/").pop()!, dir, files });
}

/** Compares `actual` with the golden file; with UPDATE=1 records it. A missing golden file fails. */
export function expectGolden(path: string, actual: string): void {
  if (process.env.UPDATE === "1") {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  expect(existsSync(path), `${path} is missing: run the test with UPDATE=1 and review the file`).toBe(true);
  expect(actual).toBe(readFileSync(path, "utf8"));
}
