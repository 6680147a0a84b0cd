/**
 * The witness search: baselines + SearchModel + a Probe → the candidates the probe asked for,
 * built on demand, and the bounds of what was searched.
 *
 * Candidates come in order of how many facts they change, so the first that answers a question
 * changes as few facts as possible:
 * 0. every baseline as it is (named installations, examples, population records);
 * 1. every single-fact change of each baseline that may be changed (mutationsOf);
 * 2. pairs: each change that made the rules do something different (the probe's key moved),
 *    combined with the later such changes, with changes of a sibling fact of the same record, and
 *    (when the change made a short list) with changes inside the list's new elements. Changes of
 *    the facts the probe focuses on (those the open questions read) come first, and changes of
 *    focused scalar facts (enums, booleans, numbers, dates) are partners too, even when they did
 *    nothing alone (a cohort that no rule of the baseline's decision reads yet); at most
 *    `maxPairsFrom` changes per baseline are combined;
 * 3. triples, only while the probe focuses on some facts: each of the first `maxTriplesFrom`
 *    effective changes with two changes of focused scalar facts (the way to an installation that
 *    needs, say, another cohort, a flag and an empty history at once).
 * Each candidate is built, handed to the probe once (which evaluates it once under each version
 * and answers every open question from that), and dropped. The search stops as soon as the probe
 * says every question is answered.
 */
import { listTemplates, ListShapes, mutationsOf, type Mutation, type SearchModel } from "./mutations.js";

export interface Baseline {
  /** For people: `tmad-20.v2:dormant-mds-prepared`, `example "…"`, `record 1234`. */
  readonly name: string;
  readonly record: unknown;
  /** Whether its facts are changed (levels 1 and 2), or it is only looked at as it is. */
  readonly mutate: boolean;
  /** Whether pairs of changes are tried on it (level 2). Default: when it is mutated. */
  readonly pairs?: boolean;
}

export interface Candidate {
  readonly baseline: string;
  /** The record the changes were made to. */
  readonly base: unknown;
  readonly mutations: readonly Mutation[];
  readonly record: unknown;
  /**
   * Whether the search uses the probe's key for this candidate (a mutated baseline as it is, and
   * single changes: to find the changes that had an effect). When false, a probe that can tell the
   * candidate answers nothing may skip evaluating it and return undefined.
   */
  readonly keyed: boolean;
}

export interface Probe {
  /**
   * Looks at one candidate: evaluates it, records what it answers. Returns a key of what the rules
   * did (e.g. which rules applied), so the search knows which changes had an effect, or undefined
   * when the candidate could not be evaluated.
   */
  visit(candidate: Candidate): string | undefined;
  /** True when every question is answered: the search stops. */
  done(): boolean;
  /** The facts (`Record.field`) the open questions read: combined first. */
  focus?(): ReadonlySet<string>;
}

export interface SearchBounds {
  /** Records looked at as they are. */
  readonly baselines: number;
  /** Of those, how many had their facts changed. */
  readonly mutated: number;
  readonly singleChanges: number;
  readonly pairs: number;
  readonly triples: number;
  readonly evaluated: number;
  /** The facts the search changed (`Record.field`), sorted. */
  readonly facts: readonly string[];
  /** True when the search stopped because every question was answered. */
  readonly stoppedEarly: boolean;
}

export interface SearchOptions {
  /** How many effective changes per baseline are combined in pairs. */
  readonly maxPairsFrom?: number;
  /** How many effective changes per baseline are combined with two focused changes (level 3). */
  readonly maxTriplesFrom?: number;
  /** Called now and then with the number of candidates evaluated so far. */
  readonly progress?: (evaluated: number) => void;
}

const MAX_PAIRS_FROM = 300;
const MAX_TRIPLES_FROM = 40;
const PROGRESS_EVERY = 5000;

/** The record with `path` set to `value`, copying only the objects and lists along the path. */
function withPath(record: unknown, steps: readonly (string | number)[], i: number, value: unknown): unknown {
  if (i === steps.length) return value;
  const head = steps[i];
  if (typeof head === "number") {
    if (!Array.isArray(record) || head >= record.length) return undefined;
    const inner = withPath(record[head], steps, i + 1, value);
    if (inner === undefined) return undefined;
    const copy = record.slice();
    copy[head] = inner;
    return copy;
  }
  if (typeof record !== "object" || record === null || Array.isArray(record)) return undefined;
  const inner = withPath((record as Record<string, unknown>)[head], steps, i + 1, value);
  if (inner === undefined && i + 1 < steps.length) return undefined;
  return { ...(record as Record<string, unknown>), [head]: inner };
}

