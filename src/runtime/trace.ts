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
 *   `Tracer.mark` / `Tracer.unwind`, which drop what a failing part half recorded and leave the result alone), so every false part of a false
 *   conjunction and every member that made a quantifier false is shown, not only the first;
 * - a comparison of numbers or dates records both operands (`40 >= 108`).
 */
import { ruleTraces } from "./decide.js";
import type { Review } from "./review.js";
import type { Manifest } from "./version.js";

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

// What a traced evaluation records, event by event (`Tracer.events`: the kind in the low 3 bits,
// the site above them), with each event's payload in `Tracer.payload`, a fixed number of slots by kind.
/** A condition or definition starts: 1 slot, the definition's arguments (or undefined). */
const ENTER = 0;
/** The innermost open site ends: 3 slots, its value, the facts it read (a list or undefined) and the operands of a comparison (or undefined). */
const EXIT = 1;
/** One element of the quantifier on top starts: 1 slot, the element. */
const MEMBER = 2;
/** The element ends: 1 slot, the predicate's value. */
const END_MEMBER = 3;
/** A definition traced before with the same arguments is read again: 1 slot, the position of its ENTER event. */
const AGAIN = 4;

/** Which sites of a version are definitions' (read at every `exit`: a byte array, not the sites' objects of many shapes). */
const DEFINITIONS = new WeakMap<readonly TraceSite[], Uint8Array>();

/** Payload slots by event kind. */
const SLOTS = [1, 3, 1, 1, 1];

/** What `again` returns when the definition was traced before: its value (one object per tracer, overwritten by the next hit). */
interface Hit {
  value: unknown;
}

/**
 * Collects one evaluation's trace. Create one per traced evaluation.
 *
 * Evaluation only records: site ids and kinds into `events`, values, facts, operands, arguments
 * and elements into `payload`, both flat lists that grow by pushes (no node is built). The trace
 * tree (`TraceNode`s, facts with their paths, members with their key fields) is built from the
 * recording the first time a caller reads `Trace.rules` (see `finish`), never when no one does.
 */
export class Tracer {
  private readonly events: number[] = [];
  private readonly payload: unknown[] = [];
  /** The ENTER and MEMBER events still open, innermost last: two slots each, the position in `events` and in `payload`. */
  private readonly open: number[] = [];
  /** Positions in `events` of completed top-level events (ENTER or AGAIN), for `takeLast`. */
  private readonly roots: number[] = [];
  /**
   * By site (an array by site id, not a Map): the definitions traced so far, three slots each:
   * the arguments, the value and the position of the ENTER event.
   */
  private readonly done: (unknown[] | undefined)[] = [];
  private readonly hit: Hit = { value: undefined };

  /** By site: 1 for a definition's site (its node is reused when it is read again), else 0. */
  private readonly definitions: Uint8Array;

  constructor(private readonly sites: readonly TraceSite[]) {
    let definitions = DEFINITIONS.get(sites);
    if (definitions === undefined) {
      definitions = new Uint8Array(sites.length);
      for (let i = 0; i < sites.length; i++) if (sites[i].kind === "definition") definitions[i] = 1;
      DEFINITIONS.set(sites, definitions);
    }
    this.definitions = definitions;
  }

  enter(site: number, args?: readonly unknown[]): void {
    this.open.push(this.events.length, this.payload.length);
    this.events.push(ENTER | (site << 3));
    this.payload.push(args);
  }

  exit<T>(value: T, facts?: readonly unknown[], operands?: readonly [unknown, unknown]): T {
    const args = this.payload[this.open.pop()!];
    const start = this.open.pop()!;
    const code = this.events[start];
    this.events.push(EXIT | (code & ~7));
    this.payload.push(value, facts, operands);
    const site = code >> 3;
    if (this.definitions[site] === 1) {
      let done = this.done[site];
      if (done === undefined) done = this.done[site] = [];
      done.push(args ?? NO_ARGS, value, start);
    }
    if (this.open.length === 0) this.roots.push(start);
    return value;
  }

