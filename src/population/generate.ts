/**
 * `tmad generate`: a deterministic, streaming generator of synthetic SMETS1 Installations in the
 * corpus's input format (the Installation record of rules/tmad-19.0/index.md), for population runs
 * (`tmad eval`, `tmad diff --population`) and load tests.
 *
 * - Deterministic: every random choice comes from a stream keyed by (seed, record index, purpose)
 *   (./random.ts), so the same options give byte-identical output and record i never depends on how
 *   many records come after it: `--count 10` is a prefix of `--count 100`.
 * - Flat memory: records are built and serialised one at a time. The only state carried from one
 *   record to the next is the duplicate-MPxN group being emitted (its members are consecutive).
 * - Realistic: the mix of cohorts, dormant meters, retry histories, duplicates, data issues and
 *   suppliers is set by `Proportions`; the defaults and their reasons are in docs/population.md.
 * - With `invalidRate > 0`, that fraction of lines is broken in exactly one way, cycling through
 *   every input error the validator reports (and a line that is not JSON at all).
 */
import { Rng, seedWords, uniformOf, hashWords, weighted, type Weighted } from "./random.js";

// ---------------------------------------------------------------------------------------------
// The input schema, as the generator builds it (rules/tmad-19.0/index.md, "Data model").

export type Cohort = "FOC" | "IOC" | "MOC_SECURE" | "MOC_MDS";
export type SupplierStatus = "LIVE" | "CEASED_TRADING" | "NOT_LIVE_USER" | "UNIDENTIFIABLE";
export type DataIssueKind = "DUPLICATE_DEVICE_ID" | "NO_PREPAYMENT_KEY" | "SUPPLIER_UNIDENTIFIABLE";
type DeviceType = "ESME" | "GSME" | "CH" | "PPMID" | "IHD";
type AttemptOutcome = "SUCCEEDED" | "FAILED" | "TIMED_OUT";

interface Attempt {
  at: string;
  outcome: AttemptOutcome;
}

interface Device {
  id: string;
  type: DeviceType;
  dormant: boolean;
  firmwareUpgradePossible: boolean;
  firmwareAttempts: Attempt[];
  configurationAttempts: Attempt[];
  confirmationAttempts: Attempt[];
}

interface SharedMeterPoint {
  generation: "SMETS1_OTHER_SMSO" | "SMETS2_PLUS";
  installedOn: string;
  communicating: boolean;
}

export interface Installation {
  id: string;
  cohort: Cohort;
  groupId: string;
  mpan?: string;
  mprn?: string;
  installedOn: string;
  communicating: boolean;
  responsibleSupplier: { name: string; status: SupplierStatus };
  devices: Device[];
  dataIssues: { kind: DataIssueKind; resolved: boolean }[];
  sharedMeterPoints: SharedMeterPoint[];
}

// ---------------------------------------------------------------------------------------------
// Proportions.

/** How a Dormant Meter's 4.26 preparation stands (one scenario per installation with dormant meters). */
export type Preparation = "prepared" | "retrying" | "compressed" | "unableToAttempt" | "gsmeFailed" | "esmeFailed";
/** Which step a persistent failure exhausted: 108 firmware, 69 configuration or 30 confirmation attempts. */
export type FailureStep = "firmware" | "configuration" | "confirmation";
/** How the installations sharing an MPxN relate (seed 3.3.2, 3.6). */
export type DuplicateScenario = "resolvable" | "notLastInstalled" | "bothCommunicating" | "sameDay" | "replacedBySmets2";
export type Fuel = "dual" | "electricityOnly" | "gasOnly";

/**
 * The population mix. Records of weights need not sum to 1 (they are normalised); plain numbers
 * are probabilities. `GenerateOptions.mix` replaces whole top-level fields: give a whole `cohort`
 * record, not one member of it.
 */
export interface Proportions {
  /** SMSO cohort. */
  readonly cohort: Readonly<Record<Cohort, number>>;
  /** Share of IOC installations outside GroupIDs AA/BA/CA, and of MOC (MDS) outside CB. */
  readonly outsideExclusionGroups: number;
  readonly fuel: Readonly<Record<Fuel, number>>;
  /** Installations with a prepayment interface (PPMID). */
  readonly prepayment: number;
  /** Installations with an in-home display. */
  readonly inHomeDisplay: number;
  /** Installations with at least one Dormant Meter. */
  readonly dormant: number;
  /** Of dual-fuel installations with a Dormant Meter, those where the other meter is still Active. */
  readonly mixedDormancy: number;
  /** Installations whose communications hub is communicating (outside duplicate groups). */
  readonly communicating: number;
  /** Preparation of the Dormant Meters, in every cohort. */
  readonly preparation: Readonly<Record<Preparation, number>>;
  /** The step that persistently failed, for `gsmeFailed` and `esmeFailed`. */
  readonly failureStep: Readonly<Record<FailureStep, number>>;
  /** Responsible Supplier status where every meter is Active. */
  readonly supplierStatusActive: Readonly<Record<SupplierStatus, number>>;
  /** Responsible Supplier status where a meter is Dormant. */
  readonly supplierStatusDormant: Readonly<Record<SupplierStatus, number>>;
  /** Installations with a logged data issue, all meters Active. */
  readonly dataIssueActive: number;
  /** Installations with a logged data issue, some meter Dormant. */
  readonly dataIssueDormant: number;
  readonly dataIssueKind: Readonly<Record<DataIssueKind, number>>;
  /** Share of logged data issues already resolved. */
  readonly dataIssueResolved: number;
  /** Probability that a record (not already in a group) starts a group sharing an MPAN/MPRN. */
  readonly duplicateGroup: number;
  readonly duplicateScenario: Readonly<Record<DuplicateScenario, number>>;
  /**
   * Share of records (outside duplicate groups) drawn for coverage rather than realism: every
   * categorical choice uniform, most meters dormant, data issues common, so that every combination
   * of cohort, preparation, failed step, supplier status and data issue appears in a modest
   * population (docs/population.md, "Coverage").
   */
  readonly coverage: number;
}

