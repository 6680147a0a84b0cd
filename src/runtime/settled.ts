/**
 * What a set of applying rules settles to, for generated evaluators of at most 30 rules: the rules
 * that apply are a set of bits (bit i for rule i); the first time a set is seen, its fired list,
 * its winner (the one applying rule no applying rule sets aside) or its conflicting rules are
 * computed, frozen and kept for every later record with the same set. Shared by every version (it
 * was written out in each generated rules.ts, where TypeScript checked it again for each).
 */

/** What a set of applying rules settles to: `winner` is the deciding rule's position, or -1 (none, or a conflict between `conflict`). */
export interface Settled {
  readonly fired: readonly string[];
  readonly winner: number;
  readonly conflict: readonly string[];
}

/** A rule as settling sees it: its id and the positions of the rules that set it aside when they apply (directly or through others). */
export interface SettlingRule {
  readonly id: string;
  readonly setAsideBy: readonly number[];
}

export class SettledSets {
  /** Up to 12 rules (4,096 sets): every set has its place in an array indexed by the set, no hashing per record. */
  private readonly indexed: (Settled | undefined)[] | undefined;
  /** More rules: the sets seen so far. */
  private readonly known = new Map<number, Settled>();

  /** `limit`: at most this many sets are kept (a version of n rules has at most 2^n); beyond it, sets are computed each time. */
  constructor(
    private readonly rules: readonly SettlingRule[],
    private readonly limit = 4096,
  ) {
    this.indexed = 2 ** rules.length <= limit ? new Array<Settled | undefined>(2 ** rules.length).fill(undefined) : undefined;
  }

  /** What the set `applying` (bit i for rule i) settles to. */
  of(applying: number): Settled {
    const indexed = this.indexed;
    const known = indexed !== undefined ? indexed[applying] : this.known.get(applying);
    if (known !== undefined) return known;
    const fired: string[] = [];
    const winners: string[] = [];
    let winner = -1;
    for (let i = 0; i < this.rules.length; i++) {
      if ((applying & (1 << i)) === 0) continue;
      const rule = this.rules[i]!;
      fired.push(rule.id);
      let setAside = false;
      for (const j of rule.setAsideBy) if ((applying & (1 << j)) !== 0) setAside = true;
      if (!setAside) {
        winners.push(rule.id);
        winner = i;
      }
    }
    const settled: Settled = Object.freeze({ fired: Object.freeze(fired), winner: winners.length === 1 ? winner : -1, conflict: Object.freeze(winners.length > 1 ? winners : []) });
    if (indexed !== undefined) indexed[applying] = settled;
    else if (this.known.size < this.limit) this.known.set(applying, settled);
    return settled;
  }
}
