/**
 * The order test files start in (vitest.config.ts: sequence.sequencer). Two workers take the files
 * in this order, so the run ends when the later of the two finishes: a long file started last is
 * the tail of `npm test`. Longest first keeps the tail short.
 *
 * When vitest has every file's duration from an earlier run (its results cache, under
 * node_modules/.vite), its own order is that: longest first. A clean checkout (CI) has no such
 * cache, and vitest then orders by file size, which put the 15-second diff-property file (2 KB)
 * after sixty others. There, the files known to be long start first, in the order below; the rest
 * follow in vitest's order (files it has never seen, then by size).
 */
import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The longest test files, longest first, by the wall seconds each took in an `npm test` with
 * `TMAD_TEST_CPU_PROFILE=dir` (dir/files.ndjson: `wall`; test/helpers/cpu-profile.ts). A file that
 * becomes long belongs here; one no longer in the repository is ignored. Last set from a quiet
 * `npm test` (load 0.04): each file's own time as vitest reports it, 25 s down to 4 s.
 */
export const LONGEST_FIRST: readonly string[] = [
  "test/site/browser.test.ts",
  "test/compiler/hostile-rules.test.ts",
  "test/cli/cli-records.test.ts",
  "test/lsp/server.test.ts",
  "test/property/fuzz-machinery.test.ts",
  "test/cli/pool.test.ts",
  "test/cli/cli-versions.test.ts",
  "test/population/coverage.test.ts",
  "test/compiler/diff-property.test.ts",
  "test/compiler/diff-corpus.test.ts",
  "test/report/report.test.ts",
  "test/cli/cli.test.ts",
  "test/compiler/exclusive.test.ts",
  "test/runtime/validator-check.test.ts",
];

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const byVitest = await super.sort(files);
    const root = this.ctx.config.root;
    const known = byVitest.every((f) => this.ctx.cache.getFileTestResults(`${f.project.name}:${relative(root, f.moduleId)}`) !== undefined);
    if (known) return byVitest;
    const rank = (f: TestSpecification): number => {
      const i = LONGEST_FIRST.indexOf(relativeTo(root, f.moduleId));
      return i < 0 ? LONGEST_FIRST.length : i;
    };
    // Array.prototype.sort is stable: the files not listed keep vitest's order.
    return [...byVitest].sort((a, b) => rank(a) - rank(b));
  }
}

/** `path` relative to `root`, with forward slashes, as the list above names files. */
function relativeTo(root: string, path: string): string {
  return relative(root, path).replaceAll("\\", "/");
}
