/**
 * Running the built CLI from the repository root, for the end-to-end tests in test/cli/cli-*.test.ts
 * (dist/ is brought up to date by test/helpers/global-setup.ts): `tmad` starts it as a program
 * (`node dist/src/cli/main.js`), for what only a process shows (its exit status, signals, a closed
 * pipe, standard input from a pipe, the #! line); `tmadIn` runs the same command line in this
 * process through the built `runCli` (dist/src/cli/cli.js, which main.js calls), with standard
 * streams of its own, and gives the same Run: a command's output, files and exit code without the
 * ~0.4 CPU-seconds a new node process spends loading modules.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Readable, Writable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
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

/** `tmad args` as a program, from the repository root or from `options.cwd`. */
export function tmad(args: readonly string[], input?: string, options: { cwd?: string } = {}): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: options.cwd ?? root, encoding: "utf8", input, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A stream that keeps what is written to it. */
class Collector extends Writable {
  private readonly chunks: Buffer[] = [];
  constructor() {
    super({ highWaterMark: 1 << 20 });
  }
  override _write(chunk: Buffer | string, encoding: BufferEncoding, done: (e?: Error | null) => void): void {
    this.chunks.push(typeof chunk === "string" ? Buffer.from(chunk, encoding) : chunk);
    done();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}

type RunCli = (argv: readonly string[], io: { stdout: Writable; stderr: Writable; stdin: Readable }) => Promise<number>;
let runCli: Promise<RunCli> | undefined;

/**
 * `tmad args` run in this process, from the repository root (the working directory of the tests), with
 * `input` as its standard input (none: an empty one, as spawnSync gives). Its status is the exit code
 * main.js would set. A command that must run from another folder is run as a program (`tmad` with
 * `cwd`): changing this process's directory for one run is not safe, because a module loaded
 * meanwhile can keep it (esbuild's service is spawned in the directory current when esbuild was first
 * imported, so a later site build failed with ENOENT once that folder was removed).
 */
export async function tmadIn(args: readonly string[], input?: string): Promise<Run> {
  if (process.cwd() !== root) throw new Error(`tmadIn runs from the working directory, ${process.cwd()}, not the repository root`);
  runCli ??= import(pathToFileURL(join(root, "dist", "src", "cli", "cli.js")).href).then((m: { runCli: RunCli }) => m.runCli);
  const run = await runCli;
  const stdout = new Collector();
  const stderr = new Collector();
  const stdin = Readable.from(input === undefined ? [] : [Buffer.from(input, "utf8")]);
  const status = await run(args, { stdout, stderr, stdin });
  return { status, stdout: stdout.text(), stderr: stderr.text() };
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
