/**
 * Test helpers: a version directory compiled in memory, loaded, and as the diff takes it. Cached
 * per directory: the test files share each worker's modules (vitest.config.ts: isolate: false), so
 * the corpus is compiled once per worker, not once per file. Callers must not modify what they get.
 * Only compiledDir generates the files formatted, as `tmad build` writes them (most of the cost of
 * compiling a corpus version): take it for the files' text, checkedDir and loadedDir otherwise.
 */
import type { CheckedVersion } from "../../src/compiler/check/index.js";
import type { DiffSide } from "../../src/compiler/diff/index.js";
import { loadChecked, loadVersionFiles, type LoadedVersion } from "../../src/compiler/load.js";
import { compileVersion, type CompiledVersion, type VersionSource } from "../../src/compiler/pipeline.js";
import { readVersion } from "../../src/compiler/source/versions.js";

const compiledDirs = new Map<string, CompiledVersion>();
const sides = new Map<string, DiffSide>();

/** A version source compiled in memory into a diff side; undefined when it does not compile. */
export function sideOf(source: VersionSource): DiffSide | undefined {
  const compiled = compileVersion(source);
  if (compiled.files === undefined || compiled.checked === undefined) return undefined;
  return { checked: compiled.checked, loaded: loadVersionFiles(compiled.files) };
}

/** `compileVersion(readVersion(dir))`, once per directory. */
export function compiledDir(dir: string): CompiledVersion {
  let c = compiledDirs.get(dir);
  if (c === undefined) {
    c = compileVersion(readVersion(dir));
    compiledDirs.set(dir, c);
  }
  return c;
}

/**
 * The checked version of `dir` (as diffSide takes it: checked up to the pins), for tests that read
 * the checked version only and not the generated files.
 */
export function checkedDir(dir: string): CheckedVersion {
  return diffSide(dir).checked;
}

/** The version of `dir` loaded as a module (as diffSide loads it: generated unformatted, unless compiled whole already). */
export function loadedDir(dir: string): LoadedVersion {
  return diffSide(dir).loaded;
}

/**
 * `dir` as `tmad diff` takes it, once per directory: checked up to the pins, its evaluator generated
 * unformatted and loaded (the diff only runs it; formatting was most of the cost of compiling). A
 * directory this worker already compiled whole is taken from that cache instead.
 */
export function diffSide(dir: string): DiffSide {
  let s = sides.get(dir);
  if (s === undefined) {
    const whole = compiledDirs.get(dir);
    if (whole !== undefined) {
      if (whole.checked === undefined || whole.files === undefined) throw new Error(`${dir} does not compile`);
      s = { checked: whole.checked, loaded: loadVersionFiles(whole.files) };
    } else {
      const compiled = compileVersion(readVersion(dir), "pins");
      if (compiled.checked === undefined || compiled.diagnostics.some((d) => d.severity === "error")) throw new Error(`${dir} does not compile`);
      s = { checked: compiled.checked, loaded: loadChecked(compiled.checked) };
    }
    sides.set(dir, s);
  }
  return s;
}
