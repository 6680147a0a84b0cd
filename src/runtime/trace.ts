/**
 * Evaluation traces. The traced variant of a generated evaluator calls `enter(id)` before and
 * `exit(value, facts)` after each condition it evaluates; ids index the version's static table of
 * condition sites (source text, location, rule, clause, fact paths), so a trace stores only ids and
 * values while it is built and is expanded into readable nodes at the end.
 *
 * For explanations the traced variant records more than the plain evaluation needs:
 * - a quantifier over entities (devices, meters: records with an identifier or lists of their own)
 *   records one `member` node per element, with the element's key fields and the predicate's trace;
 * - once an `and` or a quantifier has its value, its remaining parts are still evaluated (each in
 *   `explore`, which swallows any error and leaves the result alone), so every false part of a false
 *   conjunction and every member that made a quantifier false is shown, not only the first;
 * - a comparison of numbers or dates records both operands (`40 >= 108`).
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
  /** The condition stated in plain English (positive form), generated from the rule's words and labels. */
  readonly phrase?: string;
  /**
   * `and`, `or`, `not`, `if` for a condition made of others (its parts are its children); for a
   * comparison of numbers or dates, its operator (`>=`, …), and `exit` then gets both operands.
   */
  readonly operator?: string;
  /** For a quantifier traced member by member: its kind, variable, element record type and the fields that identify an element. */
  readonly quantifier?: { readonly kind: "some" | "every" | "no" | "count"; readonly variable: string; readonly element: string; readonly key: readonly string[] };
}

export interface Fact {
  readonly path: string;
  readonly value: unknown;
}

export interface TraceNode {
  /** `member`: one element of a quantified condition, with the predicate's trace as children. */
  readonly kind: "condition" | "definition" | "member";
  /** Index of the node's site in the version's `traceSites` (its phrase, operator, …). */
  readonly site: number;
  readonly text: string;
  readonly at: string;
  readonly value: unknown;
  readonly facts: readonly Fact[];
  readonly name?: string;
  readonly clause?: string;
  /** `and`, `or`, `not`, `if`, or a comparison's operator (see TraceSite). */
  readonly operator?: string;
  /** For a comparison of numbers or dates: the two values compared. */
  readonly operands?: readonly [unknown, unknown];
  /** For a quantifier traced member by member: what it quantifies over. */
  readonly quantifier?: TraceSite["quantifier"];
  /** For a member: the element's identifying fields (e.g. `{ id, type }` of a device). */
  readonly member?: Readonly<Record<string, unknown>>;
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

const NO_ARGS: readonly unknown[] = Object.freeze([]);
/** The facts of a node that reads none: one frozen empty list shared by all. */
const NO_FACTS: Fact[] = Object.freeze([]) as unknown as Fact[];

interface Frame {
  readonly site: number;
  readonly children: TraceNode[];
  /** For a definition: the arguments it was called with (its node is reused for the same ones). */
  readonly args?: readonly unknown[];
  /** For a member frame: the element's key fields. */
  readonly member?: Readonly<Record<string, unknown>>;
}

/** Collects one evaluation's trace. Create one per traced evaluation. */
export class Tracer {
  private readonly stack: Frame[] = [{ site: -1, children: [] }];

  constructor(private readonly sites: readonly TraceSite[]) {}

  enter(site: number, args?: readonly unknown[]): void {
    this.stack.push(args === undefined ? { site, children: [] } : { site, children: [], args });
  }

