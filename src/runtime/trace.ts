/**
 * Evaluation traces. The traced variant of a generated evaluator calls `enter(id)` before and
 * `exit…(value, facts…)` after each condition it evaluates (`leaf…(id, value, facts…)` for one with
 * no traced parts); ids index the version's static table of condition sites (source text,
 * location, rule, clause, fact paths), so a trace stores only codes and values while it is built
 * and is expanded into readable nodes when it is read.
 *
 * For explanations the traced variant records more than the plain evaluation needs:
 * - a quantifier over entities (devices, meters: records with an identifier or lists of their own)
 *   records one `member` node per element, with the element's key fields and the predicate's trace;
 * - once an `and` or a quantifier has its value, its remaining parts are still evaluated (each in
 *   `Tracer.mark` / `Tracer.unwind`, which drop what a failing part half recorded and leave the result alone), so every false part of a false
 *   conjunction and every member that made a quantifier false is shown, not only the first;
 * - a comparison of numbers or dates records both operands (`40 >= 108`).
 *
 * That complete exploration is the default. A Tracer made with `"evaluated"` records the
 * evaluation as it goes instead, as the plain evaluation short-circuits: once an `and` or a
 * quantifier has its value, the parts after the deciding one are not evaluated, and the node says
 * how many were left (`notEvaluated`, from `skip`, or `exitSkipped` where an `and` stops); such a trace says so (`Trace.explored`). It
 * costs what the evaluation costs, for bulk use where each trace is an audit record.
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
  /**
   * Only in a trace as evaluated (`Trace.explored`): how many parts (conditions of an `and`,
   * elements of a quantifier) after the last child were not evaluated, because an earlier one
   * already decided the value.
   */
  readonly notEvaluated?: number;
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

/**
 * How much of each condition a trace explored: `complete` (the default) evaluates every part of a
 * false `and` and every member of a quantifier, for an explanation that shows all that failed;
 * `evaluated` records the evaluation as it short-circuits, and marks what it left out.
 */
export type TraceLevel = "complete" | "evaluated";

export interface Trace {
  readonly rules: readonly RuleTrace[];
  /**
   * `evaluated` when the trace records the evaluation as it short-circuited: a node whose later
   * parts were not evaluated says how many (`notEvaluated`). Absent for a complete trace.
   */
  readonly explored?: "evaluated";
  /** With an as-of date: the facts dated after it, left out or set back (the first 50 paths). */
  readonly asOf?: { readonly date: string; readonly factsIgnored: number; readonly ignored: readonly string[] };
  /** For a decision that waits on retries: how `reviewOn` was found, and what it waits on. */
  readonly review?: Review;
}

/** The facts of a node that reads none: one frozen empty list shared by all. */
const NO_FACTS: Fact[] = Object.freeze([]) as unknown as Fact[];
/** The children of a node with no traced parts (a LEAF): one frozen empty list shared by all. */
const NO_CHILDREN: TraceNode[] = Object.freeze([]) as unknown as TraceNode[];

// What a traced evaluation records (`Tracer.log`), event by event: each event's code (the kind in
// the low 3 bits, for EXIT and LEAF the number of facts and whether operands follow in the next
// 5 bits, the site or a count above them), then its payload, a number of slots its code tells.
// One list for both, written in order, and a position in it names an event.
// The codes are a const enum, so that each use compiles to its number: a module-level constant
// is a context slot that the traced evaluator's many small calls would each load.
const enum Code {
  /** A condition or definition starts: no payload. */
  ENTER = 0,
  /**
   * The innermost open site ends: its value (unless VALUE_IN_CODE), then its facts (FACTS_MASK slots, or one list when FACTS_LIST), then the two operands of a comparison (OPERANDS). Its site is its ENTER's,
   * so the bits above SITE_SHIFT hold how many of its parts were not evaluated (`exitSkipped`: a SKIP folded into the EXIT).
   */
  EXIT = 1,
  /** One element of the quantifier open innermost starts: 1 slot, the element. */
  MEMBER = 2,
  /** The element ends: 1 slot, the predicate's value. */
  END_MEMBER = 3,
  /** A definition traced before with the same arguments is read again: the position of its ENTER (or LEAF) event in place of the site, or in the next slot when it is FAR. */
  AGAIN = 4,
  /** A site with no traced parts, entered and exited at once: the payload of EXIT. */
  LEAF = 5,
  /** Parts of the site open innermost not evaluated (a trace as evaluated): no payload, their number in place of the site. */
  SKIP = 6,
  KIND = 7,
  /** EXIT and LEAF: how many facts follow the value (FACTS_LIST: one slot holds them as a list). */
  FACTS_SHIFT = 3,
  FACTS_MASK = 15 << FACTS_SHIFT,
  FACTS_LIST = 15,
  /** EXIT and LEAF: the two operands of a comparison follow the facts. */
  OPERANDS = 1 << 7,
  /** EXIT, LEAF and END_MEMBER: the value is `true` or `false`, held in the code (VALUE_TRUE) instead of a slot of its own. */
  VALUE_IN_CODE = 1 << 8,
  VALUE_TRUE = 1 << 9,
  SITE_SHIFT = 10,
  /** The codes of EXIT and LEAF with one, two and three facts. */
  EXIT1 = EXIT | (1 << FACTS_SHIFT),
  EXIT2 = EXIT | (2 << FACTS_SHIFT),
  EXIT3 = EXIT | (3 << FACTS_SHIFT),
  LEAF1 = LEAF | (1 << FACTS_SHIFT),
  LEAF2 = LEAF | (2 << FACTS_SHIFT),
  LEAF3 = LEAF | (3 << FACTS_SHIFT),
  /** AGAIN: the position follows in a slot of its own (it is too large to sit above SITE_SHIFT in a small integer). */
  FAR = 1 << FACTS_SHIFT,
  /** The first position that is FAR. */
  FAR_FROM = 1 << (30 - SITE_SHIFT),
}

