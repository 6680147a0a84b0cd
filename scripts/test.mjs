/**
 * `npm test`: builds dist/ (the sources' project, tsconfig.json, and the runtime's, which it
 * references: the suite runs the built CLI and loads dist/), then type-checks the projects that emit
 * nothing (the tests and scripts, the browser code, the VS Code client) WHILE the test suite runs, instead of before
 * it: the check is one process on one core beside vitest's two workers, not ~15 s of a single
 * core before the first test starts. The type-check's output is printed after the tests', and
 * either failing fails `npm test`. Arguments are passed on to `vitest run`.
 */
import { spawn } from "node:child_process";
import { chmodSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const vitest = join(root, "node_modules", "vitest", "vitest.mjs");
/** Everything `npm run typecheck` builds but tsconfig.json and the runtime's project it references (built first, below). */
const checkOnly = ["tsconfig.test.json", "tsconfig.browser.json", "editors/vscode/tsconfig.json"];

/** Runs node with args; resolves to its exit code (1 for a signal) and, when `collect`, its output. */
function run(args, collect) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: collect ? ["ignore", "pipe", "pipe"] : "inherit" });
    const chunks = [];
    if (collect) {
      child.stdout.on("data", (c) => chunks.push(c));
      child.stderr.on("data", (c) => chunks.push(c));
    }
    child.on("error", (e) => resolve({ code: 1, output: String(e) }));
    child.on("close", (code) => resolve({ code: code ?? 1, output: Buffer.concat(chunks).toString("utf8") }));
  });
}

const build = await run([tsc, "-b", "tsconfig.json"], false);
if (build.code !== 0) {
  process.stderr.write("npm test: tsc -b tsconfig.json failed\n");
  process.exit(build.code);
}
chmodSync(join(root, "dist", "src", "cli", "main.js"), 0o755);

const [check, tests] = await Promise.all([run([tsc, "-b", ...checkOnly], true), run([vitest, "run", ...process.argv.slice(2)], false)]);
if (check.output !== "") process.stdout.write(check.output);
process.stdout.write(`\ntype-check (tsc -b ${checkOnly.join(" ")}): ${check.code === 0 ? "passed" : `FAILED, exit ${check.code}`}\n`);
process.exit(check.code !== 0 ? check.code : tests.code);
