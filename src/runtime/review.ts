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
  /** The enumerated facts of the record holding the list (e.g. its device type), to name it. */
  readonly ownerFacts: readonly string[];
  readonly counted: number;
  /** Day numbers of the counted entries, and of every entry. */
  readonly countedDays: readonly number[];
  readonly latest?: number;
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
  const instances = expand(version.validator.schema, input, regimes);
  let latest: number | undefined;
  for (const i of instances) if (i.latest !== undefined && (latest === undefined || i.latest > latest)) latest = i.latest;
  const from = asOf !== null ? dayNumber(asOf) + 1 : latest;
  if (from === undefined) {
    return { reviewOn: null, from: null, why: "no attempt has been made yet, so nothing says from when the remaining ones count (evaluate it --as-of a date)", evaluations: 0 };
  }

  // Where a regime can end: its count reached at its pace, its days covered (give or take a day,
  // however the rules count days), whichever is later.
  const onFrom = (i: Instance): number => i.countedDays.filter((d) => d === from).length;
  const candidates = new Set<number>([from]);
  for (const i of instances) {
    const counted = from + countDays(i, onFrom(i));
    candidates.add(counted);
    if (i.regime.days === undefined) continue;
    const base = i.countedDays.length > 0 ? Math.min(...i.countedDays) : from;
    for (const k of [-1, 0, 1]) {
      const day = base + i.regime.days + k;
      if (day >= from) candidates.add(Math.max(day, counted));
    }
  }

  // Plans are made once; lists in the same state (e.g. every empty list of a regime) share one.
  const stamps = new Map<number, string>();
  const stamp = (type: "date" | "datetime", k: number): string => {
    let day = stamps.get(from + k);
    if (day === undefined) {
      day = dateOf(from + k);
      stamps.set(from + k, day);
    }
    // A date-time on the day's last second comes after anything already known that day.
    return type === "date" ? day : `${day}T23:59:59Z`;
  };
  const shared = new Map<string, Plan>();
  const plans = instances.map((i) => {
    const key = `${regimes.indexOf(i.regime)}|${i.counted}|${onFrom(i)}`;
    let p = shared.get(key);
    if (p === undefined) {
      p = plan(i, onFrom(i), (k) => stamp(i.regime.dating.type, k));
      shared.set(key, p);
    }
    return p;
  });

  let evaluations = 0;
  const decide = (day: number, skip?: ReadonlySet<Instance>): Decision => {
    evaluations++;
    return version.evaluate(hypothetical(input, instances, plans, day - from, stamp, skip), null);
  };
  const days = [...candidates].sort((a, b) => a - b);
  const last = decide(days[days.length - 1]);
  if (same(last, decision)) return { reviewOn: null, from: dateOf(from), why: `the decision stays the same up to ${dateOf(days[days.length - 1])} even if every remaining attempt fails`, evaluations };
  let lo = 0;
  let hi = days.length - 1;
  let then = last;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const d = decide(days[mid]);
    if (same(d, decision)) lo = mid + 1;
    else {
      hi = mid;
      then = d;
    }
  }
  const day = days[hi];
  const waiting = detail ? binding(instances, (skip) => same(decide(day, skip), decision)) : undefined;
  return {
    reviewOn: dateOf(day),
    from: dateOf(from),
    then: { status: then.status, rule: then.rule, clause: then.clause, result: then.result },
    ...(waiting === undefined ? {} : { waitingOn: waiting.lists.map(describe), ...(waiting.anyOf && waiting.lists.length > 1 ? { anyOf: true } : {}) }),
    evaluations,
  };
}

