/**
 * Running the built CLI (`node dist/src/cli/main.js`) from the repository root, for the end-to-end
 * tests in test/cli/cli-*.test.ts (dist/ is brought up to date by test/helpers/global-setup.ts).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
export { listFiles } from "./files.js";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CLI = join(root, "dist", "src", "cli", "main.js");
export const EXAMPLES = "examples/installations.ndjson";
export const exampleLines = readFileSync(join(root, EXAMPLES), "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "");

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function tmad(args: readonly string[], input?: string): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: root, encoding: "utf8", input, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const temps: string[] = [];

/** A new temporary folder, removed by `removeTempDirs` (each test file calls it in afterAll). */
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "tmad-cli-test-"));
  temps.push(d);
  return d;
}

export function removeTempDirs(): void {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
}