/**
 * The list the next Tracer records into: the one the last finished evaluation recorded into (its
 * recording copied out). Taken by one Tracer at a time (a second one made while it is taken gets
 * a new list), so an evaluation that throws before `finish` costs only that list. It keeps the
 * values of the longest recording so far alive until overwritten (one record's worth).
 */
let spare: unknown[] | undefined = undefined;

/**
 * The definitions traced in an evaluation, by site, kept across evaluations of one site table so
 * that an evaluation allocates nothing for them: each site's entries (flat: the arguments, the
 * value and the position of the definition's ENTER or LEAF event, `strides` slots each), how many
 * slots the evaluation numbered `epochs` filled. An entry marked with another evaluation's number
 * is stale, so a Tracer only ever sees its own; one made while another is recording (which
 * generated code never does) only makes the other trace its definitions again, which records the
 * same nodes. The last evaluation's arguments and values stay referenced until overwritten.
 */
class Memo {
  readonly epochs: Int32Array;
  readonly counts: Int32Array;
  readonly strides: Int32Array;
  readonly entries: unknown[][];
  private last = 0;

  constructor(size: number) {
    this.epochs = new Int32Array(size);
    this.counts = new Int32Array(size);
    this.strides = new Int32Array(size);
    this.entries = [];
    for (let i = 0; i < size; i++) this.entries.push([]);
  }

  /** A new evaluation's number (never 0, which no entry is marked with at first). */
  next(): number {
    if (this.last === 0x3fffffff) {
      this.epochs.fill(0);
      this.last = 0;
    }
    return ++this.last;
  }
}

/** Each site table's Memo; the last one asked for is kept at hand (a process usually evaluates one version). */
const MEMOS = new WeakMap<readonly TraceSite[], Memo>();
let lastSites: readonly TraceSite[] | undefined = undefined;
let lastMemo: Memo | undefined = undefined;

function memoOf(sites: readonly TraceSite[]): Memo {
  if (sites === lastSites) return lastMemo!;
  let memo = MEMOS.get(sites);
  if (memo === undefined) {
    memo = new Memo(sites.length);
    MEMOS.set(sites, memo);
  }
  lastSites = sites;
  lastMemo = memo;
  return memo;
}

/** A site with every field present (undefined where the site has none): one shape, so reading its fields is fast. */
interface UniformSite {
  readonly kind: TraceSite["kind"];
  readonly text: string;
  readonly at: string;
  readonly facts: readonly string[];
  readonly name: string | undefined;
  readonly clause: string | undefined;
  readonly operator: string | undefined;
  readonly quantifier: TraceSite["quantifier"];
  /** A member's text: the quantifier's variable. */
  readonly variable: string;
  /** A member's key fields. */
  readonly key: readonly string[];
}

/** Each version's sites as UniformSites, made once per site table. */
const UNIFORM = new WeakMap<readonly TraceSite[], readonly UniformSite[]>();

function uniform(sites: readonly TraceSite[]): readonly UniformSite[] {
  let known = UNIFORM.get(sites);
  if (known === undefined) {
    known = sites.map((s) => ({
      kind: s.kind,
      text: s.text,
      at: s.at,
      facts: s.facts,
      name: s.name,
      clause: s.clause,
      operator: s.operator,
      quantifier: s.quantifier,
      variable: s.quantifier?.variable ?? "member",
      key: s.quantifier?.key ?? [],
    }));
    UNIFORM.set(sites, known);
  }
  return known;
}

