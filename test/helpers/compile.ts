/** Test helpers: compile a fixture version directory, and compare with golden files (UPDATE=1 records). */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect } from "vitest";
import { compileVersion, type CompiledVersion } from "../../src/compiler/pipeline.js";

export function compileFixture(dir: string): CompiledVersion {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => ({ path: `${dir}/${f}`, text: readFileSync(join(dir, f), "utf8") }));
  return compileVersion({ id: dir.split("/").pop()!, dir, files });
}

/** Compares `actual` with the golden file; with UPDATE=1, or when the file is missing, records it. */
export function expectGolden(path: string, actual: string): void {
  if (process.env.UPDATE === "1" || !existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  expect(actual).toBe(readFileSync(path, "utf8"));
}
