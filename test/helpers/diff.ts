/**
 * Test helpers: a version directory compiled in memory, loaded, and as the diff takes it. Cached
 * per directory: the test files share each worker's modules (vitest.config.ts: isolate: false), so
 * the corpus is compiled once per worker, not once per file. Callers must not modify what they get.
 */
import type { DiffSide } from "../../src/compiler/diff/index.js";
import { loadChecked, loadVersionFiles, type LoadedVersion } from "../../src/compiler/load.js";
import { compileVersion, type CompiledVersion, type VersionSource } from "../../src/compiler/pipeline.js";
import { readVersion } from "../../src/compiler/source/versions.js";

const compiledDirs = new Map<string, CompiledVersion>();
const loadedDirs = new Map<string, LoadedVersion>();
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

/** The compiled version of `dir` loaded as a module, once per directory. */
export function loadedDir(dir: string): LoadedVersion {
  let l = loadedDirs.get(dir);
  if (l === undefined) {
    const compiled = compiledDir(dir);
    if (compiled.files === undefined) throw new Error(`${dir} does not compile`);
    l = loadVersionFiles(compiled.files);
    loadedDirs.set(dir, l);
  }
  return l;
}

/**
 * `dir` as `tmad diff` takes it, once per directory: checked up to the pins, its evaluator generated
 * unformatted and loaded (the diff only runs it; formatting was most of the cost of compiling). A
 * directory this worker already compiled whole is taken from that cache instead.
 */
export function diffSide(dir: string): DiffSide {
  let s = sides.get(dir);
  if (s === undefined) {
    if (compiledDirs.has(dir)) {
      const checked = compiledDir(dir).checked;
      if (checked === undefined) throw new Error(`${dir} does not compile`);
      s = { checked, loaded: loadedDir(dir) };
    } else {
      const compiled = compileVersion(readVersion(dir), "pins");
      if (compiled.checked === undefined || compiled.diagnostics.some((d) => d.severity === "error")) throw new Error(`${dir} does not compile`);
      s = { checked: compiled.checked, loaded: loadChecked(compiled.checked) };
    }
    sides.set(dir, s);
  }
  return s;
}
