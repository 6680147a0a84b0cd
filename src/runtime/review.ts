/**
 * `reviewOn`: for a decision made by a waiting rule (one that holds until thresholds over dated
 * lists are reached: PENDING under 4.26), the earliest date on which the decision can change if
 * every remaining attempt fails. Takes the version, the (validated, as-of cut) record and its
 * decision; gives the date, the decision then, and what it waits on.
 *
 * A what-if search guided by the thresholds the compiler found in the rule (manifest.timeline):
 * from the first day a new fact can come, each regime's list gets failing entries up to a
 * candidate date, at the regime's own pace (its count over its days: 6 firmware attempts a day)
 * and one on the candidate date itself; the rules themselves then decide the hypothetical record.
 * Candidate dates are where a regime can end: its count reached at its pace, or its days covered
 * (the first counted entry's day plus the day threshold, give or take a day for however the rules
 * count days), whichever is later. Entries only accumulate as the date moves on, so once the
 * decision differs it differs at every later candidate: the search tries first where each regime
 * most likely ends, and checks a guess that changes the decision against the candidate before it
 * (two evaluations instead of a binary search's four); otherwise it searches what is left by
 * halves. Limits: docs/time.md.
 */
import type { Regime, Timeline } from "./timeline.js";
import type { FieldType, Schema } from "./validate.js";
import { civilDay, epochMs } from "./values.js";
import type { Decision, VersionModule } from "./version.js";

/** One list a pending decision waits on: where it is, how far its regime has run. */
export interface Waiting {
  /** JSON path of the list, e.g. `$.devices[1].firmwareAttempts`. */
  readonly list: string;
  /** The record holding the list (`$.devices[1]`) and its enumerated facts (`GSME`), to name it. */
  readonly owner: string;
  readonly ownerFacts: readonly string[];
  /** The list's field, and the definition its thresholds sit in (e.g. `regimeExhausted`). */
  readonly field: string;
  readonly regime: string;
  /** Entries now counted, and the thresholds: at least `count` of them, covering at least `days`. */
  readonly counted: number;
  readonly count?: number;
  readonly left?: number;
  readonly days?: number;
  /** The day of the first counted entry. */
  readonly firstOn?: string;
}

export interface Review {
  /** The earliest date on which the decision can change if every remaining attempt fails; null: none found. */
  readonly reviewOn: string | null;
  /** The first day a new attempt can come: the day after the as-of date, else the day of the latest attempt. */
  readonly from: string | null;
  /** Why there is no date, when there is none. */
  readonly why?: string;
  /** The decision on that date, if every remaining attempt fails. */
  readonly then?: Pick<Decision, "status" | "rule" | "clause" | "result">;
  /** The lists whose regimes end on that date (computed only when asked for). */
  readonly waitingOn?: readonly Waiting[];
  /** True when any one of `waitingOn` ends the wait (e.g. a step's own retries or its confirmations). */
  readonly anyOf?: true;
  /** How many hypothetical records the search evaluated. */
  readonly evaluations: number;
}

/** One list of the record that a regime names, with what it already holds. Days are day numbers. */
interface Instance {
  readonly regime: Regime;
  /** Steps from the record to the list (field names and element indexes). */
  readonly path: readonly (string | number)[];
  /** Which list of the record it is (0, 1, …): instances of regimes that name the same list share it. */
  readonly key: number;
  /** The record holding the list and its type, whose enumerated facts (e.g. its device type) name it. */
  readonly owner: Readonly<Record<string, unknown>>;
  readonly ownerType: string;
  /** The list as the record holds it. */
  readonly list: readonly unknown[];
  readonly counted: number;
  /** Day numbers of the counted entries, the earliest of them, and the latest day of every entry. */
  readonly countedDays: readonly number[];
  readonly firstDay: number | undefined;
  readonly latest: number | undefined;
}

/** Alternatives of field values (a regime's `where` or `counted`), as [field, value] pairs. */
type Alternatives = readonly (readonly (readonly [string, unknown])[])[];

/** A regime's `where` (by step of its list's path) and `counted` alternatives, and its route in a schema, made once per regime. */
interface Matchers {
  readonly where: ReadonlyMap<number, Alternatives>;
  readonly counted: Alternatives | undefined;
  route(schema: Schema): Route;
}

const matchers = new WeakMap<Regime, Matchers>();

