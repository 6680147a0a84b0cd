/**
 * What every generated version module provides, and the Decision it returns. The runtime knows
 * versions only through this interface, so it never depends on the compiler or on one version.
 */
import type { Timeline } from "./timeline.js";
import type { Trace, TraceLevel, TraceSite } from "./trace.js";
import type { InputError, Validator } from "./validate.js";

export interface ReportDimension {
  readonly name: string;
  readonly path: string;
}

export interface ClauseInfo {
  readonly number: string;
  readonly title: string;
  readonly text: string;
  /** SHA-256 of `text`. */
  readonly sha256: string;
  /** `file:line` of the clause heading. */
  readonly at: string;
  /**
   * Authors' notes within `text` (assumptions, precedence, near misses, example captions), by
   * character range (`end` exclusive); the rest of `text` is the clause text proper.
   */
  readonly notes?: readonly { readonly kind: string; readonly start: number; readonly end: number }[];
}

export interface RuleInfo {
  readonly id: string;
  readonly clause: string;
  /** `file:line` of the rule. */
  readonly at: string;
  /** The source document section the rule cites (`source "…"`), if any. */
  readonly source?: string;
  /** Rules that set this one aside when they apply (transitively). */
  readonly overriddenBy: readonly string[];
}

export interface Manifest {
  /** Directory name, e.g. `tmad-20.v2`. */
  readonly id: string;
  readonly document: string;
  /** e.g. `20.v2`. */
  readonly version: string;
  readonly title?: string;
  readonly status: "draft" | "designated";
  readonly published: string;
  readonly effectiveFrom?: string;
  readonly amends?: string;
  readonly source: string;
  readonly paraphrase: string;
  /** SHA-256 over every rule document of the version (paths and texts). */
  readonly sourceHash: string;
  readonly clauses: readonly ClauseInfo[];
  readonly rules: readonly RuleInfo[];
  readonly defaultClause?: string;
  /** Dimensions for population reports: a name and the input fact path it reads. */
  readonly reportBy?: readonly ReportDimension[];
  /** Outcomes that per-supplier reports count but do not list one by one. */
  readonly reportOmit?: readonly string[];
  /** Input facts each installation listed in a supplier report shows besides its key (column name and path). */
  readonly reportColumns?: readonly ReportDimension[];
  /** The decision's fields, in declaration order (e.g. outcome, excludedCategory, …). */
  readonly decisionFields: readonly string[];
  /** The decision's fields whose values are clause numbers (e.g. the Excluded Category). */
  readonly clauseFields: readonly string[];
  /** Display labels of enum members, by enum then member. */
  readonly labels: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Dated facts (`dated by`) and waiting rules with their thresholds, when the data model dates facts. */
  readonly timeline?: Timeline;
}

export type DecisionStatus = "decided" | "default" | "conflict";

export interface Decision<R = any> {
  readonly installationId: string;
  readonly document: string;
  readonly version: string;
  readonly versionId: string;
  /** The as-of date: facts dated after it are ignored (and, unless a version was named, the version in force on it). */
  readonly asOf: string | null;
  readonly sourceHash: string;
  /** `decided`: one rule applied; `default`: none did; `conflict`: several with no precedence. */
  readonly status: DecisionStatus;
  /** The decision's fields as declared in the rule documents; null for a conflict. */
  readonly result: R | null;
  readonly rule: string | null;
  readonly clause: string | null;
  /** Every rule whose condition held, in document order. */
  readonly fired: readonly string[];
  /** For a conflict: the rules that applied with no precedence between them. */
  readonly conflict?: readonly string[];
  /** With an as-of date: how many facts dated after it were left out or set back (see the trace). */
  readonly factsIgnored?: number;
  /**
   * For a decision that waits on retries (PENDING under 4.26): the earliest date on which it can
   * change if every remaining attempt fails; null when none could be found (the trace says why).
   */
  readonly reviewOn?: string | null;
}

export interface TracedDecision<R = any> {
  readonly decision: Decision<R>;
  readonly trace: Trace;
}

/** A generated version: its manifest, input validator and evaluators. */
export interface VersionModule<I = unknown, R = any> {
  readonly manifest: Manifest;
  readonly validator: Validator<I>;
  readonly traceSites: readonly TraceSite[];
  /** Evaluates a validated record. Throws EvaluationError only for run-time faults such as division by zero. */
  evaluate(input: I, asOf: string | null): Decision<R>;
  /**
   * Evaluates a validated record and records why: `complete` (the default) explores every part of
   * a condition for the explanation; `evaluated` records only what the evaluation evaluated, and
   * marks what it left out (see Trace.explored).
   */
  evaluateTraced(input: I, asOf: string | null, level?: TraceLevel): TracedDecision<R>;
}

export type { InputError };