/**
 * Collects one evaluation's trace. Create one per traced evaluation.
 *
 * Evaluation only records: each event's code (kind, site, how many facts) and then its payload
 * (values, facts, operands, elements) into `log`, one flat list written in order (no node, no
 * list per site, no closure; the list and the definitions' memo are reused from one evaluation to
 * the next, so a traced evaluation allocates little beyond its recording's copy). The trace tree (`TraceNode`s, facts with their
 * paths, members with their key fields) is built from the recording the first time a caller reads
 * `Trace.rules` (see `finish`), never when no one does.
 *
 * Generated code calls, for a condition: `enter(site)`, then `exit(value)` or `exit1(value, fact)`
 * … `exitN(value, facts)` (the facts in the order of the site's `facts`), after `operands(l, r)`
 * for a comparison; for a definition, first `again1(site, arg)` (… `againN`): when true, the
 * definition was traced before with the same arguments and its value is `value`; else `enter`
 * (`enterOnce1(site, arg)` … does both: -1 when traced before, else what `enter` returns),
 * `exit…`, then `remember1(arg, value, entered)` (… `rememberN`; `entered` what `enter` returned,
 * left out after a `leaf…`) so later reads reuse its node.
 */
export class Tracer {
  /**
   * The recording: each event's code, then its payload (see ENTER … SKIP), in its first `n` slots,
   * written by index. While evaluating, the list left by the last finished evaluation (`spare`),
   * whose length stays at the longest recording so far, so a recording rarely grows its list; at
   * `finish` the recording is copied to a list of its own size.
   */
  private log: unknown[];
  /** How many slots of `log` the recording fills. */
  private n = 0;
  /** Whether `finish` has moved the recording to a list of its own. */
  private finished = false;
  /** The definitions traced so far, in the lists of the site table's Memo, marked with this evaluation's `epoch`. */
  private readonly memo: Memo;
  /** This evaluation's number in `memo`: entries marked with another are an earlier evaluation's. */
  private readonly epoch: number;
  /**
   * The position of the LEAF event `leaf…` recorded last (for `remember…` of a definition with no
   * traced parts, and for generated code that keeps where such a definition was traced: `again`).
   */
  closed = -1;
  /** Set by `operands`: the next `exit…` or `leaf…` records the two operands. */
  private compared = false;
  /** The operands given to `operands`, for the comparison's test to read. */
  l: unknown = undefined;
  r: unknown = undefined;
  /** After a successful `again…`: the definition's value. */
  value: unknown = undefined;
  /**
   * Whether parts are still evaluated once their condition's value is known (a complete trace);
   * false for a trace as evaluated, where generated code calls `skip` instead.
   */
  readonly complete: boolean;

  constructor(
    private readonly sites: readonly TraceSite[],
    level: TraceLevel = "complete",
  ) {
    this.complete = level === "complete";
    this.memo = memoOf(sites);
    this.epoch = this.memo.next();
    this.log = spare ?? [];
    spare = undefined;
  }

  /** Starts a site; its ENTER event's position (for `remember…` of a definition: where its node is). */
  enter(site: number): number {
    const at = this.n;
    // ENTER is 0: its code is the site alone.
    this.log[at] = site << Code.SITE_SHIFT;
    this.n = at + 1;
    return at;
  }

  /** For a comparison (between `enter` and `exit…`, or before `leaf…`): the next `exit…` or `leaf…` records both operands; the test reads them as `l` and `r`. */
  operands(l: unknown, r: unknown): void {
    this.compared = true;
    this.l = l;
    this.r = r;
  }

  /** The operands after an event's facts, when `operands` was called (its code says so). */
  private withOperands(): void {
    this.compared = false;
    const n = this.n;
    this.log[n] = this.l;
    this.log[n + 1] = this.r;
    this.n = n + 2;
  }

  /** Writes an EXIT, LEAF or END_MEMBER event's code at `n`, then its value unless a boolean (held in the code); the next free slot. */
  private valued(log: unknown[], n: number, code: number, value: unknown): number {
    if (value === true) log[n] = code | Code.VALUE_IN_CODE | Code.VALUE_TRUE;
    else if (value === false) log[n] = code | Code.VALUE_IN_CODE;
    else {
      log[n] = code;
      log[++n] = value;
    }
    return n + 1;
  }

  /** The code of the EXIT event that closes the innermost open site (its ENTER is found when the tree is built). */
  private close(code: number): number {
    return this.compared ? code | Code.OPERANDS : code;
  }

  /** A site with no traced parts (a LEAF event follows, `enter(site)` and `exit…` at once); the code of that event. */
  private open1(code: number, site: number): number {
    this.closed = this.n;
    return (this.compared ? code | Code.OPERANDS : code) | (site << Code.SITE_SHIFT);
  }