export const DEFAULT_PROPORTIONS: Proportions = {
  cohort: { FOC: 0.35, IOC: 0.25, MOC_SECURE: 0.25, MOC_MDS: 0.15 },
  outsideExclusionGroups: 0.08,
  fuel: { dual: 0.7, electricityOnly: 0.27, gasOnly: 0.03 },
  prepayment: 0.15,
  inHomeDisplay: 0.85,
  dormant: 0.2,
  mixedDormancy: 0.15,
  communicating: 0.97,
  preparation: { prepared: 0.55, retrying: 0.12, compressed: 0.03, unableToAttempt: 0.1, gsmeFailed: 0.1, esmeFailed: 0.1 },
  failureStep: { firmware: 0.6, configuration: 0.25, confirmation: 0.15 },
  supplierStatusActive: { LIVE: 0.985, CEASED_TRADING: 0.008, NOT_LIVE_USER: 0.005, UNIDENTIFIABLE: 0.002 },
  supplierStatusDormant: { LIVE: 0.8, CEASED_TRADING: 0.1, NOT_LIVE_USER: 0.06, UNIDENTIFIABLE: 0.04 },
  dataIssueActive: 0.02,
  dataIssueDormant: 0.1,
  dataIssueKind: { DUPLICATE_DEVICE_ID: 0.4, NO_PREPAYMENT_KEY: 0.35, SUPPLIER_UNIDENTIFIABLE: 0.25 },
  dataIssueResolved: 0.5,
  duplicateGroup: 0.02,
  duplicateScenario: { resolvable: 0.45, notLastInstalled: 0.15, bothCommunicating: 0.1, sameDay: 0.05, replacedBySmets2: 0.25 },
  coverage: 0.06,
};

/** How a coverage record departs from the mix: see `Proportions.coverage`. */
const COVERAGE_MIX: Partial<Proportions> = { outsideExclusionGroups: 0.3, dormant: 0.85, mixedDormancy: 0.3, communicating: 0.85, dataIssueActive: 0.4, dataIssueDormant: 0.4, dataIssueResolved: 0.3 };
/** Share of coverage records whose meter point is also carried by SMETS2+ devices (outside duplicate groups). */
const COVERAGE_SMETS2 = 0.2;

// ---------------------------------------------------------------------------------------------
// Options and broken records.

export interface GenerateOptions {
  readonly count: number;
  readonly seed: number;
  /** The date the population describes: every date and attempt falls before it. Default "2022-06-11". */
  readonly asOf?: string;
  /** Fraction of lines deliberately broken, in [0, 1]. Default 0. */
  readonly invalidRate?: number;
  readonly mix?: Partial<Proportions>;
}

/** The ways a line is broken, in the order they cycle: each yields exactly this error code. */
export const INVALID_KINDS = [
  "invalid-json",
  "not-an-object",
  "missing-field",
  "unknown-field",
  "forbidden-key",
  "wrong-type",
  "unknown-enum-member",
  "bad-identifier",
  "bad-check-digit",
  "bad-date",
] as const;
export type InvalidKind = (typeof INVALID_KINDS)[number];

/** Largest count: ids are `GEN-` and nine digits, and identifiers are unique below it. */
export const MAX_COUNT = 999_999_999;

/**
 * The way record `index` is broken, or undefined when it is valid. Exactly ⌊count × rate⌋ of the
 * first `count` records are broken, spread evenly, and the n-th broken one gets kind n mod 10.
 */
export function invalidKindAt(index: number, invalidRate: number): InvalidKind | undefined {
  if (invalidRate <= 0) return undefined;
  const before = Math.floor(index * invalidRate);
  if (Math.floor((index + 1) * invalidRate) === before) return undefined;
  return INVALID_KINDS[before % INVALID_KINDS.length];
}

export function installationId(index: number): string {
  return `GEN-${String(index + 1).padStart(9, "0")}`;
}

// ---------------------------------------------------------------------------------------------
// Identifiers: derived from the record index, so unique without remembering earlier records.

const MPAN_WEIGHTS = [3, 5, 7, 13, 17, 19, 23, 29, 31, 37, 41, 43];

/** The check digit of an MPAN core's first 12 digits (primer, "Meter points"). */
export function mpanCheckDigit(first12: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += (first12.charCodeAt(i) - 48) * MPAN_WEIGHTS[i];
  return (sum % 11) % 10;
}

// Salts name the purpose of each keyed stream or one-off draw.
const SALT = { record: 1, group: 2, groupStart: 3, mpan: 4, mprn: 5, oui: 6, deviceMask: 7, coverage: 8 } as const;

/** (i × a + b) mod 10^digits: a bijection on indices when a is coprime to 10 (i × a stays below 2^53). */
function scramble(index: number, a: number, b: number, modulus: number): number {
  return (index * a + b) % modulus;
}

