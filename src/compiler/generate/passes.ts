/**
 * The generator's optimisation passes, by name. Each is a function of the checked rules that
 * rewrites how a construct is emitted, never what it computes: the evaluator gives the same
 * decision with any set of passes turned off (the tests compare both on random records). A pass can
 * be turned off for such a comparison, or to read the literal translation.
 */
export const PASSES = {
  /** `some a … some c … c.at > a.at` as a min/max comparison: O(n + m) (ordered-pairs.ts). */
  "ordered-pairs": "pairs of quantifiers compared by order become one loop per list",
} as const;

export type PassName = keyof typeof PASSES;

export interface GenerateOptions {
  /** Passes left out (all run by default). */
  readonly disable?: ReadonlySet<PassName>;
}

export function enabled(options: GenerateOptions | undefined, pass: PassName): boolean {
  return options?.disable?.has(pass) !== true;
}