  // The hot recorders (`leaf`, `leaf1`, `exit`) take a short path for a boolean value and no
  // operands, kept small so that V8 inlines them into the many traced functions within its budget.
  leaf<T>(site: number, value: T): T {
    if (typeof value !== "boolean" || this.compared) return this.leafAny(site, value);
    const n = this.n;
    this.closed = n;
    this.log[n] = (value ? Code.LEAF | Code.VALUE_IN_CODE | Code.VALUE_TRUE : Code.LEAF | Code.VALUE_IN_CODE) | (site << Code.SITE_SHIFT);
    this.n = n + 1;
    return value;
  }

  private leafAny<T>(site: number, value: T): T {
    const log = this.log;
    const n = this.n;
    this.n = this.valued(log, n, this.open1(Code.LEAF, site), value);
    if (this.compared) this.withOperands();
    return value;
  }

  leaf1<T>(site: number, value: T, a: unknown): T {
    if (typeof value !== "boolean" || this.compared) return this.leaf1Any(site, value, a);
    const n = this.n;
    const log = this.log;
    this.closed = n;
    log[n] = (value ? Code.LEAF1 | Code.VALUE_IN_CODE | Code.VALUE_TRUE : Code.LEAF1 | Code.VALUE_IN_CODE) | (site << Code.SITE_SHIFT);
    log[n + 1] = a;
    this.n = n + 2;
    return value;
  }

  private leaf1Any<T>(site: number, value: T, a: unknown): T {
    const log = this.log;
    const n = this.valued(log, this.n, this.open1(Code.LEAF1, site), value);
    log[n] = a;
    this.n = n + 1;
    if (this.compared) this.withOperands();
    return value;
  }

  leaf2<T>(site: number, value: T, a: unknown, b: unknown): T {
    const log = this.log;
    const n = this.valued(log, this.n, this.open1(Code.LEAF2, site), value);
    log[n] = a;
    log[n + 1] = b;
    this.n = n + 2;
    if (this.compared) this.withOperands();
    return value;
  }

  leaf3<T>(site: number, value: T, a: unknown, b: unknown, c: unknown): T {
    const log = this.log;
    const n = this.valued(log, this.n, this.open1(Code.LEAF3, site), value);
    log[n] = a;
    log[n + 1] = b;
    log[n + 2] = c;
    this.n = n + 3;
    if (this.compared) this.withOperands();
    return value;
  }

  leafN<T>(site: number, value: T, facts: readonly unknown[]): T {
    const log = this.log;
    let n = this.n;
    if (facts.length < Code.FACTS_LIST) {
      n = this.valued(log, n, this.open1(Code.LEAF | (facts.length << Code.FACTS_SHIFT), site), value);
      for (let i = 0; i < facts.length; i++) log[n++] = facts[i];
    } else {
      n = this.valued(log, n, this.open1(Code.LEAF | (Code.FACTS_LIST << Code.FACTS_SHIFT), site), value);
      log[n++] = facts;
    }
    this.n = n;
    if (this.compared) this.withOperands();
    return value;
  }

  exit<T>(value: T): T {
    if (typeof value !== "boolean" || this.compared) return this.exitAny(value);
    const n = this.n;
    this.log[n] = value ? Code.EXIT | Code.VALUE_IN_CODE | Code.VALUE_TRUE : Code.EXIT | Code.VALUE_IN_CODE;
    this.n = n + 1;
    return value;
  }

  private exitAny<T>(value: T): T {
    const log = this.log;
    const n = this.n;
    this.n = this.valued(log, n, this.close(Code.EXIT), value);
    if (this.compared) this.withOperands();
    return value;
  }

  exit1<T>(value: T, a: unknown): T {
    const log = this.log;
    const n = this.valued(log, this.n, this.close(Code.EXIT1), value);
    log[n] = a;
    this.n = n + 1;
    if (this.compared) this.withOperands();
    return value;
  }

  exit2<T>(value: T, a: unknown, b: unknown): T {
    const log = this.log;
    const n = this.valued(log, this.n, this.close(Code.EXIT2), value);
    log[n] = a;
    log[n + 1] = b;
    this.n = n + 2;
    if (this.compared) this.withOperands();
    return value;
  }

  exit3<T>(value: T, a: unknown, b: unknown, c: unknown): T {
    const log = this.log;
    const n = this.valued(log, this.n, this.close(Code.EXIT3), value);
    log[n] = a;
    log[n + 1] = b;
    log[n + 2] = c;
    this.n = n + 3;
    if (this.compared) this.withOperands();
    return value;
  }