const HEX = Array.from({ length: 256 }, (_, n) => n.toString(16).toUpperCase().padStart(2, "0"));
// Manufacturer prefixes (OUIs) seen on SMETS1 devices are not public; these only vary the look.
const OUIS = ["90-B3-D5", "00-0D-6F", "70-B3-D5", "00-1B-C5", "D0-52-A8"];
const SLOT: Record<DeviceType, number> = { ESME: 1, GSME: 2, CH: 3, PPMID: 4, IHD: 5 };

interface Ids {
  readonly s: readonly [number, number];
  readonly mpanOffset: number;
  readonly mprnOffset: number;
  readonly maskHi: number;
  readonly maskLo: number;
}

function idsFor(seed: number): Ids {
  const s = seedWords(seed);
  return {
    s,
    mpanOffset: (hashWords(s[0], s[1], SALT.mpan) % 100_000) * 100_000 + (hashWords(s[1], s[0], SALT.mpan) % 100_000),
    mprnOffset: hashWords(s[0], s[1], SALT.mprn) % 1_000_000_000,
    maskHi: hashWords(s[0], s[1], SALT.deviceMask) & 0xff,
    maskLo: hashWords(s[1], s[0], SALT.deviceMask),
  };
}

/** MPAN core: distributor id (10–23), ten digits unique per index, check digit. */
function mpanFor(ids: Ids, index: number): string {
  const distributor = 10 + (hashWords(ids.s[0], ids.s[1], index, SALT.mpan) % 14);
  const first12 = `${distributor}${String(scramble(index, 7_368_787, ids.mpanOffset, 10_000_000_000)).padStart(10, "0")}`;
  return `${first12}${mpanCheckDigit(first12)}`;
}

/** MPRN: ten digits, no leading zero, the last nine unique per index. */
function mprnFor(ids: Ids, index: number): string {
  const lead = 1 + (hashWords(ids.s[0], ids.s[1], index, SALT.mprn) % 9);
  return `${lead}${String(scramble(index, 3_141_593, ids.mprnOffset, 1_000_000_000)).padStart(9, "0")}`;
}

/** EUI-64: a prefix, then 40 bits of (index × 8 + slot) XOR a per-seed mask: unique per (index, slot). */
function deviceIdFor(ids: Ids, index: number, type: DeviceType): string {
  const v = index * 8 + SLOT[type];
  const hi = (Math.floor(v / 4294967296) ^ ids.maskHi) & 0xff;
  const lo = ((v >>> 0) ^ ids.maskLo) >>> 0;
  const oui = OUIS[hashWords(ids.s[0], ids.s[1], index, SALT.oui) % OUIS.length];
  return `${oui}-${HEX[hi]}-${HEX[lo >>> 24]}-${HEX[(lo >>> 16) & 0xff]}-${HEX[(lo >>> 8) & 0xff]}-${HEX[lo & 0xff]}`;
}

// ---------------------------------------------------------------------------------------------
// Suppliers: fictional names; status belongs to the supplier, so per-supplier reports are coherent.

const LIVE_SUPPLIERS = [
  "Northfield Energy Ltd", "Albion Power & Gas", "Caledon Energy", "Severn Supply Co", "Pennine Power",
  "Wessex Energy", "Thames Gas & Electric", "Humber Energy", "Mercia Power", "Cambrian Energy",
  "Anglia Utilities", "Solent Energy", "Lakeland Power", "Cotswold Energy", "Tyne Valley Power",
  "Kestrel Energy", "Heron Gas & Power", "Bramble Energy", "Fenland Energy", "Moorland Power",
  "Orchard Energy", "Quayside Energy", "Riverside Power", "Saltire Energy", "Tamar Energy",
  "Vale Energy", "Wold Energy", "Chiltern Supply",
];
const CEASED_SUPPLIERS = ["Beacon Energy", "Greystone Power", "Lantern Gas & Electric", "Meadowlark Energy", "Puffin Power", "Sparrow Energy", "Zephyr Utilities"];
const NOT_LIVE_SUPPLIERS = ["Acorn Energy Services", "Clearwater Power", "Driftwood Energy", "Ember Supply", "Foxglove Energy"];
/** What the migration data holds when no supplier can be identified. */
const UNIDENTIFIED_SUPPLIER = "(unidentified)";

/** Zipf weights (exponent 1.07): a few large suppliers and a long tail of small ones. */
function zipf(names: readonly string[]): Weighted<string> {
  const w: Record<string, number> = {};
  names.forEach((n, r) => (w[n] = 1 / Math.pow(r + 1, 1.07)));
  return weighted(w, "suppliers");
}

const SUPPLIERS: Record<Exclude<SupplierStatus, "UNIDENTIFIABLE">, Weighted<string>> = {
  LIVE: zipf(LIVE_SUPPLIERS),
  CEASED_TRADING: zipf(CEASED_SUPPLIERS),
  NOT_LIVE_USER: zipf(NOT_LIVE_SUPPLIERS),
};

function supplierName(rng: Rng, status: SupplierStatus): string {
  return status === "UNIDENTIFIABLE" ? UNIDENTIFIED_SUPPLIER : rng.draw(SUPPLIERS[status]);
}

// ---------------------------------------------------------------------------------------------
// Dates and retry schedules.

const HOUR = 3_600_000;
const DAY = 86_400_000;
const YEAR = 365.25 * DAY;