  exit<T>(value: T, facts?: readonly unknown[], operands?: readonly [unknown, unknown]): T {
    const frame = this.stack.pop()!;
    const site = this.sites[frame.site];
    const paths = site.facts;
    const read: Fact[] = paths.length === 0 ? NO_FACTS : new Array(paths.length);
    for (let i = 0; i < paths.length; i++) read[i] = { path: paths[i], value: facts?.[i] ?? null };
    // One shape for every node (absent fields undefined, which JSON leaves out): traced evaluation makes many.
    const node: TraceNode = {
      kind: site.kind,
      site: frame.site,
      text: site.text,
      at: site.at,
      value,
      facts: read,
      children: frame.children,
      name: site.name,
      clause: site.clause,
      operator: site.operator,
      operands,
      quantifier: site.quantifier,
      member: undefined,
    };
    if (site.kind === "definition") {
      let done = this.done[frame.site];
      if (done === undefined) done = this.done[frame.site] = [];
      done.push({ args: frame.args ?? NO_ARGS, node });
    }
    this.stack[this.stack.length - 1].children.push(node);
    return value;
  }

  /**
   * A definition already traced in this evaluation with the same arguments (the same values, or the
   * same records and lists): its node, added again where it is read (its facts and parts are the
   * same), or undefined the first time. Definitions are pure, so each is traced once per argument.
   */
  again(site: number, args: readonly unknown[] = NO_ARGS): TraceNode | undefined {
    const done = this.done[site];
    if (done === undefined) return undefined;
    // A plain loop, no closure: a traced evaluation asks this at every read of a definition.
    search: for (let k = 0; k < done.length; k++) {
      const d = done[k];
      if (d.args.length !== args.length) continue;
      for (let i = 0; i < args.length; i++) if (d.args[i] !== args[i]) continue search;
      this.stack[this.stack.length - 1].children.push(d.node);
      return d.node;
    }
    return undefined;
  }

  /** By site: the definition nodes traced so far, with their arguments (an array by site id, not a Map). */
  private readonly done: ({ readonly args: readonly unknown[]; readonly node: TraceNode }[] | undefined)[] = [];

  /** Starts one element of the quantifier being traced (the site on top of the stack). */
  member(element: unknown): void {
    const site = this.sites[this.stack[this.stack.length - 1].site];
    const key: Record<string, unknown> = {};
    for (const field of site.quantifier?.key ?? []) key[field] = (element as Record<string, unknown> | null)?.[field] ?? null;
    this.stack.push({ site: this.stack[this.stack.length - 1].site, children: [], member: key });
  }

  /** Ends the element started by `member` with the predicate's value. */
  endMember<T>(value: T): T {
    const frame = this.stack.pop()!;
    const site = this.sites[frame.site];
    const variable = site.quantifier?.variable ?? "member";
    this.stack[this.stack.length - 1].children.push({
      kind: "member",
      site: frame.site,
      text: variable,
      at: site.at,
      value,
      facts: [],
      children: frame.children,
      name: undefined,
      clause: undefined,
      operator: undefined,
      operands: undefined,
      quantifier: undefined,
      member: frame.member ?? {},
    });
    return value;
  }

  /**
   * Evaluates a part whose value no longer matters (the conjunction or quantifier already has its
   * value), for the explanation only. Plain evaluation would not have evaluated it, so an error in
   * it is swallowed and whatever it half recorded is dropped.
   */
  explore(part: () => unknown): void {
    const depth = this.stack.length;
    const before = this.stack[depth - 1].children.length;
    try {
      part();
    } catch {
      this.stack.length = depth;
      this.stack[depth - 1].children.length = before;
    }
  }

  /**
   * `a and b and …`: the value plain evaluation gives (parts in order, stopping at the first false
   * one), then the parts after a false one explored. A part marked `dependent` relies on an earlier
   * part having held (it reads an optional value that part proved present) and is not explored.
   */
  and(...parts: readonly (() => boolean)[]): boolean {
    let value = true;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (value) value = part();
      else if (!(part as { dependent?: boolean }).dependent) this.explore(part);
    }
    return value;
  }

  /** Removes and returns the last completed top-level node (a rule's condition). */
  takeLast(): TraceNode {
    return this.stack[0].children.pop()!;
  }
}

/** Marks a part of an `and` that may be evaluated only when the earlier parts held (see `Tracer.and`). */
export function dependent(part: () => boolean): () => boolean {
  return Object.assign(part, { dependent: true });
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
