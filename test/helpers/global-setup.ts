/**
 * Runs once before any test file (vitest globalSetup): every test runs dist/ (the built CLI, and the
 * modules of src/, grammar/ and generated/ that tests import are loaded from dist/, vitest.config.ts)
 * and must not test a stale build. `npm test` builds first; a plain `npx vitest` after an edit
 * rebuilds here, once, instead of in each file.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The folders `tsc -b tsconfig.json` compiles into dist/ (its `include` and its referenced runtime project's): the build is stale when one of their sources is newer, and vitest.config.ts loads their modules from dist/. */
export const COMPILED_FOLDERS: readonly string[] = ["src", "grammar", "generated"];

/** Newest modification time of the TypeScript that dist/ is compiled from. */
function newestSource(): number {
  let newest = 0;
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (name.endsWith(".ts")) newest = Math.max(newest, st.mtimeMs);
    }
  };
  for (const d of COMPILED_FOLDERS) walk(join(root, d));
  return newest;
}

export default function setup(): void {
  // tsc rewrites its build info on every build that changed anything (it emits only changed files,
  // so dist/src/cli/main.js alone may stay older than an edited source).
  const info = join(root, "dist", "tsconfig.tsbuildinfo");
  const built = [info, join(root, "dist", "src", "cli", "main.js")].every(existsSync) ? statSync(info).mtimeMs : 0;
  if (built >= newestSource()) return;
  const r = spawnSync("npm", ["run", "build"], { cwd: root, encoding: "utf8", shell: process.platform === "win32" });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}\n${r.stderr}`);
}