/** The day isoDateTime wrote last, and its text up to the `T`: a record's attempts fall on a few days. */
let lastDay = Number.NaN;
let lastDayText = "";

const twoDigits = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/**
 * `YYYY-MM-DDTHH:MM:SSZ`, as `toISOString` gives it without the milliseconds. The generator writes
 * tens of timestamps a record, and a Date and its full ISO text each time were a quarter of its time:
 * for a whole number of milliseconds in years 1970–9999 (every time it makes) the day's text is
 * kept from the call before when the day is the same, and the time of day is written out.
 */
export function isoDateTime(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms >= 253_402_300_800_000) return `${new Date(ms).toISOString().slice(0, 19)}Z`;
  const day = Math.floor(ms / DAY);
  if (day !== lastDay) {
    lastDay = day;
    lastDayText = new Date(day * DAY).toISOString().slice(0, 11);
  }
  const t = ms - day * DAY;
  return `${lastDayText}${twoDigits(Math.floor(t / HOUR))}:${twoDigits(Math.floor(t / 60_000) % 60)}:${twoDigits(Math.floor(t / 1000) % 60)}Z`;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The retry regime of seed 3.2.1 as DCC runs it: each cycle makes its attempts at a fixed interval
 * over its days, and the three cycles follow each other back to back or after a pause of whole
 * days (rules/tmad-19.0/04-26-preparation.md, clause 4.26).
 */
const REGIME = {
  // 36 attempts four hours apart: six a day for 6 days.
  firmware: { required: 108, perCycle: 36, cycleDays: 6, every: 4 * HOUR },
  // 23 attempts three hours apart, over 3 days.
  configuration: { required: 69, perCycle: 23, cycleDays: 3, every: 3 * HOUR },
  // One request a day for 10 days.
  confirmation: { required: 30, perCycle: 10, cycleDays: 10, every: DAY },
} as const;
type Step = keyof typeof REGIME;

/** Attempt k's offset from the first attempt, with `pause` whole days between cycles. */
function slot(step: Step, k: number, pause: number): number {
  const r = REGIME[step];
  return Math.floor(k / r.perCycle) * (r.cycleDays + pause) * DAY + (k % r.perCycle) * r.every;
}

/** Half the regimes run back to back, the others with one or two days between cycles. */
function pauseDays(rng: Rng): number {
  return rng.chance(0.5) ? 0 : rng.int(1, 2);
}

function schedule(start: number, step: Step, failures: number, last?: AttemptOutcome, pause = 0): Attempt[] {
  const out: Attempt[] = [];
  for (let k = 0; k < failures; k++) out.push({ at: isoDateTime(start + slot(step, k, pause)), outcome: "FAILED" });
  if (last !== undefined) out.push({ at: isoDateTime(start + slot(step, failures, pause)), outcome: last });
  return out;
}

/** The time of the last attempt of a schedule of n attempts starting at `start`. */
function scheduleEnd(start: number, step: Step, n: number, pause = 0): number {
  return start + slot(step, Math.max(0, n - 1), pause);
}

// ---------------------------------------------------------------------------------------------
// Preparing the generator.

interface Context {
  readonly count: number;
  readonly ids: Ids;
  readonly asOfMs: number;
  readonly invalidRate: number;
  readonly p: Proportions;
  readonly cohort: Weighted<Cohort>;
  readonly fuel: Weighted<Fuel>;
  readonly preparation: Weighted<Preparation>;
  readonly failureStep: Weighted<FailureStep>;
  readonly statusActive: Weighted<SupplierStatus>;
  readonly statusDormant: Weighted<SupplierStatus>;
  readonly issueKind: Weighted<DataIssueKind>;
  readonly duplicateScenario: Weighted<DuplicateScenario>;
  /** The same, for coverage records: uniform weights (see `Proportions.coverage`). */
  readonly covered?: Context;
}

function probability(v: unknown, what: string): number {
  if (typeof v !== "number" || !(v >= 0 && v <= 1)) throw new RangeError(`${what} must be a number in [0, 1]`);
  return v;
}

/** The defaults with `mix` laid over them; a field given as undefined keeps its default. */
function proportionsFor(mix: Partial<Proportions> | undefined): Proportions {
  const p: Record<string, unknown> = { ...DEFAULT_PROPORTIONS };
  for (const [k, v] of Object.entries(mix ?? {})) {
    if (!(k in DEFAULT_PROPORTIONS)) throw new RangeError(`mix.${k} is not a proportion`);
    if (v !== undefined) p[k] = v;
  }
  return p as unknown as Proportions;
}

type WeightField = { [K in keyof Proportions]: Proportions[K] extends number ? never : K }[keyof Proportions];

/** A weights record of the mix, which must name exactly the members the default names (else records would be invalid). */
function weightsOf<K extends WeightField>(p: Proportions, field: K): Weighted<keyof Proportions[K] & string> {
  const given = Object.keys(p[field]).sort().join(",");
  const expected = Object.keys(DEFAULT_PROPORTIONS[field]).sort().join(",");
  if (given !== expected) throw new RangeError(`mix.${field} must give a weight for each of ${expected}`);
  return weighted(p[field] as Record<keyof Proportions[K] & string, number>, `mix.${field}`);
}