function same(a: Decision, b: Decision): boolean {
  return a.status === b.status && a.rule === b.rule && JSON.stringify(a.result) === JSON.stringify(b.result);
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

function describe(i: Instance): Waiting {
  const list = `$${i.path.map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`)).join("")}`;
  const field = String(i.path[i.path.length - 1]);
  const count = i.regime.count;
  return {
    list,
    owner: list.slice(0, list.length - field.length - 1) || "$",
    ownerFacts: i.ownerFacts,
    field,
    regime: i.regime.name,
    counted: i.counted,
    ...(count === undefined ? {} : { count, left: Math.max(0, count - i.counted) }),
    ...(i.regime.days === undefined ? {} : { days: i.regime.days }),
    ...(i.countedDays.length === 0 ? {} : { firstOn: dateOf(Math.min(...i.countedDays)) }),
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

function plan(i: Instance, onFrom: number, stamp: (k: number) => string): Plan {
  const entries: Record<string, unknown>[] = [];
  const dayIndex: number[] = [];
  let remaining = Math.max(0, (i.regime.count ?? 0) - i.counted);
  for (let k = 0; remaining > 0; k++) {
    const n = perDay(i, k, onFrom, remaining);
    remaining -= n;
    if (n === 0) continue;
    // One object per day, repeated: evaluators only read entries.
    const entry = withField(i.regime.next, i.regime.dating.field, stamp(k));
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
 * is how it comes to cover its days). Only the objects on the way to each list are copied.
 */
function hypothetical(input: unknown, instances: readonly Instance[], plans: readonly Plan[], k: number, stamp: (type: "date" | "datetime", k: number) => string, skip?: ReadonlySet<Instance>): unknown {
  // A list named by several regimes gets the most entries any of them needs.
  const added = new Map<string, { path: readonly (string | number)[]; entries: Record<string, unknown>[] }>();
  instances.forEach((i, n) => {
    if (skip?.has(i) === true) return;
    const p = plans[n];
    let made = 0;
    while (made < p.dayIndex.length && p.dayIndex[made] <= k) made++;
    const entries = p.entries.slice(0, made);
    if (made === 0 || p.dayIndex[made - 1] !== k) entries.push(withField(i.regime.next, i.regime.dating.field, stamp(i.regime.dating.type, k)));
    const prior = added.get(i.key);
    if (prior === undefined || prior.entries.length < entries.length) added.set(i.key, { path: i.path, entries });
  });
  let root = input;
  for (const { path, entries } of added.values()) root = appended(root, path, 0, entries);
  return root;
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
  const out: Record<string, unknown> = {};
  const keys = Object.keys(base);
  for (let i = 0; i < keys.length; i++) set(out, keys[i], base[keys[i]]);
  set(out, field, value);
  return out;
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
        for (const e of value as Record<string, unknown>[]) {
          const at = e[regime.dating.field];
          if (typeof at !== "string") continue;
          const day = dayNumberOf(at);
          if (latest === undefined || day > latest) latest = day;
          if (isCounted(regime, e)) countedDays.push(day);
        }
        const ownerFacts = schema.records[ownerType].filter(([, t]) => t.kind === "enum").map(([f]) => owner[f]).filter((v): v is string => typeof v === "string");
        out.push({ regime, path: [...path], key, ownerFacts, counted: countedDays.length, countedDays, ...(latest === undefined ? {} : { latest }) });
        return;
      }
      const name = regime.list[step];
      if (name === "*") {
        if (type.kind !== "list" || !Array.isArray(value)) return;
        const element = type.element;
        // Only the elements the rule looks at (e.g. the dormant meters), when the compiler could tell.
        const match = regime.where?.find((w) => w.step === step)?.match;
        value.forEach((v, i) => {
          if (match === undefined || match.some((alt) => Object.entries(alt).every(([k, x]) => (v as Record<string, unknown>)[k] === x))) walk(v, element, step + 1, [...path, i], owner, ownerType);
        });
        return;
      }
      if (type.kind !== "record") return;
      const obj = value as Record<string, unknown>;
      const field = schema.records[type.name].find(([f]) => f === name);
      if (field !== undefined) walk(obj[name], field[1], step + 1, [...path, name], obj, type.name);
    };
    walk(input, { kind: "record", name: schema.root }, 0, [], input as Record<string, unknown>, schema.root);
  }
  return out;
}

function isCounted(regime: Regime, entry: Record<string, unknown>): boolean {
  if (regime.counted === undefined) return true;
  return regime.counted.some((alt) => Object.entries(alt).every(([k, v]) => entry[k] === v));
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
