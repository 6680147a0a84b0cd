/**
 * The diff never says "no behaviour changed" when behaviour changed (issue 11): for 25 random
 * amendments of the corpus (a changed threshold, a rule added for a random enum member, a flipped
 * precedence, a removed condition part, and rewrites that change nothing), with a fixed seed,
 * whenever a generated population shows a difference the diff's verdict is not `unchanged`.
 * Amendments the diff calls unchanged are all evaluated on the population; a few changed ones
 * are too, to show the population does see their differences and the diff finds a witness.
 * `npm run fuzz -- --diff-amendments N` runs the same property longer (scripts/diff-amendments.ts).
 */
import { describe, expect, it } from "vitest";
import { runAmendments } from "../../scripts/diff-amendments.js";

describe("random amendments of the corpus", { timeout: 300_000 }, () => {
  it("whenever the population shows a difference, the diff does not exit 0", () => {
    // 25 in npm test (every kind drawn, 3 rewrites that change nothing, 4 differences seen);
    // `npm run fuzz -- --diff-amendments 50` (or more) runs the property longer, every amendment
    // evaluated on a larger population.
    const run = runAmendments({ count: 25, seed: 20240611, population: 1000, evaluateSome: 2 });
    expect(run.results.length).toBe(25);
    const unsound = run.results.filter((r) => r.unsound).map((r) => `${r.amendment.kind}: ${r.amendment.description}`);
    expect(unsound).toEqual([]);
    // Every kind of amendment was drawn.
    expect(new Set(run.results.map((r) => r.amendment.kind))).toEqual(new Set(["threshold", "rule", "precedence", "removed", "neutral"]));
    // The rewrites that change nothing are recognised as such, and the population agrees.
    const unchanged = run.results.filter((r) => !r.mayDiffer);
    expect(unchanged.length).toBeGreaterThanOrEqual(3);
    for (const r of unchanged) expect(r.populationDiffers, r.amendment.description).toBe(0);
    // The harness can see a difference: some evaluated amendment changed decisions, and the diff found it.
    const seen = run.results.filter((r) => r.mayDiffer && (r.populationDiffers ?? 0) > 0);
    expect(seen.length).toBeGreaterThanOrEqual(1);
    for (const r of seen) expect(r.verdict).toBe("changed");
  });
});
