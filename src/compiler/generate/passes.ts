/**
 * The generator's optimisation passes, by name. Each is a function of the checked rules that
 * rewrites how a construct is emitted, never what it computes: the evaluator gives the same
 * decision with any set of passes turned off (the tests compare both on random records). A pass can
 * be turned off for such a comparison, or to read the literal translation.
 */
export const PASSES = {
  /** `some a … some c … c.at > a.at` as a min/max comparison: O(n + m) (ordered-pairs.ts). */
  "ordered-pairs": "pairs of quantifiers compared by order become one loop per list",
  /** The frame remembers installation-wide and per-device definitions (frame.ts). */
  "definition-cache": "definitions computed once per evaluation (per device for a device's)",
  /** Results the same for every installation are built once, frozen (rules-file.ts, settle.ts). */
  "constant-results": "constant results built once",
  /** What a set of applying rules settles to is kept per set (settle.ts). */
  "settled-sets": "the fired list and winner kept per set of applying rules",
  /** A quantifier or count over a whole list with no condition is its length (expressions.ts). */
  "list-length": "conditionless quantifiers over a list read its length",
  /** Loops over one list (count, some, min, max, an ordered pair's extreme) are one pass testing each condition once, kept per list (fused-scans.ts). */
  "fused-scans": "loops over one list fused into one pass, each condition tested once per element",
  /** A traced `and` ends its own site, and where it stops at a false part one call records the parts not evaluated and the exit (expressions.ts `siteBody`). */
  "closing-ands": "a traced `and` ends its site: where it stops, one recorder call instead of two",
  /** A traced definition with parts asks whether it was traced before and starts its site in one call (rules-file.ts, Tracer.enterOnce…). */
  "entered-once": "a traced definition: traced before? and its start, in one recorder call",
  /** A traced definition without parameters keeps where it was traced and its value in fields of the version's Tracer, not in the run-time memo (rules-file.ts `tracerClass`). */
  "definitions-in-tracer": "a traced definition without parameters: where it was traced and its value in fields of the version's Tracer",
} as const;

export type PassName = keyof typeof PASSES;

export interface GenerateOptions {
  /** Passes left out (all run by default). */
  readonly disable?: ReadonlySet<PassName>;
}

export function enabled(options: GenerateOptions | undefined, pass: PassName): boolean {
  return options?.disable?.has(pass) !== true;
}
