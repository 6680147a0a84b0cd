/** Test helper: a version directory compiled and loaded, as the diff takes it (cached per directory). */
import type { DiffSide } from "../../src/compiler/diff/index.js";
import { loadVersionFiles } from "../../src/compiler/load.js";
import { compileVersion, type VersionSource } from "../../src/compiler/pipeline.js";
import { readVersion } from "../../src/compiler/source/versions.js";

const sides = new Map<string, DiffSide>();

/** A version source compiled in memory into a diff side; undefined when it does not compile. */
export function sideOf(source: VersionSource): DiffSide | undefined {
  const compiled = compileVersion(source);
  if (compiled.files === undefined || compiled.checked === undefined) return undefined;
  return { checked: compiled.checked, loaded: loadVersionFiles(compiled.files) };
}

export function diffSide(dir: string): DiffSide {
  let s = sides.get(dir);
  if (s === undefined) {
    s = sideOf(readVersion(dir));
    if (s === undefined) throw new Error(`${dir} does not compile`);
    sides.set(dir, s);
  }
  return s;
}