  /**
   * A definition already traced in this evaluation with the same arguments (the same values, or the
   * same records and lists): its value (its node is added again where it is read, with the same
   * facts and parts), or undefined the first time. Definitions are pure, so each is traced once per argument.
   */
  again(site: number, args: readonly unknown[] = NO_ARGS): Hit | undefined {
    const done = this.done[site];
    if (done === undefined) return undefined;
    // A plain loop, no closure: a traced evaluation asks this at every read of a definition.
    search: for (let k = 0; k < done.length; k += 3) {
      const known = done[k] as readonly unknown[];
      if (known.length !== args.length) continue;
      for (let i = 0; i < args.length; i++) if (known[i] !== args[i]) continue search;
      const at = this.events.length;
      this.events.push(AGAIN | (site << 3));
      this.payload.push(done[k + 2]);
      if (this.open.length === 0) this.roots.push(at);
      this.hit.value = done[k + 1];
      return this.hit;
    }
    return undefined;
  }

  /** Starts one element of the quantifier being traced (the site open innermost). */
  member(element: unknown): void {
    const site = this.events[this.open[this.open.length - 2]] & ~7;
    this.open.push(this.events.length, this.payload.length);
    this.events.push(MEMBER | site);
    this.payload.push(element);
  }

  /** Ends the element started by `member` with the predicate's value. */
  endMember<T>(value: T): T {
    this.open.pop();
    const start = this.open.pop()!;
    this.events.push(END_MEMBER | (this.events[start] & ~7));
    this.payload.push(value);
    return value;
  }

  /**
   * Where the recording is, before a part whose value no longer matters is evaluated for the
   * explanation only (generated code: `const mark = t.mark(); try { … } catch { t.unwind(mark); }`).
   */
  mark(): number {
    return this.events.length;
  }

  /**
   * The part started at `mark` failed (plain evaluation would not have evaluated it): whatever it
   * half recorded is dropped. Rare, so it may take time: the payload's length is counted again.
   */
  unwind(mark: number): void {
    let payload = 0;
    for (let e = 0; e < mark; e++) payload += SLOTS[this.events[e] & 7];
    this.events.length = mark;
    this.payload.length = payload;
    while (this.open.length > 0 && this.open[this.open.length - 2] >= mark) this.open.length -= 2;
    while (this.roots.length > 0 && this.roots[this.roots.length - 1] >= mark) this.roots.pop();
    // Definitions completed inside the dropped part are forgotten: read again, they are traced again.
    for (let site = 0; site < this.done.length; site++) {
      const done = this.done[site];
      if (done === undefined) continue;
      const kept: unknown[] = [];
      for (let k = 0; k < done.length; k += 3) if ((done[k + 2] as number) < mark) kept.push(done[k], done[k + 1], done[k + 2]);
      this.done[site] = kept;
    }
  }

  /** The last completed top-level event (a rule's condition), taken: its position, for `finish`. */
  takeLast(): number {
    return this.roots.pop()!;
  }

  /**
   * The trace of the evaluation: one RuleTrace per rule, from the top-level events `takeLast` gave
   * (one per rule, in order). The tree is built from the recording when `rules` is first read.
   */
  finish(m: Manifest, conditions: readonly number[], fired: readonly string[]): Trace {
    return new Recorded(this, m, conditions, fired) as unknown as Trace;
  }

  /** The rule traces of a recording: its trace nodes built, one RuleTrace per rule. */
  build(m: Manifest, conditions: readonly number[], fired: readonly string[]): readonly RuleTrace[] {
    return ruleTraces(m, this.nodes(conditions), fired);
  }