  /**
   * A trace as evaluated: the innermost open site (an `and`) ends false, its last `count` parts not
   * evaluated; what `skip(count)` then `exit(false)` record, in one event (the count where EXIT
   * has no site). Generated code calls it where an `and` stops at a false part.
   */
  exitSkipped(count: number): false {
    const n = this.n;
    this.log[n] = (count << Code.SITE_SHIFT) | Code.EXIT | Code.VALUE_IN_CODE;
    this.n = n + 1;
    return false;
  }

  /** Any number of facts, as a list. */
  exitN<T>(value: T, facts: readonly unknown[]): T {
    const log = this.log;
    let n = this.n;
    if (facts.length < Code.FACTS_LIST) {
      n = this.valued(log, n, this.close(Code.EXIT | (facts.length << Code.FACTS_SHIFT)), value);
      for (let i = 0; i < facts.length; i++) log[n++] = facts[i];
    } else {
      n = this.valued(log, n, this.close(Code.EXIT | (Code.FACTS_LIST << Code.FACTS_SHIFT)), value);
      log[n++] = facts;
    }
    this.n = n;
    if (this.compared) this.withOperands();
    return value;
  }

  /** A definition traced before (its entry at `k` of `done`, of `stride` slots): its node is added again where it is read, and `value` is its value. */
  private hit(done: unknown[], k: number, stride: number): true {
    this.value = this.again(done[k + stride - 1] as number, done[k + stride - 2]);
    return true;
  }

  /**
   * A definition traced before in this evaluation is read again: its node (the one whose ENTER or
   * LEAF event is at `at`) is added again where it is read; returns its value. For generated code
   * that keeps where each of its definitions without arguments was traced (pass
   * "definitions-in-tracer"), in place of `again0`'s search of the memo.
   */
  again<T>(at: number, value: T): T {
    const n = this.n;
    if (at < Code.FAR_FROM) {
      this.log[n] = Code.AGAIN | (at << Code.SITE_SHIFT);
      this.n = n + 1;
    } else {
      this.log[n] = Code.AGAIN | Code.FAR;
      this.log[n + 1] = at;
      this.n = n + 2;
    }
    return value;
  }

  /**
   * Whether the definition at `site` was traced in this evaluation with no arguments; if so, its
   * node is added again where it is read and `value` is its value. Definitions are pure, so each
   * is traced once per evaluation and arguments.
   */
  again0(site: number): boolean {
    const memo = this.memo;
    return memo.epochs[site] === this.epoch && memo.counts[site] !== 0 && this.hit(memo.entries[site], 0, 2);
  }

  /** `again0` for a definition of one argument (the same value, or the same record or list). */
  again1(site: number, a: unknown): boolean {
    const memo = this.memo;
    if (memo.epochs[site] !== this.epoch) return false;
    const count = memo.counts[site];
    const done = memo.entries[site];
    for (let k = 0; k < count; k += 3) if (done[k] === a) return this.hit(done, k, 3);
    return false;
  }

  again2(site: number, a: unknown, b: unknown): boolean {
    const memo = this.memo;
    if (memo.epochs[site] !== this.epoch) return false;
    const count = memo.counts[site];
    const done = memo.entries[site];
    for (let k = 0; k < count; k += 4) if (done[k] === a && done[k + 1] === b) return this.hit(done, k, 4);
    return false;
  }

  again3(site: number, a: unknown, b: unknown, c: unknown): boolean {
    const memo = this.memo;
    if (memo.epochs[site] !== this.epoch) return false;
    const count = memo.counts[site];
    const done = memo.entries[site];
    for (let k = 0; k < count; k += 5) if (done[k] === a && done[k + 1] === b && done[k + 2] === c) return this.hit(done, k, 5);
    return false;
  }

  again4(site: number, a: unknown, b: unknown, c: unknown, d: unknown): boolean {
    const memo = this.memo;
    if (memo.epochs[site] !== this.epoch) return false;
    const count = memo.counts[site];
    const done = memo.entries[site];
    for (let k = 0; k < count; k += 6) if (done[k] === a && done[k + 1] === b && done[k + 2] === c && done[k + 3] === d) return this.hit(done, k, 6);
    return false;
  }

  /** Any number of arguments, as a list. */
  againN(site: number, args: readonly unknown[]): boolean {
    const memo = this.memo;
    if (memo.epochs[site] !== this.epoch) return false;
    const count = memo.counts[site];
    const done = memo.entries[site];
    const stride = args.length + 2;
    search: for (let k = 0; k < count; k += stride) {
      for (let i = 0; i < args.length; i++) if (done[k + i] !== args[i]) continue search;
      return this.hit(done, k, stride);
    }
    return false;
  }

