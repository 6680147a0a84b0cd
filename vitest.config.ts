import { defineConfig } from "vitest/config";
import LongestFirst from "./test/helpers/sequencer.js";

export default defineConfig({
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
    // Transformed modules kept on disk between runs (node_modules/.experimental-vitest-cache, keyed by
    // content): a second run skips vite's transform of src/ and test/ (~10% of a file's CPU-seconds).
    experimental: { fsModuleCache: true },
  },
});
