/**
 * The repository's own checks, as `npm test` ran them before the suite: generated/ is what the
 * rules produce (`tmad build --check`), and every version's examples pass with each clause covered
 * (`tmad test`). The same command lines through the built CLI (tmadIn: in this process, so they
 * share the compiler this worker has loaded and run beside the other test files); what they print
 * is shown when one fails.
 */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tmadIn } from "./helpers/cli.js";
import { LONGEST_FIRST } from "./helpers/sequencer.js";

describe("the repository", { timeout: 300_000 }, () => {
  it("generated/ is what the rules produce (tmad build --check)", async () => {
    const r = await tmadIn(["build", "--check"]);
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/^tmad build --check: \d+ generated files up to date\n$/);
  });

  it("every version's examples pass and cover its clauses (tmad test)", async () => {
    const r = await tmadIn(["test"]);
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/examples: \d+ passed, (\d+ changed by an amendment, )?0 failed\n$/);
  });

  it("the files the test sequencer starts first are test files of the suite", () => {
    expect(LONGEST_FIRST.filter((f) => !f.endsWith(".test.ts") || !existsSync(f))).toEqual([]);
    expect(new Set(LONGEST_FIRST).size).toBe(LONGEST_FIRST.length);
  });
});