/** Checks the options and prepares the weights; throws RangeError on a bad option. */
function contextFor(options: GenerateOptions): Context {
  const { count, seed } = options;
  const asOf = options.asOf ?? "2022-06-11";
  const invalidRate = probability(options.invalidRate ?? 0, "invalidRate");
  if (!Number.isSafeInteger(count) || count < 0 || count > MAX_COUNT) throw new RangeError(`count must be an integer from 0 to ${MAX_COUNT}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError("seed must be a safe integer");
  const asOfMs = /^\d{4}-\d{2}-\d{2}$/.test(asOf) ? Date.parse(`${asOf}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(asOfMs) || isoDate(asOfMs) !== asOf) throw new RangeError(`asOf "${asOf}" is not a date (YYYY-MM-DD)`);
  // Installations go back 11 years before asOf; keep every date a four-digit year.
  if (asOf < "2012-01-01" || asOf > "9000-12-31") throw new RangeError("asOf must be between 2012-01-01 and 9000-12-31");
  const p = proportionsFor(options.mix);
  for (const k of ["outsideExclusionGroups", "prepayment", "inHomeDisplay", "dormant", "mixedDormancy", "communicating", "dataIssueActive", "dataIssueDormant", "dataIssueResolved", "duplicateGroup", "coverage"] as const) {
    probability(p[k], `mix.${k}`);
  }
  const context: Context = {
    count,
    ids: idsFor(seed),
    asOfMs,
    invalidRate,
    p,
    cohort: weightsOf(p, "cohort"),
    fuel: weightsOf(p, "fuel"),
    preparation: weightsOf(p, "preparation"),
    failureStep: weightsOf(p, "failureStep"),
    statusActive: weightsOf(p, "supplierStatusActive"),
    statusDormant: weightsOf(p, "supplierStatusDormant"),
    issueKind: weightsOf(p, "dataIssueKind"),
    duplicateScenario: weightsOf(p, "duplicateScenario"),
  };
  // Coverage records: every member the mix allows equally likely, and COVERAGE_MIX's rates for the
  // mix's probabilities, except that what the mix rules out (0) or makes certain (1) stays so.
  const even = <K extends WeightField>(field: K): Weighted<keyof Proportions[K] & string> =>
    weighted(Object.fromEntries(Object.entries(p[field] as Record<string, number>).map(([k, w]) => [k, w > 0 ? 1 : 0])) as Record<keyof Proportions[K] & string, number>, `coverage ${field}`);
  const coverageRates = Object.fromEntries(Object.entries(COVERAGE_MIX).map(([k, v]) => [k, p[k as keyof Proportions] === 0 || p[k as keyof Proportions] === 1 ? p[k as keyof Proportions] : v]));
  const covered: Context = {
    ...context,
    p: { ...p, ...coverageRates },
    cohort: even("cohort"),
    fuel: even("fuel"),
    preparation: even("preparation"),
    failureStep: even("failureStep"),
    statusActive: even("supplierStatusActive"),
    statusDormant: even("supplierStatusDormant"),
    issueKind: even("dataIssueKind"),
  };
  return { ...context, covered };
}

// ---------------------------------------------------------------------------------------------
// Duplicate MPxN groups: consecutive records sharing the MPAN (and MPRN) of the group's first index.

interface Group {
  readonly start: number;
  readonly size: number;
  readonly cohorts: readonly Cohort[];
  readonly installedOn: readonly string[];
  readonly communicating: readonly boolean[];
  readonly smets2: readonly SharedMeterPoint[];
  readonly fuel: Fuel;
  readonly supplier: { readonly name: string; readonly status: SupplierStatus };
}

const COHORTS: readonly Cohort[] = ["FOC", "IOC", "MOC_SECURE", "MOC_MDS"];

function groupAt(ctx: Context, start: number): Group {
  const rng = new Rng(ctx.ids.s[0], ctx.ids.s[1], start, SALT.group);
  const scenario = rng.draw(ctx.duplicateScenario);
  const size = scenario === "sameDay" ? 2 : scenario === "replacedBySmets2" ? rng.int(1, 2) : rng.chance(0.8) ? 2 : 3;
  // Each member sits in a different SMSO's data (seed 3.6): distinct cohorts.
  const cohorts = [...COHORTS];
  for (let k = cohorts.length - 1; k > 0; k--) {
    const j = rng.int(0, k);
    [cohorts[k], cohorts[j]] = [cohorts[j], cohorts[k]];
  }
  // Install days, oldest first, all distinct (a tie only where the scenario asks for one).
  const days: number[] = [];
  let day = ctx.asOfMs - 10.5 * YEAR + rng.int(0, 700) * DAY;
  for (let k = 0; k < size; k++) {
    days.push(Math.floor(day / DAY) * DAY);
    day += rng.int(60, 600) * DAY;
  }
  if (scenario === "sameDay") days[1] = days[0];
  const latest = size - 1;
  const communicating = days.map(() => false);
  let smets2: SharedMeterPoint[] = [];
  switch (scenario) {
    case "resolvable": // 4.1C: the last installed is the only one communicating
      communicating[latest] = true;
      break;
    case "notLastInstalled": // the reading DCC rejected: communicating, but an older installation
      communicating[rng.int(0, latest - 1)] = true;
      break;
    case "bothCommunicating":
      communicating[latest] = true;
      communicating[rng.int(0, latest - 1)] = true;
      break;
    case "sameDay":
      communicating[rng.int(0, 1)] = true;
      break;
    case "replacedBySmets2": {
      // A SMETS2+ meter installed later replaced the SMETS1 ones, which went silent.
      const from = days[latest] + 60 * DAY;
      const to = ctx.asOfMs - 30 * DAY;
      smets2 = [{ generation: "SMETS2_PLUS", installedOn: isoDate(from + Math.floor(rng.next() * Math.max(1, (to - from) / DAY)) * DAY), communicating: true }];
      break;
    }
  }
  // Emit the members in no particular order of installation.
  const order = days.map((_, k) => k);
  for (let k = order.length - 1; k > 0; k--) {
    const j = rng.int(0, k);
    [order[k], order[j]] = [order[j], order[k]];
  }
  const fuel: Fuel = rng.chance(0.7) ? "dual" : "electricityOnly";
  // One meter point, one Responsible Supplier registered for it.
  const dormantLikely = communicating.some((c) => !c);
  const status = rng.draw(dormantLikely ? ctx.statusDormant : ctx.statusActive);
  return {
    start,
    size,
    cohorts: order.map((k) => cohorts[k]),
    installedOn: order.map((k) => isoDate(days[k])),
    communicating: order.map((k) => communicating[k]),
    smets2,
    fuel,
    supplier: { name: supplierName(rng, status), status },
  };
}

