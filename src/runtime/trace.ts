/**
 * Evaluation traces. The traced variant of a generated evaluator calls `enter(id)` before and
 * `exit(value, facts)` after each condition it evaluates; ids index the version's static table of
 * condition sites (source text, location, rule, clause, fact paths), so a trace stores only ids and
 * values while it is built and is expanded into readable nodes at the end.
 */
import type { Review } from "./review.js";

/** A place in the rule documents where a condition is evaluated (generated, one per site). */
export interface TraceSite {
  readonly kind: "condition" | "definition";
  /** The condition's source text as written in the rule document. */
  readonly text: string;
  /** `file:line:col` in the Markdown file. */
  readonly at: string;
  /** The paths read by this condition (input facts and parameters), in the order of `exit`'s facts. */
  readonly facts: readonly string[];
  /** For a definition site, the definition's name. */
  readonly name?: string;
  /** The clause the condition belongs to. */
  readonly clause?: string;
}

export interface Fact {
  readonly path: string;
  readonly value: unknown;
}

export interface TraceNode {
  readonly kind: "condition" | "definition";
  readonly text: string;
  readonly at: string;
  readonly value: unknown;
  readonly facts: readonly Fact[];
  readonly name?: string;
  readonly clause?: string;
  readonly children: readonly TraceNode[];
}

export interface RuleTrace {
  readonly rule: string;
  readonly clause: string;
  readonly clauseTitle: string;
  /** `file:line` of the rule. */
  readonly at: string;
  /** Whether the rule's condition held. */
  readonly fired: boolean;
  /** Rules that applied and set this one aside (only when it fired). */
  readonly setAsideBy: readonly string[];
  readonly condition: TraceNode;
}

export interface Trace {
  readonly rules: readonly RuleTrace[];
  /** With an as-of date: the facts dated after it, left out or set back (the first 50 paths). */
  readonly asOf?: { readonly date: string; readonly factsIgnored: number; readonly ignored: readonly string[] };
  /** For a decision that waits on retries: how `reviewOn` was found, and what it waits on. */
  readonly review?: Review;
}

interface Frame {
  readonly site: number;
  readonly children: TraceNode[];
}

/** Collects one evaluation's trace. Create one per traced evaluation. */
export class Tracer {
  private readonly stack: Frame[] = [{ site: -1, children: [] }];

  constructor(private readonly sites: readonly TraceSite[]) {}

  enter(site: number): void {
    this.stack.push({ site, children: [] });
  }

  exit<T>(value: T, facts?: readonly unknown[]): T {
    const frame = this.stack.pop()!;
    const site = this.sites[frame.site];
    const node: TraceNode = {
      kind: site.kind,
      text: site.text,
      at: site.at,
      value,
      facts: site.facts.map((path, i) => ({ path, value: facts?.[i] ?? null })),
      children: frame.children,
      ...(site.name === undefined ? {} : { name: site.name }),
      ...(site.clause === undefined ? {} : { clause: site.clause }),
    };
    this.stack[this.stack.length - 1].children.push(node);
    return value;
  }

  /** Removes and returns the last completed top-level node (a rule's condition). */
  takeLast(): TraceNode {
    return this.stack[0].children.pop()!;
  }
}

/**
 * The condition that made a rule not apply: following `and` chains, the first conjunct that was
 * false, down to the innermost one evaluated.
 */
export function firstFailure(node: TraceNode): TraceNode {
  if (node.value !== false) return node;
  const failed = node.children.find((c) => c.value === false);
  return failed === undefined ? node : firstFailure(failed);
}
