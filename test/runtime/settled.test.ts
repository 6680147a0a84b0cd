import { describe, expect, it } from "vitest";
import { SettledSets, type SettlingRule } from "../../src/runtime/settled.js";

/** n rules r0…r(n-1); rule 1 sets rule 0 aside. */
const rules = (n: number): SettlingRule[] => Array.from({ length: n }, (_, i) => ({ id: `r${i}`, setAsideBy: i === 0 ? [1] : [] }));

describe("SettledSets", () => {
  it("settles a set: fired in rule order, the one rule not set aside wins, two such rules conflict", () => {
    const sets = new SettledSets(rules(3));
    expect(sets.of(0b000)).toEqual({ fired: [], winner: -1, conflict: [] });
    expect(sets.of(0b011)).toEqual({ fired: ["r0", "r1"], winner: 1, conflict: [] });
    expect(sets.of(0b101)).toEqual({ fired: ["r0", "r2"], winner: -1, conflict: ["r0", "r2"] });
    expect(Object.isFrozen(sets.of(0b101).fired)).toBe(true);
  });

  // Kept sets come back as the same frozen object; both stores (array up to 12 rules, Map beyond) keep them.
  it.each([12, 13])("keeps every set seen with %i rules", (n) => {
    const sets = new SettledSets(rules(n));
    for (const applying of [0, 1, 3, 2 ** (n - 1), 2 ** n - 1]) expect(sets.of(applying)).toBe(sets.of(applying));
  });

  it("past the limit, sets are computed each time (equal, not kept)", () => {
    const sets = new SettledSets(rules(13), 2);
    sets.of(1);
    sets.of(2);
    expect(sets.of(1)).toBe(sets.of(1));
    expect(sets.of(4)).not.toBe(sets.of(4));
    expect(sets.of(4)).toEqual(sets.of(4));
  });
});
