import { existsSync } from "node:fs";
import { isAbsolute, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vitest/config";
import { COMPILED_FOLDERS as compiled } from "./test/helpers/global-setup.js";
import LongestFirst from "./test/helpers/sequencer.js";

const root = fileURLToPath(new URL(".", import.meta.url));

/**
 * The tests' (and scripts', bench's) imports of src/, grammar/ and generated/ load the JavaScript
 * tsc built into dist/ (`npm test` builds it first; global-setup.ts rebuilds it when a source is
 * newer), run by node itself (server.deps.external below), instead of vite transforming each
 * TypeScript source (in vitest's main process) for the workers to run: on a clean checkout, where no
 * transform is cached, 5-18% of the CPU-seconds of groups of test files that load the compiler
 * (measured interleaved, old and new config in turn). It is also the code the CLI runs and
 * the package ships. One copy of each module: test/cli/pool.test.ts, which imports dist/ by name,
 * and the CLI run in-process (test/helpers/cli.ts) share the modules the other tests import.
 * (`vitest` in watch mode sees an edit of src/ only after `npm run build`.) A specifier with a
 * query, `../../src/x.ts?source`, keeps the TypeScript source: for a test of what a module does when
 * it runs from src/ (as under tsx), e.g. src/compiler/typecheck.ts reading the runtime's sources.
 */
function testTheBuild(): Plugin {
  return {
    name: "tmad-test-the-build",
    enforce: "pre",
    async resolveId(source, importer, options) {
      if (importer === undefined || !(source.startsWith(".") || isAbsolute(source) || source.startsWith("file:"))) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      if (resolved === null || resolved.external) return null;
      const path = relative(root, resolved.id);
      if (!compiled.includes(path.split(sep)[0]) || !path.endsWith(".ts") || path.endsWith(".d.ts")) return null;
      const built = join(root, "dist", path.replace(/\.ts$/, ".js"));
      return existsSync(built) ? built : null;
    },
  };
}

/** `text` as a regular expression that matches it literally. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export default defineConfig({
  plugins: [testTheBuild()],
  test: {
    include: ["test/**/*.test.ts"],
    // Once before all files: rebuilds dist/ when a source is newer (the CLI tests run dist/).
    globalSetup: ["test/helpers/global-setup.ts"],
    // `TMAD_TEST_CPU_PROFILE=dir npx vitest run`: each file's CPU time, written to dir/files.ndjson.
    setupFiles: process.env["TMAD_TEST_CPU_PROFILE"] === undefined ? [] : ["test/helpers/cpu-profile.ts"],
    // Two workers on two cores: vitest's default, cores − 1, runs one file at a time on them.
    maxWorkers: 2,
    // The long files first, also without vitest's cache of durations (a clean checkout): the tail.
    sequence: { sequencer: LongestFirst },
    // The test files share each worker's module cache: the compiler (ts-morph, typescript) is
    // imported once per worker instead of once per file, which was half of the suite's CPU time.
    // No test mocks modules or changes globals that another file reads.
    isolate: false,
    // CLI tests start node processes; allow for a loaded CI machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // dist/'s modules (see testTheBuild) are imported by node, not transformed by vite.
    server: { deps: { external: [new RegExp(`^${escapeRegExp(join(root, "dist"))}/(${compiled.join("|")})/`)] } },
    // Transformed modules kept on disk between runs (node_modules/.experimental-vitest-cache, keyed by
    // content): a second run skips vite's transform of test/ and scripts/.
    experimental: { fsModuleCache: true },
  },
});
