/**
 * What `explain` says about time, from a Decision and its trace: the facts left out because they
 * are dated after the as-of date, and, for a decision that waits on retries, the date it can change
 * (`reviewOn`) and the regimes it waits on. Kept apart from explain.ts so the explanation's layout
 * can change without touching this.
 */
import type { Decision, Trace, Waiting } from "../runtime/index.js";

/** `firmwareAttempts` → `firmware attempts`. */
function words(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
}

/** One list the decision waits on; `on` is "from DATE" when it alone sets the date, else "by DATE". */
function waiting(w: Waiting, on: string): string {
  const who = `${w.ownerFacts.length > 0 ? `the ${w.ownerFacts.join(" ")}'s` : "the"} ${words(w.field)} (${w.list})`;
  const first = w.firstOn === undefined ? "none made yet" : `the first on ${w.firstOn}`;
  const days = w.days === undefined ? "" : `, over at least ${w.days} days`;
  const then = `${words(w.regime)} ${on}`;
  if (w.count === undefined) return `pending: ${who} has ${plural(w.counted, "attempt")} made (${first}${days}); if the next fail, ${then}`;
  if (w.left === 0) return `pending: ${who} has all ${w.count} attempts made (${first})${w.days === undefined ? "" : ` but not over ${w.days} days yet`}; if the next one fails, ${then}`;
  if (w.counted === 0) return `pending: ${who} has all ${w.count} attempts left (none made yet${days}); if they fail, ${then}`;
  return `pending: ${who} has ${plural(w.left ?? 0, "attempt")} left of ${w.count} (${w.counted} made, ${first}${days}); if ${w.left === 1 ? "it fails" : "they fail"}, ${then}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function result(d: Pick<Decision, "status" | "rule" | "clause" | "result">): string {
  const fields = Object.entries(d.result ?? {})
    .filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${k} = ${Array.isArray(v) ? v.join(", ") : String(v)}`);
  const by = d.rule === null ? `the default, clause ${d.clause ?? "none"}` : `rule ${d.rule}, clause ${d.clause}`;
  return `${d.status === "conflict" ? "a conflict" : fields.join(", ")} (${by})`;
}

export function timeLines(decision: Decision, trace: Trace | undefined): string[] {
  const out: string[] = [];
  if (decision.asOf !== null && decision.factsIgnored !== undefined) {
    const paths = trace?.asOf?.ignored ?? [];
    const listed = paths.length === 0 ? "" : `: ${paths.slice(0, 8).join(", ")}${decision.factsIgnored > 8 ? ", …" : ""}`;
    out.push(`Facts as known on ${decision.asOf}: ${decision.factsIgnored} dated after it ignored${listed}`);
  }
  if (decision.reviewOn === undefined) return out;
  const review = trace?.review;
  if (decision.reviewOn === null) {
    out.push(`Review on: no date found${review?.why === undefined ? "" : `: ${review.why}`}`);
    return out;
  }
  out.push(`Review on ${decision.reviewOn}: the earliest date on which this decision can change if every remaining attempt fails${review?.then === undefined ? "" : `; it then becomes ${result(review.then)}`}`);
  const lists = review?.waitingOn ?? [];
  if (review?.anyOf === true) out.push("  any one of these ends the wait:");
  const on = `${lists.length === 1 || review?.anyOf === true ? "from" : "by"} ${decision.reviewOn}`;
  for (const w of lists) out.push(`  ${waiting(w, on)}`);
  return out;
}
