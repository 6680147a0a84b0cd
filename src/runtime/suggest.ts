/**
 * "Did you mean …?": the closest known name by edit distance (transpositions count as one edit),
 * within a third of the name's length. Shared by the compiler's diagnostics and the runtime's input
 * errors, so both suggest alike. Only short values get a suggestion: a name is never hundreds of
 * characters long, and a hostile 700 KB value must cost nothing (it once ran a worker out of memory).
 */

/** Longest value for which a suggestion is computed. */
export const MAX_SUGGESTION_INPUT = 64;

export function closest(name: string, candidates: Iterable<string>): string | undefined {
  if (name.length > MAX_SUGGESTION_INPUT) return undefined;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  const limit = Math.max(2, Math.floor(name.length / 3));
  const lower = name.toLowerCase();
  for (const c of [...candidates].sort()) {
    // The distance is at least the difference in length: skip candidates that cannot be within reach.
    if (Math.abs(c.length - name.length) > limit) continue;
    const d = distance(lower, c.toLowerCase());
    if (d < bestDistance && d <= limit) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance with transpositions counted as one edit, in three rolling rows. */
function distance(a: string, b: string): number {
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) current[j] = Math.min(current[j], before[j - 2] + 1);
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length];
}