  /**
   * For a definition with parts, what `again0(site)` and then `enter(site)` do, in one call: -1 when
   * the definition was traced before in this evaluation (its node is added again where it is read,
   * and `value` is its value), else the position of the ENTER event it records (for `remember0`).
   */
  enterOnce0(site: number): number {
    return this.again0(site) ? -1 : this.enter(site);
  }

  /** `enterOnce0` for a definition of one argument (`again1`, then `enter`). */
  enterOnce1(site: number, a: unknown): number {
    return this.again1(site, a) ? -1 : this.enter(site);
  }

  enterOnce2(site: number, a: unknown, b: unknown): number {
    return this.again2(site, a, b) ? -1 : this.enter(site);
  }

  enterOnce3(site: number, a: unknown, b: unknown, c: unknown): number {
    return this.again3(site, a, b, c) ? -1 : this.enter(site);
  }

  enterOnce4(site: number, a: unknown, b: unknown, c: unknown, d: unknown): number {
    return this.again4(site, a, b, c, d) ? -1 : this.enter(site);
  }

  /** Any number of arguments, as a list. */
  enterOnceN(site: number, args: readonly unknown[]): number {
    return this.againN(site, args) ? -1 : this.enter(site);
  }

  /**
   * Where the next entry (of `stride` slots) of the definition at `site` goes, in
   * `memo.entries` of its site; counted as written. The first entry of an evaluation starts the
   * site's list afresh (what an earlier evaluation left there is overwritten).
   */
  private entry(site: number, stride: number): number {
    const memo = this.memo;
    let k = 0;
    if (memo.epochs[site] === this.epoch) k = memo.counts[site];
    else memo.epochs[site] = this.epoch;
    memo.counts[site] = k + stride;
    memo.strides[site] = stride;
    return k;
  }

  /**
   * After `exit…` of a definition of no arguments (`at`: what its `enter` returned), or after its
   * `leaf…` (`at` left out): later reads (`again0`) reuse its node.
   */
  remember0<T>(value: T, at = this.closed): T {
    const site = (this.log[at] as number) >> Code.SITE_SHIFT;
    const k = this.entry(site, 2);
    const done = this.memo.entries[site];
    done[k] = value;
    done[k + 1] = at;
    return value;
  }

  remember1<T>(a: unknown, value: T, at = this.closed): T {
    const site = (this.log[at] as number) >> Code.SITE_SHIFT;
    const k = this.entry(site, 3);
    const done = this.memo.entries[site];
    done[k] = a;
    done[k + 1] = value;
    done[k + 2] = at;
    return value;
  }

  remember2<T>(a: unknown, b: unknown, value: T, at = this.closed): T {
    const site = (this.log[at] as number) >> Code.SITE_SHIFT;
    const k = this.entry(site, 4);
    const done = this.memo.entries[site];
    done[k] = a;
    done[k + 1] = b;
    done[k + 2] = value;
    done[k + 3] = at;
    return value;
  }

  remember3<T>(a: unknown, b: unknown, c: unknown, value: T, at = this.closed): T {
    const site = (this.log[at] as number) >> Code.SITE_SHIFT;
    const k = this.entry(site, 5);
    const done = this.memo.entries[site];
    done[k] = a;
    done[k + 1] = b;
    done[k + 2] = c;
    done[k + 3] = value;
    done[k + 4] = at;
    return value;
  }

  remember4<T>(a: unknown, b: unknown, c: unknown, d: unknown, value: T, at = this.closed): T {
    const site = (this.log[at] as number) >> Code.SITE_SHIFT;
    const k = this.entry(site, 6);
    const done = this.memo.entries[site];
    done[k] = a;
    done[k + 1] = b;
    done[k + 2] = c;
    done[k + 3] = d;
    done[k + 4] = value;
    done[k + 5] = at;
    return value;
  }

  rememberN<T>(args: readonly unknown[], value: T, at = this.closed): T {
    const site = (this.log[at] as number) >> Code.SITE_SHIFT;
    let k = this.entry(site, args.length + 2);
    const done = this.memo.entries[site];
    for (let i = 0; i < args.length; i++) done[k++] = args[i];
    done[k] = value;
    done[k + 1] = at;
    return value;
  }

  /** Starts one element of the quantifier being traced (the site open innermost, whose site the member's node takes when the tree is built). */
  member(element: unknown): void {
    const n = this.n;
    this.log[n] = Code.MEMBER;
    this.log[n + 1] = element;
    this.n = n + 2;
  }

  /** Ends the element started by `member` with the predicate's value. */
  endMember<T>(value: T): T {
    this.n = this.valued(this.log, this.n, Code.END_MEMBER, value);
    return value;
  }

  /**
   * A trace as evaluated: `count` parts of the condition open innermost (conditions of an `and`,
   * elements of a quantifier) are not evaluated, because an earlier part decided its value.
   */
  skip(count: number): void {
    this.log[this.n++] = Code.SKIP | (count << Code.SITE_SHIFT);
  }