  /** Builds the trace nodes from the recording, exactly as they were read: the conditions' nodes, in order. */
  private nodes(conditions: readonly number[]): TraceNode[] {
    const sites = this.sites;
    const events = this.events;
    const payload = this.payload;
    interface Open {
      readonly site: number;
      readonly position: number;
      readonly children: TraceNode[];
      readonly member?: Readonly<Record<string, unknown>>;
    }
    const stack: Open[] = [{ site: -1, position: -1, children: [] }];
    /** The node of each completed ENTER (by its position) and of each AGAIN. */
    const built = new Map<number, TraceNode>();
    let p = 0;
    for (let e = 0; e < events.length; e++) {
      const kind = events[e] & 7;
      const id = events[e] >> 3;
      switch (kind) {
        case ENTER:
          stack.push({ site: id, position: e, children: [] });
          p += 1;
          break;
        case EXIT: {
          const frame = stack.pop()!;
          const site = sites[id];
          const value = payload[p];
          const facts = payload[p + 1] as readonly unknown[] | undefined;
          const operands = payload[p + 2] as readonly [unknown, unknown] | undefined;
          p += 3;
          const paths = site.facts;
          const read: Fact[] = paths.length === 0 ? NO_FACTS : new Array(paths.length);
          for (let i = 0; i < paths.length; i++) read[i] = { path: paths[i], value: facts?.[i] ?? null };
          // One shape for every node (absent fields undefined, which JSON leaves out).
          const node: TraceNode = {
            kind: site.kind,
            site: id,
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
          built.set(frame.position, node);
          stack[stack.length - 1].children.push(node);
          break;
        }
        case MEMBER: {
          const element = payload[p] as Record<string, unknown> | null;
          p += 1;
          const key: Record<string, unknown> = {};
          for (const field of sites[id].quantifier?.key ?? []) key[field] = element?.[field] ?? null;
          stack.push({ site: id, position: e, children: [], member: key });
          break;
        }
        case END_MEMBER: {
          const frame = stack.pop()!;
          const site = sites[id];
          const value = payload[p];
          p += 1;
          stack[stack.length - 1].children.push({
            kind: "member",
            site: id,
            text: site.quantifier?.variable ?? "member",
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
          break;
        }
        case AGAIN: {
          const node = built.get(payload[p] as number)!;
          p += 1;
          built.set(e, node);
          stack[stack.length - 1].children.push(node);
          break;
        }
      }
    }
    return conditions.map((c) => built.get(c)!);
  }
}

/**
 * A recorded trace: what `Trace.rules` is built from when it is first read. Its state is in private
 * fields, so JSON, spreading and structured cloning see only `rules` (an own, enumerable accessor).
 */
class Recorded {
  readonly #tracer: Tracer;
  readonly #manifest: Manifest;
  readonly #conditions: readonly number[];
  readonly #fired: readonly string[];
  #built: readonly RuleTrace[] | undefined = undefined;

  constructor(tracer: Tracer, m: Manifest, conditions: readonly number[], fired: readonly string[]) {
    this.#tracer = tracer;
    this.#manifest = m;
    this.#conditions = conditions;
    this.#fired = fired;
    // One getter function for every trace, so every trace has the same shape (hidden class).
    Object.defineProperty(this, "rules", RULES_PROPERTY);
  }

  /** The getter of `rules`: the rule traces, built from the recording on the first read. */
  static rules(this: Recorded): readonly RuleTrace[] {
    return (this.#built ??= this.#tracer.build(this.#manifest, this.#conditions, this.#fired));
  }
}

const RULES_PROPERTY: PropertyDescriptor = { get: Recorded.rules, enumerable: true, configurable: false };

/**
 * The condition that made a rule not apply: following `and` chains, the first conjunct that was
 * false, down to the innermost one evaluated.
 */
export function firstFailure(node: TraceNode): TraceNode {
  if (node.value !== false) return node;
  const failed = node.children.find((c) => c.value === false);
  return failed === undefined ? node : firstFailure(failed);
}
