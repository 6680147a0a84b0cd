/** Test helper: a version directory compiled, loaded and its examples resolved, as the diff takes it (cached per directory). */
import { readVersion } from "../../src/cli/build.js";
import type { DiffSide } from "../../src/compiler/diff/index.js";
import { resolveExamples } from "../../src/compiler/examples/index.js";
import { loadGeneratedWithRules } from "../../src/compiler/load.js";
import { compileVersion, type VersionSource } from "../../src/compiler/pipeline.js";

const sides = new Map<string, DiffSide>();

/** A version source compiled in memory into a diff side; undefined when it does not compile. */
export function sideOf(source: VersionSource): DiffSide | undefined {
  const compiled = compileVersion(source);
  if (compiled.files === undefined || compiled.checked === undefined) return undefined;
  const { installations, examples } = resolveExamples(compiled.extracted.blocks);
  return { extracted: compiled.extracted, checked: compiled.checked, loaded: loadGeneratedWithRules(compiled.files), installations, examples };
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