  /**
   * Where the recording is, before a part whose value no longer matters is evaluated for the
   * explanation only (generated code: `const mark = t.mark(); try { … } catch { t.unwind(mark); }`).
   */
  mark(): number {
    return this.n;
  }

  /**
   * The part started at `mark` failed (plain evaluation would not have evaluated it): whatever it
   * half recorded is dropped. Rare, so it may take time: every site's definitions are looked at.
   */
  unwind(mark: number): void {
    this.n = mark;
    this.compared = false;
    // Definitions completed inside the dropped part are forgotten: read again, they are traced again.
    const memo = this.memo;
    for (let site = 0; site < memo.epochs.length; site++) {
      if (memo.epochs[site] !== this.epoch) continue;
      const done = memo.entries[site];
      const stride = memo.strides[site];
      let kept = 0;
      for (let k = 0; k < memo.counts[site]; k += stride) if ((done[k + stride - 1] as number) < mark) for (let i = 0; i < stride; i++) done[kept++] = done[k + i];
      memo.counts[site] = kept;
    }
  }

  /**
   * The trace of the evaluation: one RuleTrace per rule, from the top-level nodes recorded (a
   * rule's condition is one site, so one per rule, in order). The tree is built from the
   * recording when `rules` is first read.
   */
  finish(m: Manifest, fired: readonly string[]): Trace {
    // The recording moves to a list of its own size; the list written during evaluation is the next one's.
    if (!this.finished) {
      this.finished = true;
      const log = this.log;
      this.log = log.slice(0, this.n);
      spare = log;
    }
    return (this.complete ? new Recorded(this, m, fired) : new RecordedAsEvaluated(this, m, fired)) as unknown as Trace;
  }

  /** The rule traces of a recording: its trace nodes built, one RuleTrace per rule. */
  build(m: Manifest, fired: readonly string[]): readonly RuleTrace[] {
    return ruleTraces(m, this.nodes(), fired);
  }

  /** Builds the trace nodes from the recording, exactly as they were read: the top-level nodes (the rules' conditions), in order. */
  private nodes(): TraceNode[] {
    const sites = uniform(this.sites);
    const log = this.log;
    // The nodes still open (ENTER and MEMBER events), innermost last: their positions, sites, children and member keys.
    const positions: number[] = [-1];
    const ids: number[] = [-1];
    const children: TraceNode[][] = [[]];
    const members: (Readonly<Record<string, unknown>> | undefined)[] = [undefined];
    /** How many of their parts were not evaluated (SKIP events; a trace as evaluated only). */
    const skipped: number[] = [0];
    /** The node of each completed ENTER or LEAF (by its position) and of each AGAIN. */
    const built: (TraceNode | undefined)[] = new Array(log.length);
    for (let e = 0, p = 1; e < log.length; e = p, p = e + 1) {
      // The event's code at `e`, its payload from `p` on (`p` ends past it).
      const code = log[e] as number;
      switch (code & Code.KIND) {
        case Code.ENTER:
          positions.push(e);
          ids.push(code >> Code.SITE_SHIFT);
          children.push([]);
          members.push(undefined);
          skipped.push(0);
          break;
        case Code.EXIT:
        case Code.LEAF: {
          let id = code >> Code.SITE_SHIFT;
          let parts = NO_CHILDREN;
          let position = e;
          let notEvaluated = 0;
          if ((code & Code.KIND) === Code.EXIT) {
            position = positions.pop()!;
            id = ids.pop()!;
            parts = children.pop()!;
            members.pop();
            // Parts not evaluated: SKIP events, and the count an EXIT holds in place of a site (exitSkipped).
            notEvaluated = skipped.pop()! + (code >> Code.SITE_SHIFT);
          }
          const site = sites[id];
          const value = (code & Code.VALUE_IN_CODE) !== 0 ? (code & Code.VALUE_TRUE) !== 0 : log[p++];
          const count = (code & Code.FACTS_MASK) >> Code.FACTS_SHIFT;
          let facts: readonly unknown[] | undefined;
          let first = p;
          if (count === Code.FACTS_LIST) {
            facts = log[p++] as readonly unknown[];
            first = 0;
          } else {
            facts = log;
            p += count;
          }
          const given = count === Code.FACTS_LIST ? facts.length : count;
          let operands: readonly [unknown, unknown] | undefined;
          if ((code & Code.OPERANDS) !== 0) {
            operands = [log[p], log[p + 1]];
            p += 2;
          }
          const paths = site.facts;
          const read: Fact[] = paths.length === 0 ? NO_FACTS : new Array(paths.length);
          for (let i = 0; i < paths.length; i++) read[i] = { path: paths[i], value: (i < given ? facts[first + i] : undefined) ?? null };
          // One shape for every node (absent fields undefined, which JSON leaves out).
          const node: TraceNode = {
            kind: site.kind,
            site: id,
            text: site.text,
            at: site.at,
            value,
            facts: read,
            children: parts,
            name: site.name,
            clause: site.clause,
            operator: site.operator,
            operands,
            quantifier: site.quantifier,
            member: undefined,
            notEvaluated: notEvaluated === 0 ? undefined : notEvaluated,
          };
          built[position] = node;
          children[children.length - 1].push(node);
          break;
        }
        case Code.MEMBER: {
          // A member of the quantifier open innermost: its site.
          const id = ids[ids.length - 1];
          const element = log[p++] as Record<string, unknown> | null;
          const key: Record<string, unknown> = {};
          for (const field of sites[id].key) key[field] = element?.[field] ?? null;
          positions.push(e);
          ids.push(id);
          children.push([]);
          members.push(key);
          skipped.push(0);
          break;
        }
        case Code.END_MEMBER: {
          positions.pop();
          const id = ids.pop()!;
          const parts = children.pop()!;
          const member = members.pop();
          const notEvaluated = skipped.pop()!;
          const site = sites[id];
          const value = (code & Code.VALUE_IN_CODE) !== 0 ? (code & Code.VALUE_TRUE) !== 0 : log[p++];
          children[children.length - 1].push({
            kind: "member",
            site: id,
            text: site.variable,
            at: site.at,
            value,
            facts: [],
            children: parts,
            name: undefined,
            clause: undefined,
            operator: undefined,
            operands: undefined,
            quantifier: undefined,
            member: member ?? {},
            notEvaluated: notEvaluated === 0 ? undefined : notEvaluated,
          });
          break;
        }
        case Code.SKIP:
          skipped[skipped.length - 1] += code >> Code.SITE_SHIFT;
          break;
        case Code.AGAIN: {
          const node = built[(code & Code.FAR) !== 0 ? (log[p++] as number) : code >> Code.SITE_SHIFT]!;
          built[e] = node;
          children[children.length - 1].push(node);
          break;
        }
      }
    }
    return children[0];
  }
}