const stepCache = new Map<string, (string | number)[]>();
function steps(path: string): (string | number)[] {
  let s = stepCache.get(path);
  if (s === undefined) {
    s = (path.match(/[A-Za-z_$][\w$]*|\[\d+\]/g) ?? []).map((x) => (x.startsWith("[") ? Number(x.slice(1, -1)) : x));
    stepCache.set(path, s);
  }
  return s;
}

export function applyMutations(record: unknown, mutations: readonly Mutation[]): unknown {
  let r = record;
  for (const m of mutations) {
    r = withPath(r, steps(m.path), 0, m.value);
    if (r === undefined) return undefined;
  }
  return r;
}

function parentPath(p: string): string {
  return p.replace(/(\.[A-Za-z_$][\w$]*|\[\d+\])$/, "");
}

/** Whether two changes may be combined: not the same fact, and not one inside a list the other replaces. */
function compatible(first: Mutation, second: Mutation): boolean {
  if (second.path === first.path) return false;
  if (first.reshapesList && second.path.startsWith(`${first.path}[`) && !second.reshapesList) return true; // a change inside the new list
  if (second.path.startsWith(`${first.path}[`) || first.path.startsWith(`${second.path}[`)) return false;
  return true;
}

/**
 * One search over a set of baselines. The mutations of each baseline are enumerated when first
 * needed; list values are built once per shape and shared.
 */
export class SearchSpace {
  private readonly shapes = new ListShapes();
  private readonly templates: ReadonlyMap<string, Record<string, unknown>>;
  private readonly mutations = new Map<Baseline, Mutation[]>();

  constructor(
    private readonly model: SearchModel,
    private readonly baselines: readonly Baseline[],
    private readonly options: SearchOptions = {},
  ) {
    this.templates = listTemplates(
      baselines.map((b) => b.record),
      model,
    );
  }

  private mutationsFor(b: Baseline): Mutation[] {
    let ms = this.mutations.get(b);
    if (ms === undefined) this.mutations.set(b, (ms = mutationsOf(b.record, this.model, this.templates, this.shapes)));
    return ms;
  }

  /** Runs the probe over the candidates, in order, until it is done or the bounds are reached. */
  search(probe: Probe): SearchBounds {
    let evaluated = 0;
    let singles = 0;
    let pairs = 0;
    let triples = 0;
    const facts = new Set<string>();
    const mutate = this.baselines.filter((b) => b.mutate);
    const bounds = (stoppedEarly: boolean): SearchBounds => ({ baselines: this.baselines.length, mutated: mutate.length, singleChanges: singles, pairs, triples, evaluated, facts: [...facts].sort(), stoppedEarly });
    const look = (c: Candidate): string | undefined => {
      evaluated++;
      if (this.options.progress !== undefined && evaluated % PROGRESS_EVERY === 0) this.options.progress(evaluated);
      return probe.visit(c);
    };

    // Level 0: the baselines as they are.
    const baseKeys = new Map<Baseline, string | undefined>();
    for (const b of this.baselines) {
      baseKeys.set(b, look({ baseline: b.name, base: b.record, mutations: [], record: b.record, keyed: b.mutate }));
      if (probe.done()) return bounds(true);
    }

    // Level 1: single changes. Remember which moved the probe's key: those are combined next.
    const effective = new Map<Baseline, Mutation[]>();
    for (const b of mutate) {
      const base = baseKeys.get(b);
      const mine: Mutation[] = [];
      effective.set(b, mine);
      for (const m of this.mutationsFor(b)) {
        const record = applyMutations(b.record, [m]);
        if (record === undefined) continue;
        singles++;
        facts.add(m.fact);
        const key = look({ baseline: b.name, base: b.record, mutations: [m], record, keyed: true });
        if (probe.done()) return bounds(true);
        if (key !== undefined && key !== base) mine.push(m);
      }
    }

    // Level 2: pairs. First the cheapest and likeliest, across every baseline: an effective change
    // of a focused scalar fact with another focused scalar; then any effective focused change with
    // focused partners; then everything.
    const maxFrom = this.options.maxPairsFrom ?? MAX_PAIRS_FROM;
    const tried = new Map<Baseline, Set<string>>();
    for (const pass of [0, 1, 2]) {
      for (const b of mutate) {
        if (b.pairs === false) continue;
        const focus = probe.focus?.() ?? new Set<string>();
        if (pass < 2 && focus.size === 0) break;
        const inFocus = (m: Mutation): boolean => pass === 2 || focus.has(m.fact);
        const chosen = this.choose((effective.get(b) ?? []).filter((m) => inFocus(m) && (pass > 0 || !m.reshapesList)), focus, maxFrom);
        const scalars = this.mutationsFor(b).filter((m) => !m.reshapesList && inFocus(m));
        const focused = scalars.filter((m) => focus.has(m.fact));
        const refinements = new Map<Mutation, Mutation[]>();
        let done = tried.get(b);
        if (done === undefined) tried.set(b, (done = new Set()));
        for (let i = 0; i < chosen.length; i++) {
          const first = chosen[i];
          const partners = pass === 0 ? focused : this.partners(b, first, chosen.slice(i + 1), scalars, focused, refinements);
          for (const second of partners) {
            if (!compatible(first, second)) continue;
            const key = first.label < second.label ? `${first.label}\u0000${second.label}` : `${second.label}\u0000${first.label}`;
            if (done.has(key)) continue;
            done.add(key);
            const record = applyMutations(b.record, [first, second]);
            if (record === undefined) continue;
            pairs++;
            look({ baseline: b.name, base: b.record, mutations: [first, second], record, keyed: false });
            if (probe.done()) return bounds(true);
          }
        }
      }
    }

    // Level 3: an effective change with two changes of focused scalar facts.
    const maxTriples = this.options.maxTriplesFrom ?? MAX_TRIPLES_FROM;
    for (const b of mutate) {
      if (b.pairs === false) continue;
      const focus = probe.focus?.() ?? new Set<string>();
      if (focus.size === 0) break;
      const chosen = this.choose(effective.get(b) ?? [], focus, maxTriples);
      const focused = this.mutationsFor(b).filter((m) => !m.reshapesList && focus.has(m.fact));
      for (const first of chosen) {
        for (let j = 0; j < focused.length; j++) {
          const second = focused[j];
          if (!compatible(first, second)) continue;
          for (let k = j + 1; k < focused.length; k++) {
            const third = focused[k];
            if (!compatible(first, third) || !compatible(second, third)) continue;
            const record = applyMutations(b.record, [first, second, third]);
            if (record === undefined) continue;
            triples++;
            look({ baseline: b.name, base: b.record, mutations: [first, second, third], record, keyed: false });
            if (probe.done()) return bounds(true);
          }
        }
      }
    }
    return bounds(false);
  }