/** What member j of a group says about the others carrying its meter point. */
function sharedFor(group: Group, j: number): SharedMeterPoint[] {
  const out: SharedMeterPoint[] = [];
  for (let k = 0; k < group.size; k++) {
    if (k !== j) out.push({ generation: "SMETS1_OTHER_SMSO", installedOn: group.installedOn[k], communicating: group.communicating[k] });
  }
  for (const s of group.smets2) out.push({ ...s });
  return out;
}

// ---------------------------------------------------------------------------------------------
// One installation.

const GROUP_IDS: Record<Cohort, { readonly inside: readonly string[]; readonly outside: readonly string[] }> = {
  IOC: { inside: ["AA", "BA", "CA"], outside: ["DA", "EA"] },
  MOC_MDS: { inside: ["CB"], outside: ["CC", "CD"] },
  FOC: { inside: ["FA", "FB", "FC", "FD"], outside: [] },
  MOC_SECURE: { inside: ["SA", "SB", "SC"], outside: [] },
};

function groupIdFor(ctx: Context, rng: Rng, cohort: Cohort): string {
  const g = GROUP_IDS[cohort];
  return g.outside.length > 0 && rng.chance(ctx.p.outsideExclusionGroups) ? rng.pick(g.outside) : rng.pick(g.inside);
}

function device(id: string, type: DeviceType, dormant = false): Device {
  return { id, type, dormant, firmwareUpgradePossible: true, firmwareAttempts: [], configurationAttempts: [], confirmationAttempts: [] };
}

/** A start time `days` before asOf at a whole hour. */
function before(ctx: Context, rng: Rng, minDays: number, maxDays: number): number {
  return ctx.asOfMs - rng.int(minDays, maxDays) * DAY + rng.int(0, 23) * HOUR;
}

/** Both 4.26 steps succeeded, most after a few failures; some firmware upgrades confirmed after a timeout. */
function prepare(m: Device, rng: Rng, start: number): void {
  const fwFailures = rng.smallCount(0.55, 3, 30);
  let end: number;
  if (rng.chance(0.1)) {
    m.firmwareAttempts = schedule(start, "firmware", fwFailures, "TIMED_OUT");
    const confirmedAt = Math.floor(scheduleEnd(start, "firmware", fwFailures + 1) / DAY) * DAY + DAY + 9 * HOUR;
    m.confirmationAttempts = [{ at: isoDateTime(confirmedAt), outcome: "SUCCEEDED" }];
    end = confirmedAt;
  } else {
    m.firmwareAttempts = schedule(start, "firmware", fwFailures, "SUCCEEDED");
    end = scheduleEnd(start, "firmware", fwFailures + 1);
  }
  const configStart = end + rng.int(1, 21) * DAY;
  m.configurationAttempts = schedule(configStart, "configuration", rng.smallCount(0.7, 2, 10), "SUCCEEDED");
}

/** Still being retried on asOf: the last attempt a few hours or days ago, the regime not yet exhausted. */
function retrying(ctx: Context, m: Device, rng: Rng): void {
  const lastAt = ctx.asOfMs - rng.int(1, 72) * HOUR;
  const mode = rng.int(0, 3);
  if (mode === 0) return; // nothing attempted yet
  const pause = pauseDays(rng);
  if (mode === 1) {
    const n = rng.int(1, REGIME.firmware.required - 1);
    m.firmwareAttempts = schedule(lastAt - slot("firmware", n - 1, pause), "firmware", n, undefined, pause);
  } else if (mode === 2) {
    const n = rng.int(1, REGIME.configuration.required - 1);
    const start = lastAt - slot("configuration", n - 1, pause);
    m.firmwareAttempts = schedule(start - rng.int(2, 30) * DAY, "firmware", rng.smallCount(0.6, 2, 10), "SUCCEEDED");
    m.configurationAttempts = schedule(start, "configuration", n, undefined, pause);
  } else {
    const n = rng.int(1, REGIME.confirmation.required - 1);
    const start = lastAt - slot("confirmation", n - 1, pause);
    m.firmwareAttempts = [{ at: isoDateTime(start - DAY), outcome: "TIMED_OUT" }];
    m.confirmationAttempts = schedule(start, "confirmation", n, undefined, pause);
  }
}

