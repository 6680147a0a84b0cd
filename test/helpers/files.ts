/** Test helper: the files under a folder, as an output-folder test compares them. */
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** Every file under `dir`, as sorted relative paths with forward slashes. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split("\\").join("/"));
    }
  };
  walk(dir);
  return out;
}
