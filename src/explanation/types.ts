/**
 * The structured explanation of one record's decision: what `explain()` returns, what
 * `tmad explain --format json` prints (schema: schemas/explanation.schema.json), and what the text
 * renderer reads. Everything in it is generated from the rules (their statements, the clause texts
 * without authors' notes), the data model's labels and the record's facts.
 */
import type { InputError } from "../runtime/index.js";

export interface Explanation {
  /** The record's position in its input (1-based), when read from a file. */
  readonly record: number | null;
  readonly installationId: string | null;
  readonly version: VersionRef;
  /** `invalid`: the record was not evaluated (see `errors`). */
  readonly status: "decided" | "default" | "conflict" | "invalid";
  /** One paragraph in plain English: the outcome, the clause and the facts that decided it. */
  readonly summary: string;
  /** The grounds in one line (the deciding clause and what made it apply; for a default, the nearest rule and why it failed): the reason column of supplier reports. */
  readonly reason: string;
  /** The decision's fields, with the enum labels and clause titles that name their values. */
  readonly outcome: readonly OutcomeField[];
  /** The deciding rule and clause (for a default, the default's clause and no rule). */
  readonly decidedBy: { readonly rule: string | null; readonly clause: ClauseQuote | null } | null;
  /** Why the deciding rule applied: the parts of its condition that made it hold. */
  readonly because: readonly Reason[];
  /** Rules that applied but gave way to the deciding one (precedence). */
  readonly setAside: readonly SetAside[];
  /** Each rule that did not apply, with every false part of its condition that matters. */
  readonly notApplied: readonly NotApplied[];
  /** For a decision that waits on retries: each meter still being retried, and how far it has got. */
  readonly pending: readonly PendingMeter[];
  /**
   * Time: with an as-of date, how many dated facts after it were left out; for a decision that
   * waits on retries, `reviewOn` (the earliest date it can change if every remaining attempt fails,
   * or null with the reason) and what it waits on, as lines for people (src/explanation/time.ts).
   */
  readonly time: { readonly factsIgnored?: number; readonly reviewOn?: string | null; readonly lines: readonly string[] };
  /** For a conflict: the rules that applied with no precedence between them. */
  readonly conflict?: readonly string[];
  /** For an invalid record: what is wrong with it. */
  readonly errors?: readonly InputError[];
  /**
   * `evaluated` when the trace explained recorded the evaluation as it went (Trace.explored): where
   * an earlier part decided a condition, the later parts were not evaluated, and a reason with
   * `notEvaluated` says so in their place. Absent for a complete trace.
   */
  readonly explored?: "evaluated";
}

export interface VersionRef {
  readonly id: string;
  readonly document: string;
  readonly version: string;
  readonly status: "draft" | "designated";
  /** The as-of date: facts dated after it were left out (and, without --version, it chose the version). */
  readonly asOf: string | null;
  readonly sourceHash: string;
  /** The statement that clause texts are a paraphrase, not the official wording. */
  readonly paraphrase: string;
}

export interface OutcomeField {
  readonly field: string;
  readonly value: unknown;
  /** The enum member's declared label (e.g. "Excluded Category: not migrated"). */
  readonly label?: string;
  /** For a clause number: the clause's title. */
  readonly title?: string;
}

export interface ClauseQuote {
  readonly number: string;
  readonly title: string;
  /** `file:line` of the clause heading. */
  readonly at: string;
  /** The clause text without the authors' notes. */
  readonly text: string;
  /** The authors' notes (assumptions, precedence, near misses, example captions), only on request. */
  readonly notes?: readonly { readonly kind: string; readonly text: string }[];
}

/** A condition that mattered, with the facts it read and the parts that made it so. */
export interface Reason {
  /** The condition in plain English, positive form ("the cohort is IOC"). */
  readonly statement: string;
  /** Whether it held; null for a value that is not true or false. */
  readonly holds: boolean | null;
  /** The condition's source text and place in the rule documents. */
  readonly text: string;
  readonly at: string;
  readonly facts: readonly FactView[];
  /** For a comparison of numbers or dates: the operator and the two values compared. */
  readonly comparison?: { readonly operator: string; readonly left: unknown; readonly right: unknown };
  /** For a quantified condition over entities: the members that made it hold or fail. */
  readonly members?: readonly MemberView[];
  readonly because: readonly Reason[];
  /**
   * Only in an explanation of a trace as evaluated: this reason is not a condition but stands for
   * this many parts (or elements of a quantifier) of the condition above that were not evaluated, because an earlier
   * one already decided it; its statement says so, and `holds` is null.
   */
  readonly notEvaluated?: number;
}

export interface FactView {
  /** The fact's path as the rule reads it (`installation.cohort`, `d.firmwareAttempts`, a parameter). */
  readonly path: string;
  /** The value, for a scalar; a list of records is summarised instead. */
  readonly value?: unknown;
  /** The enum member's label, for an enum value. */
  readonly label?: string;
  /** A list in words: "108 failed on 20 calendar days (3 Jan 2022 00:00 – 22 Jan 2022 20:00), 0 succeeded". */
  readonly summary?: string;
}

export interface MemberView {
  /** The element's identifying fields, e.g. `{ type: "GSME", id: "90-B3-…" }`. */
  readonly member: Readonly<Record<string, unknown>>;
  /** How a reader names it: "GSME 90-B3-D5-1F-30-20-00-02". */
  readonly name: string;
  readonly holds: boolean | null;
  /** The facts read about it, in words ("firmware attempts: 108 failed on 20 calendar days …"). */
  readonly facts: readonly string[];
  readonly because: readonly Reason[];
}

export interface SetAside {
  readonly rule: string;
  readonly clause: string;
  readonly title: string;
  readonly by: readonly string[];
}

export interface NotApplied {
  readonly rule: string;
  readonly clause: string;
  readonly title: string;
  readonly at: string;
  readonly because: readonly Reason[];
}

/**
 * A meter whose preparation is still being retried: the thresholds its attempts have not reached
 * yet. `reviewOn` (when the retries are expected to have run their course) is for the as-of
 * evaluation of issue 12 to fill; it is absent until then.
 */
export interface PendingMeter {
  readonly member: Readonly<Record<string, unknown>>;
  readonly name: string;
  readonly facts: readonly string[];
  readonly checks: readonly PendingCheck[];
  readonly reviewOn?: string;
}

export interface PendingCheck {
  /** The list the check counts in, when it can be named ("firmware attempts"). */
  readonly about: string | null;
  readonly statement: string;
  readonly have: number;
  readonly need: number;
  /** How much more is needed before the threshold is reached. */
  readonly left: number;
}
