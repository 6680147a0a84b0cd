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
 * count days), whichever is later. Entries only accumulate as the date moves on, so a binary
 * search over the candidates finds the first at which the decision differs. Limits: docs/time.md.
 */
import type { Regime, Timeline } from "./timeline.js";
import type { FieldType, Schema } from "./validate.js";
import { epochMs } from "./values.js";
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
  readonly key: string;
  /** The record holding the list and its type, whose enumerated facts (e.g. its device type) name it. */
  readonly owner: Readonly<Record<string, unknown>>;
  readonly ownerType: string;
  /** The list as the record holds it. */
  readonly list: readonly unknown[];
  readonly counted: number;
  /** Day numbers of the counted entries, the earliest of them, and the latest day of every entry. */
  readonly countedDays: readonly number[];
  readonly firstDay?: number;
  readonly latest?: number;
}

/** Alternatives of field values (a regime's `where` or `counted`), as [field, value] pairs. */
type Alternatives = readonly (readonly (readonly [string, unknown])[])[];

/** A regime's `where` (by step of its list's path) and `counted` alternatives, made once per regime. */
interface Matchers {
  readonly where: ReadonlyMap<number, Alternatives>;
  readonly counted: Alternatives | undefined;
}

const matchers = new WeakMap<Regime, Matchers>();