/** The full count of firmware failures squeezed into two or three days (seed 3.2.1's worry): not persistent. */
function compressed(ctx: Context, m: Device, rng: Rng): void {
  const n = rng.int(REGIME.firmware.required, REGIME.firmware.required + 20);
  const start = before(ctx, rng, 4, 60);
  m.firmwareAttempts = Array.from({ length: n }, (_, k) => ({ at: isoDateTime(start + k * 25 * 60_000), outcome: "FAILED" as const }));
}

/** The whole retry regime of one step ran out, as DCC runs it: its count, on its days, all failed. */
function persistentlyFailed(ctx: Context, m: Device, rng: Rng, start: number): void {
  const pause = pauseDays(rng);
  switch (rng.draw(ctx.failureStep)) {
    case "firmware":
      m.firmwareAttempts = schedule(start, "firmware", REGIME.firmware.required, undefined, pause);
      return;
    case "configuration": {
      const fw = rng.smallCount(0.6, 2, 10);
      m.firmwareAttempts = schedule(start, "firmware", fw, "SUCCEEDED");
      m.configurationAttempts = schedule(scheduleEnd(start, "firmware", fw + 1) + rng.int(1, 14) * DAY, "configuration", REGIME.configuration.required, undefined, pause);
      return;
    }
    case "confirmation":
      m.firmwareAttempts = [{ at: isoDateTime(start), outcome: "TIMED_OUT" }];
      m.confirmationAttempts = schedule(Math.floor(start / DAY) * DAY + DAY + 9 * HOUR, "confirmation", REGIME.confirmation.required, undefined, pause);
      return;
  }
}

/** For a coverage record: sometimes SMETS2+ devices on the same meter point, installed before or after it, communicating or not. */
function coverageSharing(ctx: Context, rng: Rng, installedOn: string): SharedMeterPoint[] {
  if (ctx.p.duplicateGroup === 0 || !rng.chance(COVERAGE_SMETS2)) return [];
  const own = Date.parse(`${installedOn}T00:00:00Z`);
  const day = rng.chance(0.8) ? own + rng.int(60, Math.max(61, Math.floor((ctx.asOfMs - own) / DAY) - 30)) * DAY : own - rng.int(30, 400) * DAY;
  return [{ generation: "SMETS2_PLUS", installedOn: isoDate(day), communicating: rng.chance(0.7) }];
}

function installation(outer: Context, index: number, group: Group | undefined): Installation {
  // A record outside duplicate groups is drawn for coverage with probability `coverage`, from its own
  // keyed stream, so the other records are the same whatever the coverage share.
  const cover = group === undefined && outer.covered !== undefined && uniformOf(outer.ids.s[0], outer.ids.s[1], index, SALT.coverage) < outer.p.coverage;
  const ctx = cover ? outer.covered! : outer;
  const { p, ids } = ctx;
  const rng = new Rng(ids.s[0], ids.s[1], index, SALT.record);
  const j = group === undefined ? -1 : index - group.start;

  const cohort = group === undefined ? rng.draw(ctx.cohort) : group.cohorts[j];
  const groupId = groupIdFor(ctx, rng, cohort);
  const fuel = group === undefined ? rng.draw(ctx.fuel) : group.fuel;
  let prepayment = rng.chance(p.prepayment);
  const ihd = rng.chance(p.inHomeDisplay);
  const communicating = group === undefined ? rng.chance(p.communicating) : group.communicating[j];
  // A silent member of a duplicate group has usually lost smart service.
  const dormant = rng.chance(group !== undefined && !communicating ? 0.6 : p.dormant);
  const installedOn = group === undefined ? isoDate(Math.floor((ctx.asOfMs - 10.5 * YEAR + rng.next() * 7 * YEAR) / DAY) * DAY) : group.installedOn[j];

  let status: SupplierStatus = group === undefined ? rng.draw(dormant ? ctx.statusDormant : ctx.statusActive) : group.supplier.status;
  let supplier = group === undefined ? supplierName(rng, status) : group.supplier.name;

  // Data issues: found mostly while preparing Dormant Meters. An unidentifiable supplier is always logged.
  const dataIssues: Installation["dataIssues"] = [];
  let duplicateCh = false;
  if (rng.chance(dormant ? p.dataIssueDormant : p.dataIssueActive)) {
    let kind = rng.draw(ctx.issueKind);
    if (kind === "DUPLICATE_DEVICE_ID" && index === 0) kind = "NO_PREPAYMENT_KEY"; // no earlier device to duplicate
    const resolved = rng.chance(p.dataIssueResolved);
    if (kind === "NO_PREPAYMENT_KEY") prepayment = true; // only a prepayment installation has a key to lack
    if (kind === "SUPPLIER_UNIDENTIFIABLE" && !resolved) status = "UNIDENTIFIABLE";
    if (status !== "UNIDENTIFIABLE" || kind === "SUPPLIER_UNIDENTIFIABLE") {
      dataIssues.push({ kind, resolved });
      // Only a logged issue may explain two devices with one id.
      if (kind === "DUPLICATE_DEVICE_ID" && !resolved) duplicateCh = true;
    }
  }
  if (status === "UNIDENTIFIABLE") {
    supplier = UNIDENTIFIED_SUPPLIER;
    if (!dataIssues.some((d) => d.kind === "SUPPLIER_UNIDENTIFIABLE" && !d.resolved)) dataIssues.push({ kind: "SUPPLIER_UNIDENTIFIABLE", resolved: false });
  }

  // Devices: meters, hub, then prepayment interface and display.
  const meters: Device[] = [];
  if (fuel !== "gasOnly") meters.push(device(deviceIdFor(ids, index, "ESME"), "ESME"));
  if (fuel !== "electricityOnly") meters.push(device(deviceIdFor(ids, index, "GSME"), "GSME"));
  if (dormant) {
    for (const m of meters) m.dormant = true;
    if (meters.length === 2 && rng.chance(p.mixedDormancy)) meters[rng.int(0, 1)].dormant = false;
    const dormantMeters = meters.filter((m) => m.dormant);
    // A firmware upgrade that cannot be attempted occurs in every cohort (only IOC has a category for it).
    const scenario = rng.draw(ctx.preparation);
    // Attempts for one installation are instructed together, some weeks to months before asOf.
    const campaign = before(ctx, rng, 60, 330);
    const target = (type: DeviceType): Device => dormantMeters.find((m) => m.type === type) ?? rng.pick(dormantMeters);
    const special = scenario === "prepared" ? undefined : scenario === "esmeFailed" ? target("ESME") : target("GSME");
    for (const m of dormantMeters) {
      const start = campaign + rng.int(0, 2) * DAY;
      if (m !== special) prepare(m, rng, start);
      else if (scenario === "retrying") retrying(ctx, m, rng);
      else if (scenario === "compressed") compressed(ctx, m, rng);
      else if (scenario === "unableToAttempt") m.firmwareUpgradePossible = false;
      else persistentlyFailed(ctx, m, rng, start);
    }
  }
  const devices = [...meters];
  // An unresolved duplicate: this hub carries the previous record's hub id (two devices, one GUID).
  devices.push(device(deviceIdFor(ids, duplicateCh ? index - 1 : index, "CH"), "CH"));
  if (prepayment) devices.push(device(deviceIdFor(ids, index, "PPMID"), "PPMID"));
  if (ihd) devices.push(device(deviceIdFor(ids, index, "IHD"), "IHD"));

  const meterPoint = group === undefined ? index : group.start;
  const record: Installation = {
    id: installationId(index),
    cohort,
    groupId,
    ...(fuel !== "gasOnly" ? { mpan: mpanFor(ids, meterPoint) } : {}),
    ...(fuel !== "electricityOnly" ? { mprn: mprnFor(ids, meterPoint) } : {}),
    installedOn,
    communicating,
    responsibleSupplier: { name: supplier, status },
    devices,
    dataIssues,
    sharedMeterPoints: group === undefined ? (cover ? coverageSharing(ctx, rng, installedOn) : []) : sharedFor(group, j),
  };
  return record;
}

