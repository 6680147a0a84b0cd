/**
 * How an output folder differs from the generated files the rules produce, for `tmad build --check`
 * (writing them is src/cli/build-output.ts, through the output-folder guard).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { GeneratedFile } from "./generate/index.js";

export interface Difference {
  readonly path: string;
  readonly kind: "missing" | "changed" | "extra";
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir).flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? listFiles(p).map((x) => join(name, x)) : [name];
    });
  } catch {
    return [];
  }
}

/**
 * Compares `files` with `outDir`. `owned` are the version folders being built: files in them that
 * the build no longer produces are `extra`.
 */
export function diffOutput(outDir: string, files: readonly GeneratedFile[], owned: readonly string[]): Difference[] {
  const out: Difference[] = [];
  const produced = new Set(files.map((f) => f.path));
  for (const f of files) {
    const current = read(join(outDir, f.path));
    if (current === undefined) out.push({ path: f.path, kind: "missing" });
    else if (current !== f.content) out.push({ path: f.path, kind: "changed" });
  }
  for (const dir of owned) {
    for (const rel of listFiles(join(outDir, dir))) {
      const p = `${dir}/${rel.split("\\").join("/")}`;
      if (!produced.has(p)) out.push({ path: p, kind: "extra" });
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}