/**
 * A recorded trace: what `Trace.rules` is built from when it is first read. Its state is in private
 * fields, so JSON, spreading and structured cloning see only `rules` (an own, enumerable accessor),
 * and `explored` for a trace as evaluated (`RecordedAsEvaluated`).
 */
abstract class Recording {
  readonly #tracer: Tracer;
  readonly #manifest: Manifest;
  readonly #fired: readonly string[];
  #built: readonly RuleTrace[] | undefined = undefined;

  constructor(tracer: Tracer, m: Manifest, fired: readonly string[]) {
    this.#tracer = tracer;
    this.#manifest = m;
    this.#fired = fired;
  }

  /** The getter of `rules`: the rule traces, built from the recording on the first read. */
  static rules(this: Recording): readonly RuleTrace[] {
    return (this.#built ??= this.#tracer.build(this.#manifest, this.#fired));
  }
}

/** A complete trace: `rules` only. */
class Recorded extends Recording {
  constructor(tracer: Tracer, m: Manifest, fired: readonly string[]) {
    super(tracer, m, fired);
    defineRules(this);
  }
}

/**
 * A trace as evaluated: `explored`, then `rules`. `explored` is a field (a plain store, where
 * `Object.defineProperty` costs a call into the runtime), defined before `rules` so that JSON
 * lists it first.
 */
class RecordedAsEvaluated extends Recording {
  readonly explored = "evaluated";

  constructor(tracer: Tracer, m: Manifest, fired: readonly string[]) {
    super(tracer, m, fired);
    defineRules(this);
  }
}

/** `Object.prototype.__defineGetter__` as the runtime had it when loaded (undefined where it has none). */
const defineGetter = (Object.prototype as { __defineGetter__?: (this: object, key: string, get: () => unknown) => void }).__defineGetter__;
const RULES_PROPERTY: PropertyDescriptor = { get: Recording.rules, enumerable: true, configurable: true };

/**
 * Gives a trace its own enumerable `rules` accessor, with one getter function for every trace
 * (so every trace has the same shape). `__defineGetter__` defines the same property as
 * `Object.defineProperty` with RULES_PROPERTY, for about a quarter less (it reads no descriptor
 * object); a trace is made per traced evaluation, and this is most of what making one costs.
 */
function defineRules(trace: Recording): void {
  if (defineGetter !== undefined) defineGetter.call(trace, "rules", Recording.rules);
  else Object.defineProperty(trace, "rules", RULES_PROPERTY);
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