// ---------------------------------------------------------------------------------------------
// Broken records: each changes one thing, so the validator reports exactly one error of the kind.

const COHORT_MISSPELT: Record<Cohort, string> = { FOC: "foc", IOC: "ioc", MOC_SECURE: "MOC (Secure)", MOC_MDS: "MOC (MDS)" };

function broken(ctx: Context, index: number, record: Installation, kind: InvalidKind): string {
  const r = record as unknown as Record<string, unknown>;
  switch (kind) {
    case "invalid-json": // a truncated line; the id is still there to read
      return JSON.stringify(record).slice(0, -1);
    case "not-an-object":
      return `[${JSON.stringify(record)}]`;
    case "missing-field":
      delete r.installedOn;
      break;
    case "unknown-field": // a column some exports add
      r.postcode = "AB1 2CD";
      break;
    case "forbidden-key": {
      // JSON.parse keeps "__proto__" as an own key, which the validator refuses.
      const text = JSON.stringify(record);
      return `{"id":${JSON.stringify(record.id)},"__proto__":{},${text.slice(text.indexOf(",") + 1)}`;
    }
    case "wrong-type":
      r.communicating = record.communicating ? "true" : "false";
      break;
    case "unknown-enum-member": // the cohort's label, or lower case, instead of its member name
      r.cohort = COHORT_MISSPELT[record.cohort];
      break;
    case "bad-identifier": // colons instead of hyphens
      record.devices[0].id = record.devices[0].id.replace(/-/g, ":");
      break;
    case "bad-check-digit": {
      const mpan = record.mpan ?? mpanFor(ctx.ids, index);
      r.mpan = `${mpan.slice(0, 12)}${(Number(mpan[12]) + 1) % 10}`;
      break;
    }
    case "bad-date": // day first, as some spreadsheets write it
      r.installedOn = `${record.installedOn.slice(8, 10)}/${record.installedOn.slice(5, 7)}/${record.installedOn.slice(0, 4)}`;
      break;
  }
  return JSON.stringify(r);
}

// ---------------------------------------------------------------------------------------------
// The generator.

/**
 * One NDJSON line (without its newline) per installation, `options.count` of them. Throws
 * RangeError on a bad option before yielding anything.
 */
export function* generateInstallations(options: GenerateOptions): Generator<string, void, undefined> {
  const ctx = contextFor(options);
  let group: Group | undefined;
  for (let index = 0; index < ctx.count; index++) {
    if (group !== undefined && index >= group.start + group.size) group = undefined;
    if (group === undefined && uniformOf(ctx.ids.s[0], ctx.ids.s[1], index, SALT.groupStart) < ctx.p.duplicateGroup) group = groupAt(ctx, index);
    const record = installation(ctx, index, group);
    const kind = invalidKindAt(index, ctx.invalidRate);
    yield kind === undefined ? JSON.stringify(record) : broken(ctx, index, record, kind);
  }
}