function matchersOf(regime: Regime): Matchers {
  let m = matchers.get(regime);
  if (m === undefined) {
    const pairs = (alts: readonly Readonly<Record<string, unknown>>[]): Alternatives => alts.map((alt) => Object.entries(alt));
    const where = new Map<number, Alternatives>();
    // The first `where` of a step applies, as `regime.where.find(…)` would take it.
    for (const w of regime.where ?? []) if (!where.has(w.step)) where.set(w.step, pairs(w.match));
    let route: { readonly schema: Schema; readonly route: Route } | undefined;
    m = {
      where,
      counted: regime.counted === undefined ? undefined : pairs(regime.counted),
      route: (schema) => (route?.schema === schema ? route : (route = { schema, route: routeOf(schema, regime) })).route,
    };
    matchers.set(regime, m);
  }
  return m;
}

/** Whether `v` has every field of one of the alternatives (as `alts.some((alt) => Object.entries(alt).every(…))`). */
function matchesAny(alts: readonly (readonly (readonly [string, unknown])[])[], v: Readonly<Record<string, unknown>>): boolean {
  for (let a = 0; a < alts.length; a++) {
    const alt = alts[a];
    let all = true;
    for (let j = 0; j < alt.length; j++) {
      if (v[alt[j][0]] !== alt[j][1]) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

/**
 * The failing entries still to come in one list, at the regime's pace from `from`: `first` of them
 * on day 0 (the pace, less what that day already holds), then `pace` a day, `total` in all. So by
 * day k (days after `from`) `madeBy(plan, k)` of them are made, and there is no need to list them.
 */
interface Plan {
  readonly total: number;
  readonly first: number;
  readonly pace: number;
}

/** The regimes a decision waits on, if its rule is a waiting rule. */
export function waitingRegimes(timeline: Timeline | undefined, decision: Decision): readonly Regime[] | undefined {
  if (timeline === undefined || decision.status !== "decided" || decision.rule === null) return undefined;
  return timeline.waits[decision.rule];
}

export function reviewDecision(version: VersionModule<any, any>, input: unknown, decision: Decision, asOf: string | null, detail: boolean): Review | undefined {
  return reviewWith(version, input, decision, asOf, detail, firstChange);
}

/**
 * Finds the first of `length` candidates at which the decision changes (`length`: none), given
 * `changed(n)`, which is false up to some candidate and true from it on, and the candidates where
 * the change most likely is, in the order to try them (`likely`; -1 for none).
 */
export type Search = (length: number, likely: readonly number[], changed: (n: number) => boolean) => number;

/** reviewDecision with another search over the candidate dates (the tests compare the search with every candidate tried in turn). */
export function reviewWith(version: VersionModule<any, any>, input: unknown, decision: Decision, asOf: string | null, detail: boolean, search: Search): Review | undefined {
  const regimes = waitingRegimes(version.manifest.timeline, decision);
  if (regimes === undefined) return undefined;
  const schema = version.validator.schema;
  const instances = expand(schema, input, regimes);
  let latest: number | undefined;
  for (const i of instances) if (i.latest !== undefined && (latest === undefined || i.latest > latest)) latest = i.latest;
  const from = asOf !== null ? dayNumber(asOf) + 1 : latest;
  if (from === undefined) {
    return { reviewOn: null, from: null, why: "no attempt has been made yet, so nothing says from when the remaining ones count (evaluate it --as-of a date)", evaluations: 0 };
  }

  // Where a regime can end: its count reached at its pace, its days covered (give or take a day,
  // however the rules count days), whichever is later.
  const onFrom = instances.map((i) => {
    let n = 0;
    for (const d of i.countedDays) if (d === from) n++;
    return n;
  });
  const plans = instances.map((i, n) => planOf(i, onFrom[n]));
  // A few numbers: an array, each added once, then sorted.
  const days: number[] = [from];
  const add = (day: number): void => {
    if (!days.includes(day)) days.push(day);
  };
  instances.forEach((i, n) => {
    const counted = from + countDays(plans[n]);
    add(counted);
    if (i.regime.days === undefined) return;
    const base = i.firstDay ?? from;
    for (let k = -1; k <= 1; k++) {
      const day = base + i.regime.days + k;
      if (day >= from) add(Math.max(day, counted));
    }
  });
  days.sort((a, b) => a - b);

  // A failing entry of a regime on day k after `from`: one object per regime and day, shared by
  // every list that gets one (evaluators only read entries), and by the reviews that follow.
  const byRegime = new Map<Regime, Readonly<Record<string, unknown>>[]>();
  const entryOn = (regime: Regime, k: number): Readonly<Record<string, unknown>> => {
    let days = byRegime.get(regime);
    if (days === undefined) byRegime.set(regime, (days = []));
    return (days[k] ??= failingEntry(regime, from + k));
  };

  let evaluations = 0;
  const record = new Hypothetical(input, from, instances, plans, entryOn);
  const decide = (day: number, skip?: ReadonlySet<Instance>): Decision => {
    evaluations++;
    return version.evaluate(record.at(day - from, skip), null);
  };
  let result: string | undefined;
  // Results are compared as JSON; the same object (a constant result) is the same JSON.
  const same = (d: Decision): boolean => d.status === decision.status && d.rule === decision.rule && (d.result === decision.result || JSON.stringify(d.result) === (result ??= JSON.stringify(decision.result)));
  const decisions: Decision[] = [];
  const change = search(
    days.length,
    likelyEnds(instances, plans, from).map((d) => days.indexOf(d)),
    (n) => !same((decisions[n] = decide(days[n]))),
  );
  if (change === days.length) return { reviewOn: null, from: dateOf(from), why: `the decision stays the same up to ${dateOf(days[days.length - 1])} even if every remaining attempt fails`, evaluations };
  const then = decisions[change];
  const day = days[change];
  const waiting = detail ? binding(instances, (skip) => same(decide(day, skip))) : undefined;
  return {
    reviewOn: dateOf(day),
    from: dateOf(from),
    then: { status: then.status, rule: then.rule, clause: then.clause, result: then.result },
    ...(waiting === undefined ? {} : { waitingOn: waiting.lists.map((i) => describe(schema, i)), ...(waiting.anyOf && waiting.lists.length > 1 ? { anyOf: true } : {}) }),
    evaluations,
  };
}

/**
 * The first candidate at which `changed` holds (`length`: none), trying the likely ones first: each
 * one where the decision stays moves the search past it; at the first where it changes, the one
 * before it is tried, and if the decision stays there, that is the answer (as `changed` is false
 * then true, nothing else can be). Otherwise a binary search over what is left, from the last
 * candidate when no likely one changed. Asks `changed` at most once per candidate.
 */
export function firstChange(length: number, likely: readonly number[], changed: (n: number) => boolean): number {
  // Every candidate before `lo` keeps the decision; `hi` changes it (`length`: none known to).
  let lo = 0;
  let hi = length;
  for (const n of likely) {
    if (n < lo || n >= length) continue;
    if (changed(n)) {
      hi = n;
      break;
    }
    lo = n + 1;
  }
  if (hi === length) {
    if (lo === length || !changed(length - 1)) return length;
    hi = length - 1;
  } else if (hi > lo) {
    if (!changed(hi - 1)) return hi;
    hi--;
  }
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (changed(mid)) hi = mid;
    else lo = mid + 1;
  }
  return hi;
}

/**
 * The candidate dates where the decision most likely changes, to try first: where each regime
 * ends with its days counted from its first day to its last, both counted (the count reached, or
 * the first counted day plus the day threshold less one, whichever is later), the earliest end of
 * a regime already under way (some entries counted) first, then every end in order. Taken from
 * the record alone, so a decision's review does not depend on the records reviewed before it.
 */
function likelyEnds(instances: readonly Instance[], plans: readonly Plan[], from: number): number[] {
  const ends: number[] = [];
  let first: number | undefined;
  instances.forEach((i, n) => {
    const counted = from + countDays(plans[n]);
    const end = i.regime.days === undefined ? counted : Math.max((i.firstDay ?? from) + i.regime.days - 1, counted);
    ends.push(end);
    if (i.counted > 0 && (first === undefined || end < first)) first = end;
  });
  ends.sort((a, b) => a - b);
  return first === undefined ? ends : [first, ...ends];
}

/**
 * What the decision waits on at its review date: the lists it cannot change without (leaving out
 * their failing entries keeps it). When no single list is needed, the record holding the lists is
 * (a meter whose step ends either by its own retries or by its confirmations): its lists that end
 * the wait on their own, as alternatives.
 */
function binding(instances: readonly Instance[], keeps: (skip: ReadonlySet<Instance>) => boolean): { lists: Instance[]; anyOf: boolean } {
  const necessary = instances.filter((i) => keeps(new Set([i])));
  if (necessary.length > 0) return { lists: necessary, anyOf: false };
  const owners = new Map<string, Instance[]>();
  for (const i of instances) {
    const key = JSON.stringify(i.path.slice(0, -1));
    owners.set(key, [...(owners.get(key) ?? []), i]);
  }
  const lists: Instance[] = [];
  for (const group of owners.values()) {
    if (!keeps(new Set(group))) continue;
    for (const i of group) if (!keeps(new Set(group.filter((j) => j !== i)))) lists.push(i);
  }
  return { lists, anyOf: true };
}

function describe(schema: Schema, i: Instance): Waiting {
  const list = `$${i.path.map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`)).join("")}`;
  const field = String(i.path[i.path.length - 1]);
  const count = i.regime.count;
  return {
    list,
    owner: list.slice(0, list.length - field.length - 1) || "$",
    ownerFacts: schema.records[i.ownerType].filter(([, t]) => t.kind === "enum").map(([f]) => i.owner[f]).filter((v): v is string => typeof v === "string"),
    field,
    regime: i.regime.name,
    counted: i.counted,
    ...(count === undefined ? {} : { count, left: Math.max(0, count - i.counted) }),
    ...(i.regime.days === undefined ? {} : { days: i.regime.days }),
    ...(i.firstDay === undefined ? {} : { firstOn: dateOf(i.firstDay) }),
  };
}

/**
 * A regime's pace: its count over its days (108 firmware attempts over 18 days: 6 a day), the most
 * entries the search adds on one day. Without both thresholds there is no pace.
 */
function pace(regime: Regime): number {
  return regime.count !== undefined && regime.days !== undefined && regime.days > 0 ? Math.ceil(regime.count / regime.days) : Number.POSITIVE_INFINITY;
}

/**
 * The entries still to come in a list: up to its regime's count, at the pace from `from`, day 0
 * holding the pace less what it already holds (`onFrom`). Without a pace they all come on day 0.
 */
function planOf(i: Instance, onFrom: number): Plan {
  const total = Math.max(0, (i.regime.count ?? 0) - i.counted);
  const p = pace(i.regime);
  return { total, first: Math.min(Math.max(0, p - onFrom), total), pace: p };
}

/** The planned entries made by day k after `from` (k ≥ 0; -1: none). */
function madeBy(plan: Plan, k: number): number {
  if (k < 0) return 0;
  return k === 0 ? plan.first : Math.min(plan.total, plan.first + k * plan.pace);
}

/** Days after `from` until the regime's count is reached at its pace (0 when it already is). */
function countDays(plan: Plan): number {
  return plan.first >= plan.total ? 0 : Math.ceil((plan.total - plan.first) / plan.pace);
}

/** Failing entries by regime and day number, shared by reviews; each regime keeps at most ENTRY_DAYS days. */
const entries = new WeakMap<Regime, Map<number, Readonly<Record<string, unknown>>>>();
const ENTRY_DAYS = 4096;

/** The failing entry of a regime on a day: its `next` shape, dated that day (a date-time: the day's last second, after anything already known that day). */
function failingEntry(regime: Regime, day: number): Readonly<Record<string, unknown>> {
  let byDay = entries.get(regime);
  if (byDay === undefined) {
    byDay = new Map();
    entries.set(regime, byDay);
  }
  let e = byDay.get(day);
  if (e === undefined) {
    const date = dateOf(day);
    e = Object.freeze(withField(regime.next, regime.dating.field, regime.dating.type === "date" ? date : `${date}T23:59:59Z`));
    if (byDay.size >= ENTRY_DAYS) byDay.clear();
    byDay.set(day, e);
  }
  return e;
}

/**
 * Planned entries by regime and plan (from, total, first): records waiting since the same day with
 * the same counts get the same list, so it is made once for them all (it is only read). Each
 * regime keeps at most PLANNED_LISTS of them.
 */
const plannedLists = new WeakMap<Regime, Map<number, readonly unknown[]>>();
const PLANNED_LISTS = 4096;

/**
 * The record if every remaining attempt fails, up to day `k` after `from`: each list gets its
 * planned entries made by then, and one on day `k` itself (the regime is still retried then, which
 * is how it comes to cover its days). A list named by several regimes gets the most entries any of
 * them needs. Only the objects on the way to the lists are copied, once per review: each `at(k)`
 * puts that day's lists into the same copy (evaluators only read their input, and keep nothing of
 * it between evaluations). Where one list lies inside another (no version has one), each day's
 * record is copied afresh instead.
 */
class Hypothetical {
  /** The copy of the record (the record itself where one list lies inside another). */
  private readonly root: unknown;
  /** Per list (by key): the object or array that holds it in the copy, its step there and its original; undefined where one list lies inside another. */
  private readonly slots: readonly { readonly holder: Record<string | number, unknown>; readonly step: string | number; readonly original: readonly unknown[] }[] | undefined;
  /** Per list (by key), for one `at`: the instance whose entries it gets (-1: none), and how many. */
  private readonly chosen: number[];
  private readonly made: number[];
  private readonly extra: boolean[];
  /** The first instance of each list. */
  private readonly firstOf: readonly Instance[];
  /** Per instance, its planned entries once made (plannedOf). */
  private readonly planned: (readonly unknown[] | undefined)[] = [];
  constructor(
    private readonly input: unknown,
    private readonly from: number,
    private readonly instances: readonly Instance[],
    private readonly plans: readonly Plan[],
    private readonly entryOn: (regime: Regime, k: number) => Readonly<Record<string, unknown>>,
  ) {
    const firstOf: Instance[] = [];
    for (const i of instances) firstOf[i.key] ??= i;
    this.firstOf = firstOf;
    this.chosen = firstOf.map(() => -1);
    this.made = firstOf.map(() => 0);
    this.extra = firstOf.map(() => false);
    const nested = instances.some((a) => instances.some((b) => a.key !== b.key && a.path.length < b.path.length && a.path.every((x, n) => b.path[n] === x)));
    if (nested) {
      this.root = input;
      this.slots = undefined;
      return;
    }
    const copies = new Map<unknown, Record<string | number, unknown>>();
    const copyOf = (value: unknown): Record<string | number, unknown> => {
      let c = copies.get(value);
      if (c === undefined) {
        c = Array.isArray(value) ? (value.slice() as unknown as Record<number, unknown>) : copied(value as Record<string, unknown>);
        copies.set(value, c);
      }
      return c;
    };
    this.root = copyOf(input);
    this.slots = firstOf.map((i) => {
      let value = input;
      let holder = this.root as Record<string | number, unknown>;
      for (let n = 0; n < i.path.length - 1; n++) {
        value = (value as Record<string | number, unknown>)[i.path[n]];
        const c = copyOf(value);
        put(holder, i.path[n], c);
        holder = c;
      }
      return { holder, step: i.path[i.path.length - 1], original: i.list };
    });
  }

  /** The record on day `k` after `from`, leaving out the failing entries of the lists in `skip`. */
  at(k: number, skip?: ReadonlySet<Instance>): unknown {
    const { chosen, made, extra } = this;
    chosen.fill(-1);
    // The lists in the order an instance was first chosen for them (the order they are appended in, where lists nest).
    const order: number[] = [];
    for (let n = 0; n < this.instances.length; n++) {
      const i = this.instances[n];
      if (skip?.has(i) === true) continue;
      const m = madeBy(this.plans[n], k);
      // No planned entry on day k itself: it gets one more, that day.
      const e = m === madeBy(this.plans[n], k - 1);
      const key = i.key;
      if (chosen[key] === -1) order.push(key);
      else if (made[key] + (extra[key] ? 1 : 0) >= m + (e ? 1 : 0)) continue;
      chosen[key] = n;
      made[key] = m;
      extra[key] = e;
    }
    if (this.slots === undefined) {
      let root = this.input;
      for (const key of order) root = appended(root, this.firstOf[key].path, 0, this.grown([], key, k));
      return root;
    }
    for (let key = 0; key < this.slots.length; key++) {
      const slot = this.slots[key];
      put(slot.holder, slot.step, chosen[key] === -1 ? slot.original : this.grown(slot.original, key, k));
    }
    return this.root;
  }

  /** `list` with the planned entries made by day `k` of the instance chosen for list `key`, and one on day `k` when it gets one. */
  private grown(list: readonly unknown[], key: number, k: number): unknown[] {
    const n = this.chosen[key];
    const planned = this.plannedOf(n);
    const made = this.made[key];
    // Copied by a loop into an array of its final length: concat took a slow generic path here.
    const extra = this.extra[key];
    const out: unknown[] = new Array(list.length + made + (extra ? 1 : 0));
    let o = 0;
    for (let j = 0; j < list.length; j++) out[o++] = list[j];
    for (let j = 0; j < made; j++) out[o++] = planned[j];
    if (extra) out[o] = this.entryOn(this.instances[n].regime, k);
    return out;
  }

  /** Every planned entry of instance `n`, in order (each day's entries are one shared object); made once per review, or taken from plannedLists. */
  private plannedOf(n: number): readonly unknown[] {
    let planned = this.planned[n];
    if (planned === undefined) {
      const plan = this.plans[n];
      const regime = this.instances[n].regime;
      const c = (regime.count ?? 0) + 1;
      // (from, total, first) as one number: total and first are at most the regime's count.
      const id = (this.from * c + plan.total) * c + plan.first;
      const safe = Number.isSafeInteger(id);
      let byPlan = plannedLists.get(regime);
      planned = safe ? byPlan?.get(id) : undefined;
      if (planned === undefined) {
        const all: unknown[] = [];
        for (let day = 0; all.length < plan.total; day++) {
          const upto = madeBy(plan, day);
          if (upto === all.length) continue;
          const entry = this.entryOn(regime, day);
          while (all.length < upto) all.push(entry);
        }
        planned = all;
        if (safe) {
          if (byPlan === undefined) plannedLists.set(regime, (byPlan = new Map()));
          if (byPlan.size >= PLANNED_LISTS) byPlan.clear();
          byPlan.set(id, all);
        }
      }
      this.planned[n] = planned;
    }
    return planned;
  }
}

/** A copy of `value` with `entries` appended to the list at `path`; only the objects on the way are copied. */
function appended(value: unknown, path: readonly (string | number)[], step: number, entries: readonly unknown[]): unknown {
  if (step === path.length) return [...(value as unknown[]), ...entries];
  const key = path[step];
  if (Array.isArray(value)) {
    const copy = value.slice();
    copy[key as number] = appended(value[key as number], path, step + 1, entries);
    return copy;
  }
  const obj = value as Record<string, unknown>;
  return withField(obj, key as string, appended(obj[key as string], path, step + 1, entries));
}

/**
 * `{ ...base, [field]: value }` (own enumerable keys in order, `field` last unless `base` has it),
 * written as a loop: V8 builds an object literal with a spread and a computed key through a slow
 * generic path, which was most of the review search's own time.
 */
function withField(base: Readonly<Record<string, unknown>>, field: string, value: unknown): Record<string, unknown> {
  const out = copied(base);
  set(out, field, value);
  return out;
}

/** `{ ...base }`, written as a loop (see withField). */
function copied(base: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = Object.keys(base);
  for (let i = 0; i < keys.length; i++) set(out, keys[i], base[keys[i]]);
  return out;
}

/** `holder[step] = value` for an object or an array. */
function put(holder: Record<string | number, unknown>, step: string | number, value: unknown): void {
  if (typeof step === "number") holder[step] = value;
  else set(holder, step, value);
}

/** An own property, even one named `__proto__` (which an assignment would take as the prototype). */
function set(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(o, key, { value, enumerable: true, configurable: true, writable: true });
  else o[key] = value;
}

/** Every list of the record each regime names, with what it already holds. */
function expand(schema: Schema, input: unknown, regimes: readonly Regime[]): Instance[] {
  const out: Instance[] = [];
  /**
   * Each list found, by its path (the path names the list: a route and its element indexes), with
   * its key. A record holds few lists: they are compared, the list itself first (the same path
   * reaches the same list), rather than named by a string made for each.
   */
  const lists: { readonly value: readonly unknown[]; readonly path: readonly (string | number)[] }[] = [];
  const path: (string | number)[] = [];
  for (const regime of regimes) {
    const { where, counted, route } = matchersOf(regime);
    const types = route(schema);
    const field = regime.dating.field;
    const steps = regime.list;
    const leaf = (value: readonly unknown[], owner: Record<string, unknown>, ownerType: string): void => {
      let key = -1;
      for (let k = 0; k < lists.length; k++) {
        if (lists[k].value === value && samePath(lists[k].path, path)) {
          key = k;
          break;
        }
      }
      if (key === -1) {
        key = lists.length;
        lists.push({ value, path: path.slice() });
      } else {
        // A list already found under the same thresholds (another regime's, or a repeated one) is found once.
        for (const i of out) if (i.key === key && String(i.regime.count) === String(regime.count) && String(i.regime.days) === String(regime.days)) return;
      }
      const countedDays: number[] = [];
      let latest: number | undefined;
      let firstDay: number | undefined;
      for (let n = 0; n < value.length; n++) {
        const e = value[n] as Record<string, unknown>;
        const at = e[field];
        if (typeof at !== "string") continue;
        const day = dayNumberOf(at);
        if (latest === undefined || day > latest) latest = day;
        if (counted === undefined || matchesAny(counted, e)) {
          countedDays.push(day);
          if (firstDay === undefined || day < firstDay) firstDay = day;
        }
      }
      out.push({ regime, path: path.slice(), key, owner, ownerType, list: value, counted: countedDays.length, countedDays, firstDay, latest });
    };
    const walk = (value: unknown, step: number, owner: Record<string, unknown>, ownerType: string): void => {
      if (value === null || value === undefined) return;
      if (step === steps.length) {
        if (Array.isArray(value)) leaf(value, owner, ownerType);
        return;
      }
      const type = types.at[step];
      if (type === null) return;
      const name = steps[step];
      if (name === "*") {
        if (!Array.isArray(value)) return;
        // Only the elements the rule looks at (e.g. the dormant meters), when the compiler could tell.
        const match = where.get(step);
        for (let i = 0; i < value.length; i++) {
          const v = value[i] as Record<string, unknown>;
          if (match !== undefined && !matchesAny(match, v)) continue;
          path.push(i);
          walk(v, step + 1, owner, ownerType);
          path.pop();
        }
        return;
      }
      const obj = value as Record<string, unknown>;
      path.push(name);
      walk(obj[name], step + 1, obj, (type as { readonly name: string }).name);
      path.pop();
    };
    walk(input, 0, input as Record<string, unknown>, schema.root);
  }
  return out;
}

function samePath(a: readonly (string | number)[], b: readonly (string | number)[]): boolean {
  if (a.length !== b.length) return false;
  for (let n = 0; n < a.length; n++) if (a[n] !== b[n]) return false;
  return true;
}

/**
 * The types along a regime's list, step by step (optional ones unwrapped): a `*` step's must be a
 * list, a field step's a record declaring the field; null where it is not, and the walk stops there.
 */
interface Route {
  readonly at: readonly (FieldType | null)[];
}

function routeOf(schema: Schema, regime: Regime): Route {
  const unwrap = (t: FieldType): FieldType => {
    while (t.kind === "optional") t = t.inner;
    return t;
  };
  const at: (FieldType | null)[] = [];
  let type: FieldType | null = unwrap({ kind: "record", name: schema.root });
  for (const name of regime.list) {
    let next: FieldType | null = null;
    if (type?.kind === "list" && name === "*") next = unwrap(type.element);
    else if (type?.kind === "record" && name !== "*") {
      const declared: readonly [string, FieldType] | undefined = schema.records[type.name]?.find(([f]) => f === name);
      if (declared !== undefined) next = unwrap(declared[1]);
    }
    // The walk goes on from this step only to a value of the next step's type.
    at.push(next === null ? null : type);
    type = next;
  }
  return { at };
}

// Calendar days as numbers (days since 1970-01-01), without Date objects: the search works in days.

const DAY_MS = 86_400_000;

/** The month (year × 12 + month) whose first day's number is `monthStart`: a list's dates mostly fall in one month. */
let month = -1;
let monthStart = 0;

/** The day number of a `YYYY-MM-DD` date (its digits read one by one: the search reads every entry's date). */
function dayNumber(date: string): number {
  const y = (date.charCodeAt(0) - 48) * 1000 + (date.charCodeAt(1) - 48) * 100 + (date.charCodeAt(2) - 48) * 10 + (date.charCodeAt(3) - 48);
  const m = (date.charCodeAt(5) - 48) * 10 + (date.charCodeAt(6) - 48);
  if (y * 12 + m !== month) {
    month = y * 12 + m;
    monthStart = civilDay(y, m, 1);
  }
  return monthStart + (date.charCodeAt(8) - 48) * 10 + (date.charCodeAt(9) - 48) - 1;
}

/** The day number (UTC) of a date or date-time; a date-time in UTC is read without parsing. */
function dayNumberOf(at: string): number {
  return at.length === 10 || at.charCodeAt(at.length - 1) === 90 /* Z */ ? dayNumber(at) : Math.floor(epochMs(at) / DAY_MS);
}

/** The `YYYY-MM-DD` date of a day number (H. Hinnant's civil_from_days). */
function dateOf(n: number): string {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}