function matchersOf(regime: Regime): Matchers {
  let m = matchers.get(regime);
  if (m === undefined) {
    const pairs = (alts: readonly Readonly<Record<string, unknown>>[]): Alternatives => alts.map((alt) => Object.entries(alt));
    const where = new Map<number, Alternatives>();
    // The first `where` of a step applies, as `regime.where.find(…)` would take it.
    for (const w of regime.where ?? []) if (!where.has(w.step)) where.set(w.step, pairs(w.match));
    m = { where, counted: regime.counted === undefined ? undefined : pairs(regime.counted) };
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

/** The failing entries still to come in one list, and each one's day (days after `from`). */
interface Plan {
  readonly entries: readonly Record<string, unknown>[];
  readonly dayIndex: readonly number[];
}

/** The regimes a decision waits on, if its rule is a waiting rule. */
export function waitingRegimes(timeline: Timeline | undefined, decision: Decision): readonly Regime[] | undefined {
  if (timeline === undefined || decision.status !== "decided" || decision.rule === null) return undefined;
  return timeline.waits[decision.rule];
}

export function reviewDecision(version: VersionModule<any, any>, input: unknown, decision: Decision, asOf: string | null, detail: boolean): Review | undefined {
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
  const candidates = new Set<number>([from]);
  instances.forEach((i, n) => {
    const counted = from + countDays(i, onFrom[n]);
    candidates.add(counted);
    if (i.regime.days === undefined) return;
    const base = i.firstDay ?? from;
    for (let k = -1; k <= 1; k++) {
      const day = base + i.regime.days + k;
      if (day >= from) candidates.add(Math.max(day, counted));
    }
  });

  // A failing entry of a regime on day k after `from`: one object per regime and day, shared by
  // every list that gets one (evaluators only read entries).
  const made = new Map<Regime, Record<string, unknown>[]>();
  const entryOn = (regime: Regime, k: number): Record<string, unknown> => {
    let days = made.get(regime);
    if (days === undefined) {
      days = [];
      made.set(regime, days);
    }
    let e = days[k];
    if (e === undefined) {
      const day = dateOf(from + k);
      // A date-time on the day's last second comes after anything already known that day.
      e = withField(regime.next, regime.dating.field, regime.dating.type === "date" ? day : `${day}T23:59:59Z`);
      days[k] = e;
    }
    return e;
  };
  // Plans are made once; lists in the same state (e.g. every empty list of a regime) share one.
  const shared = new Map<string, Plan>();
  const plans = instances.map((i, n) => {
    const key = `${regimes.indexOf(i.regime)}|${i.counted}|${onFrom[n]}`;
    let p = shared.get(key);
    if (p === undefined) {
      p = plan(i, onFrom[n], (k) => entryOn(i.regime, k));
      shared.set(key, p);
    }
    return p;
  });

  let evaluations = 0;
  const record = new Hypothetical(input, instances, plans, entryOn);
  const decide = (day: number, skip?: ReadonlySet<Instance>): Decision => {
    evaluations++;
    return version.evaluate(record.at(day - from, skip), null);
  };
  const result = JSON.stringify(decision.result);
  const same = (d: Decision): boolean => d.status === decision.status && d.rule === decision.rule && JSON.stringify(d.result) === result;
  const days = [...candidates].sort((a, b) => a - b);
  const last = decide(days[days.length - 1]);
  if (same(last)) return { reviewOn: null, from: dateOf(from), why: `the decision stays the same up to ${dateOf(days[days.length - 1])} even if every remaining attempt fails`, evaluations };
  let lo = 0;
  let hi = days.length - 1;
  let then = last;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const d = decide(days[mid]);
    if (same(d)) lo = mid + 1;
    else {
      hi = mid;
      then = d;
    }
  }
  const day = days[hi];
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

/** Entries still to come on day k after `from`: the pace, less what day 0 already holds, up to what remains. */
function perDay(i: Instance, k: number, onFrom: number, remaining: number): number {
  return Math.min(k === 0 ? Math.max(0, pace(i.regime) - onFrom) : pace(i.regime), remaining);
}

/** Days after `from` until the regime's count is reached at its pace (0 when it already is). */
function countDays(i: Instance, onFrom: number): number {
  let remaining = Math.max(0, (i.regime.count ?? 0) - i.counted);
  let k = 0;
  for (; ; k++) {
    remaining -= perDay(i, k, onFrom, remaining);
    if (remaining <= 0) return k;
  }
}

function plan(i: Instance, onFrom: number, entryOn: (k: number) => Record<string, unknown>): Plan {
  const entries: Record<string, unknown>[] = [];
  const dayIndex: number[] = [];
  let remaining = Math.max(0, (i.regime.count ?? 0) - i.counted);
  for (let k = 0; remaining > 0; k++) {
    const n = perDay(i, k, onFrom, remaining);
    remaining -= n;
    if (n === 0) continue;
    const entry = entryOn(k);
    for (let j = 0; j < n; j++) {
      entries.push(entry);
      dayIndex.push(k);
    }
  }
  return { entries, dayIndex };
}

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
  /** The copy of the record, with the holder of each list (a copied object or array) and its original list. */
  private readonly root: unknown;
  private readonly slots: Map<string, { readonly holder: Record<string | number, unknown>; readonly step: string | number; readonly original: readonly unknown[] }> | undefined;
  constructor(
    private readonly input: unknown,
    private readonly instances: readonly Instance[],
    private readonly plans: readonly Plan[],
    private readonly entryOn: (regime: Regime, k: number) => Record<string, unknown>,
  ) {
    const keys = [...new Set(instances.map((i) => i.key))];
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
    this.slots = new Map();
    for (const key of keys) {
      const i = instances.find((x) => x.key === key)!;
      let value = input;
      let holder = this.root as Record<string | number, unknown>;
      for (let n = 0; n < i.path.length - 1; n++) {
        value = (value as Record<string | number, unknown>)[i.path[n]];
        const c = copyOf(value);
        put(holder, i.path[n], c);
        holder = c;
      }
      this.slots.set(key, { holder, step: i.path[i.path.length - 1], original: i.list });
    }
  }

  /** The record on day `k` after `from`, leaving out the failing entries of the lists in `skip`. */
  at(k: number, skip?: ReadonlySet<Instance>): unknown {
    const chosen = new Map<string, { readonly n: number; readonly made: number; readonly extra: boolean }>();
    for (let n = 0; n < this.instances.length; n++) {
      const i = this.instances[n];
      if (skip?.has(i) === true) continue;
      // The planned entries made by day k: dayIndex ascends, so the first index past k, by bisection.
      const days = this.plans[n].dayIndex;
      let made = 0;
      for (let hi = days.length; made < hi; ) {
        const mid = (made + hi) >> 1;
        if (days[mid] <= k) made = mid + 1;
        else hi = mid;
      }
      const extra = made === 0 || days[made - 1] !== k;
      const prior = chosen.get(i.key);
      if (prior === undefined || prior.made + (prior.extra ? 1 : 0) < made + (extra ? 1 : 0)) chosen.set(i.key, { n, made, extra });
    }
    if (this.slots === undefined) {
      let root = this.input;
      for (const [key, c] of chosen) root = appended(root, this.instances.find((x) => x.key === key)!.path, 0, this.entries(c.n, c.made, c.extra, k));
      return root;
    }
    for (const [key, slot] of this.slots) {
      const c = chosen.get(key);
      if (c === undefined) {
        put(slot.holder, slot.step, slot.original);
        continue;
      }
      const entries = this.plans[c.n].entries;
      const list = slot.original.concat(c.made === entries.length ? entries : entries.slice(0, c.made));
      if (c.extra) list.push(this.entryOn(this.instances[c.n].regime, k));
      put(slot.holder, slot.step, list);
    }
    return this.root;
  }

  /** The planned entries made by day `k` of instance `n`, and one on day `k` when `extra`. */
  private entries(n: number, made: number, extra: boolean, k: number): Record<string, unknown>[] {
    const entries = this.plans[n].entries.slice(0, made);
    if (extra) entries.push(this.entryOn(this.instances[n].regime, k));
    return entries;
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
  const seen = new Set<string>();
  for (const regime of regimes) {
    const { where, counted } = matchersOf(regime);
    const field = regime.dating.field;
    const walk = (value: unknown, type: FieldType, step: number, path: (string | number)[], owner: Record<string, unknown>, ownerType: string): void => {
      while (type.kind === "optional") type = type.inner;
      if (value === null || value === undefined) return;
      if (step === regime.list.length) {
        if (!Array.isArray(value)) return;
        const key = JSON.stringify(path);
        if (seen.has(`${key}|${regime.count}|${regime.days}`)) return;
        seen.add(`${key}|${regime.count}|${regime.days}`);
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
        out.push({ regime, path: [...path], key, owner, ownerType, list: value, counted: countedDays.length, countedDays, ...(firstDay === undefined ? {} : { firstDay }), ...(latest === undefined ? {} : { latest }) });
        return;
      }
      const name = regime.list[step];
      if (name === "*") {
        if (type.kind !== "list" || !Array.isArray(value)) return;
        const element = type.element;
        // Only the elements the rule looks at (e.g. the dormant meters), when the compiler could tell.
        const match = where.get(step);
        for (let i = 0; i < value.length; i++) {
          const v = value[i] as Record<string, unknown>;
          if (match === undefined || matchesAny(match, v)) walk(v, element, step + 1, [...path, i], owner, ownerType);
        }
        return;
      }
      if (type.kind !== "record") return;
      const obj = value as Record<string, unknown>;
      const declared = schema.records[type.name].find(([f]) => f === name);
      if (declared !== undefined) walk(obj[name], declared[1], step + 1, [...path, name], obj, type.name);
    };
    walk(input, { kind: "record", name: schema.root }, 0, [], input as Record<string, unknown>, schema.root);
  }
  return out;
}

// Calendar days as numbers (days since 1970-01-01), without Date objects: the search works in days.

const DAY_MS = 86_400_000;

function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + s.charCodeAt(i) - 48;
  return n;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function fromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The day number of a `YYYY-MM-DD` date. */
function dayNumber(date: string): number {
  return fromCivil(digits(date, 0, 4), digits(date, 5, 7), digits(date, 8, 10));
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