  /**
   * Which effective changes to combine: focused facts first, then taken round-robin over the paths
   * they change, so the cap is not spent on the many list shapes of the first list in the record.
   */
  private choose(effective: readonly Mutation[], focus: ReadonlySet<string>, max: number): Mutation[] {
    const out: Mutation[] = [];
    for (const group of [effective.filter((m) => focus.has(m.fact)), effective.filter((m) => !focus.has(m.fact))]) {
      const byPath = new Map<string, Mutation[]>();
      for (const m of group) {
        const list = byPath.get(m.path);
        if (list === undefined) byPath.set(m.path, [m]);
        else list.push(m);
      }
      for (let round = 0; out.length < max; round++) {
        let any = false;
        for (const list of byPath.values()) {
          if (round < list.length && out.length < max) {
            out.push(list[round]);
            any = true;
          }
        }
        if (!any) break;
      }
    }
    return out;
  }

  /**
   * What to combine an effective change with: the later effective changes; changes of a sibling
   * fact of the same record (`devices[0].firmwareUpgradePossible` with `devices[0].firmwareAttempts`);
   * changes of the focused scalar facts; and, when the change made a short list, changes inside
   * its new elements.
   */
  private partners(b: Baseline, first: Mutation, laterEffective: readonly Mutation[], scalars: readonly Mutation[], focused: readonly Mutation[], refinements: Map<Mutation, Mutation[]>): Mutation[] {
    const out = [...laterEffective];
    const taken = new Set(out);
    const fp = parentPath(first.path);
    for (const s of scalars) {
      if (taken.has(s) || s.path === first.path) continue;
      if (parentPath(s.path) === fp) {
        out.push(s);
        taken.add(s);
      }
    }
    for (const s of focused) {
      if (taken.has(s) || s.path === first.path) continue;
      out.push(s);
      taken.add(s);
    }
    const v = first.value;
    if (first.reshapesList && Array.isArray(v) && v.length > 0 && v.length <= 2) {
      let refined = refinements.get(first);
      if (refined === undefined) {
        const record = applyMutations(b.record, [first]);
        refined = record === undefined ? [] : mutationsOf(record, this.model, this.templates, this.shapes).filter((m) => m.path.startsWith(`${first.path}[`) && !m.reshapesList);
        refinements.set(first, refined);
      }
      out.push(...refined);
    }
    return out;
  }
}
