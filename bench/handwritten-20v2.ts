/**
 * TMAD 20.v2 written by hand, as fast as honestly possible: the practical speed limit for the
 * generated evaluator (generated/tmad-20.v2/rules.ts). Same inputs (a validated Installation), same
 * output (the same rt.Decision: status, rule, clause, result, and the `fired` list).
 *
 * What makes it faster than a literal transcription of the clauses:
 *  - one pass over the devices computes every per-installation quantifier at once
 *    (dormant meters, solely dormant, ESME/GSME counts, every/some over dormant meters);
 *  - each device's timestamps are parsed at most once, by a small ISO-8601 parser (no Date.parse,
 *    no string concatenation); "some TIMED_OUT a with a later SUCCEEDED confirmation c" is
 *    min(a.at) < max(c.at), O(n + m) instead of O(n × m);
 *  - the confirmation analysis is shared by the firmware and configuration steps of a device;
 *  - the calendar days a regime covers are only computed when the attempt count already reaches it;
 *  - decisions of rules that never vary are preallocated constants.
 * It still evaluates every rule's condition, because the Decision lists every rule that fired and
 * a conflict must be detected exactly as the generated settle() does.
 */
import * as rt from "../src/runtime/index.js";
import { manifest } from "../generated/tmad-20.v2/manifest.js";
import type { Attempt, Decision, Device, DeviceId, Installation } from "../generated/tmad-20.v2/model.js";

// Parameters (rules/tmad-19.0/index.md:189-205).
const FIRMWARE_REQUIRED = 36 * 3;
const FIRMWARE_SPAN_DAYS = 6 * 3;
const CONFIGURATION_REQUIRED = 23 * 3;
const CONFIGURATION_SPAN_DAYS = 3 * 3;
const CONFIRMATION_REQUIRED = 10 * 3;
const CONFIRMATION_SPAN_DAYS = 10 * 3;

const DAY_MS = 86_400_000;

function digits2(s: string, i: number): number {
  return (s.charCodeAt(i) - 48) * 10 + (s.charCodeAt(i + 1) - 48);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * Milliseconds since the epoch of a validated date (`YYYY-MM-DD`, taken as UTC midnight) or
 * date-time (`YYYY-MM-DDTHH:MM[:SS[.fraction]](Z|±HH:MM)`), exactly as Date.parse gives it
 * (fractions beyond milliseconds are truncated). The validator has already checked the shape.
 */
export function instantMs(s: string): number {
  const year = digits2(s, 0) * 100 + digits2(s, 2);
  const day = daysFromCivil(year, digits2(s, 5), digits2(s, 8));
  if (s.length === 10) return day * DAY_MS;
  let ms = day * DAY_MS + digits2(s, 11) * 3_600_000 + digits2(s, 14) * 60_000;
  let i = 16;
  if (s.charCodeAt(i) === 58 /* : */) {
    ms += digits2(s, 17) * 1000;
    i = 19;
    if (s.charCodeAt(i) === 46 /* . */) {
      i++;
      let scale = 100;
      let c = s.charCodeAt(i);
      while (c >= 48 && c <= 57) {
        if (scale >= 1) ms += (c - 48) * scale;
        scale /= 10;
        c = s.charCodeAt(++i);
      }
    }
  }
  const sign = s.charCodeAt(i);
  if (sign === 90 /* Z */) return ms;
  const offset = digits2(s, i + 1) * 3_600_000 + digits2(s, i + 4) * 60_000;
  return sign === 43 /* + */ ? ms - offset : ms + offset;
}

/** What one scan of a list of attempts tells (outcomes only, no timestamps parsed). */
interface Scan {
  succeeded: boolean;
  timedOut: boolean;
  unsuccessful: number;
}

function scan(attempts: readonly Attempt[], out: Scan): Scan {
  let succeeded = false;
  let timedOut = false;
  let unsuccessful = 0;
  for (let i = 0; i < attempts.length; i++) {
    const o = attempts[i].outcome;
    if (o === "SUCCEEDED") succeeded = true;
    else {
      unsuccessful++;
      if (o === "TIMED_OUT") timedOut = true;
    }
  }
  out.succeeded = succeeded;
  out.timedOut = timedOut;
  out.unsuccessful = unsuccessful;
  return out;
}

/** Latest SUCCEEDED confirmation, or -Infinity. */
function latestConfirmation(confirmations: readonly Attempt[]): number {
  let best = -Infinity;
  for (let i = 0; i < confirmations.length; i++) {
    const c = confirmations[i];
    if (c.outcome === "SUCCEEDED") {
      const t = instantMs(c.at);
      if (t > best) best = t;
    }
  }
  return best;
}

/** Earliest TIMED_OUT attempt, or +Infinity. */
function earliestTimeout(attempts: readonly Attempt[]): number {
  let best = Infinity;
  for (let i = 0; i < attempts.length; i++) {
    const a = attempts[i];
    if (a.outcome === "TIMED_OUT") {
      const t = instantMs(a.at);
      if (t < best) best = t;
    }
  }
  return best;
}

/** regimeExhausted (4.26): enough unsuccessful attempts, on at least the regime's calendar days (UTC, first to last, both counted). */
function regimeExhausted(attempts: readonly Attempt[], unsuccessful: number, required: number, regimeDays: number): boolean {
  if (unsuccessful < required) return false;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < attempts.length; i++) {
    const a = attempts[i];
    if (a.outcome !== "SUCCEEDED") {
      const t = instantMs(a.at);
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
  }
  return Math.floor(hi / DAY_MS) - Math.floor(lo / DAY_MS) + 1 >= regimeDays;
}

function confirmationRegime(confirmations: readonly Attempt[]): boolean {
  let n = 0;
  for (let i = 0; i < confirmations.length; i++) if (confirmations[i].outcome !== "SUCCEEDED") n++;
  return regimeExhausted(confirmations, n, CONFIRMATION_REQUIRED, CONFIRMATION_SPAN_DAYS);
}

/** The state of one meter's preparation (4.26), computed once per meter. */
interface MeterState {
  firmwareSucceeded: boolean;
  prepared: boolean;
  firmwarePersistentlyFailed: boolean;
  preparationPersistentlyFailed: boolean;
}

const fwScan: Scan = { succeeded: false, timedOut: false, unsuccessful: 0 };
const cfScan: Scan = { succeeded: false, timedOut: false, unsuccessful: 0 };
const state: MeterState = { firmwareSucceeded: false, prepared: false, firmwarePersistentlyFailed: false, preparationPersistentlyFailed: false };

/** Fills the shared `state` for device `d` (no allocation per device). */
function analyse(d: Device): MeterState {
  const fw = scan(d.firmwareAttempts, fwScan);
  const cf = scan(d.configurationAttempts, cfScan);
  const confirmations = d.confirmationAttempts;
  let latest = NaN; // latest successful confirmation, parsed on first need
  let firmwareOk = fw.succeeded;
  if (!firmwareOk && fw.timedOut) {
    latest = latestConfirmation(confirmations);
    firmwareOk = earliestTimeout(d.firmwareAttempts) < latest;
  }
  let configurationOk = cf.succeeded;
  if (!configurationOk && cf.timedOut) {
    if (latest !== latest) latest = latestConfirmation(confirmations);
    configurationOk = earliestTimeout(d.configurationAttempts) < latest;
  }
  state.firmwareSucceeded = firmwareOk;
  state.prepared = firmwareOk && configurationOk;
  // The confirmation regime is shared by both steps: evaluated at most once (-1: not yet).
  let confirmationExhausted = -1;
  let fwFailed = false;
  if (!firmwareOk) {
    fwFailed = regimeExhausted(d.firmwareAttempts, fw.unsuccessful, FIRMWARE_REQUIRED, FIRMWARE_SPAN_DAYS);
    if (!fwFailed && fw.timedOut) {
      confirmationExhausted = confirmationRegime(confirmations) ? 1 : 0;
      fwFailed = confirmationExhausted === 1;
    }
  }
  // The configuration can fail persistently only once the firmware upgrade succeeded (4.26).
  let cfFailed = false;
  if (firmwareOk && !configurationOk) {
    cfFailed = regimeExhausted(d.configurationAttempts, cf.unsuccessful, CONFIGURATION_REQUIRED, CONFIGURATION_SPAN_DAYS);
    if (!cfFailed && cf.timedOut) {
      if (confirmationExhausted < 0) confirmationExhausted = confirmationRegime(confirmations) ? 1 : 0;
      cfFailed = confirmationExhausted === 1;
    }
  }
  state.firmwarePersistentlyFailed = fwFailed;
  state.preparationPersistentlyFailed = fwFailed || cfFailed;
  return state;
}

const RULES = [
  "migrate_clean_installation",
  "await_dormant_meter_preparation",
  "migrate_without_notice_ceased_trading",
  "migrate_without_notice_not_live_user",
  "migrate_last_installed_only_communicating",
  "migrate_partial_ioc",
  "exclude_ioc_unable_to_attempt_firmware",
  "exclude_moc_mds_persistent_failure",
  "exclude_ioc_persistent_failure",
  "exclude_unresolved_data_issues",
  "exclude_unresolved_duplicate_mpxn",
  "migrate_partial_moc_mds",
] as const;
const CLAUSES = ["4.1", "4.26", "4.1A", "4.1B", "4.1C", "18.5", "18.9", "18.10", "18.11", "18.12", "18.13", "4.26A"] as const;

const NONE: readonly DeviceId[] = [];
const fixed = (outcome: Decision["outcome"], excludedCategory: string | null, notifySupplier: boolean): Decision =>
  Object.freeze({ outcome, excludedCategory, deregister: NONE, notifySupplier });
const MIGRATE_NOTIFY = fixed("MIGRATE", null, true);
const MIGRATE_SILENT = fixed("MIGRATE", null, false);
const PENDING = fixed("PENDING", null, true);
const EXCLUDED: Readonly<Record<string, Decision>> = {
  "18.9": fixed("EXCLUDED", "18.9", true),
  "18.10": fixed("EXCLUDED", "18.10", true),
  "18.11": fixed("EXCLUDED", "18.11", true),
  "18.12": fixed("EXCLUDED", "18.12", true),
  "18.13": fixed("EXCLUDED", "18.13", true),
};
const BLOCKED = fixed("BLOCKED", null, true);

function gsmeIds(inst: Installation): DeviceId[] {
  const out: DeviceId[] = [];
  const devices = inst.devices;
  for (let i = 0; i < devices.length; i++) if (devices[i].type === "GSME") out.push(devices[i].id);
  return out;
}

function result(inst: Installation, rule: number): Decision {
  switch (rule) {
    case 0:
    case 4:
      return MIGRATE_NOTIFY;
    case 1:
      return PENDING;
    case 2:
    case 3:
      return MIGRATE_SILENT;
    case 5:
    case 11:
      return { outcome: "MIGRATE_PARTIAL", excludedCategory: "18.5", deregister: gsmeIds(inst), notifySupplier: inst.responsibleSupplier.status === "LIVE" };
    default:
      return EXCLUDED[CLAUSES[rule]];
  }
}

/** Evaluates TMAD 20.v2 for one validated Installation: the same Decision as the generated evaluate(). */
export function evaluate(inst: Installation, asOf: string | null): rt.Decision<Decision> {
  const status = inst.responsibleSupplier.status;
  const communicating = inst.communicating;
  const cohort = inst.cohort;
  const groupId = inst.groupId;

  let unresolved = status === "UNIDENTIFIABLE";
  if (!unresolved) {
    const issues = inst.dataIssues;
    for (let i = 0; i < issues.length; i++) {
      if (!issues[i].resolved) {
        unresolved = true;
        break;
      }
    }
  }

  const shared = inst.sharedMeterPoints;
  const shares = shared.length > 0;
  let lastInstalledOnly = communicating;
  if (lastInstalledOnly) {
    const installedOn = inst.installedOn;
    for (let i = 0; i < shared.length; i++) {
      const s = shared[i];
      if (!(s.installedOn < installedOn && !s.communicating)) {
        lastInstalledOnly = false;
        break;
      }
    }
  }
  const meterPointClear = !shares || lastInstalledOnly;

  // One pass over the devices for every quantifier over devices and dormant meters.
  let dormantMeters = 0;
  let allMetersDormant = true;
  let esmes = 0;
  let gsmes = 0;
  let allDormantPrepared = true;
  let someInProgress = false;
  let someUnable = false;
  let somePersistentlyFailed = false;
  // Over the dormant ESMEs / GSMEs; they are all ESMEs / GSMEs whenever the installation is solely
  // dormant meters, the only case in which readyForPartialMigration reads them.
  let allEsmesPrepared = true;
  let allGsmesFirmwareFailed = true;
  let allGsmesPreparationFailed = true;
  const devices = inst.devices;
  for (let i = 0; i < devices.length; i++) {
    const d = devices[i];
    const type = d.type;
    const isEsme = type === "ESME";
    const isGsme = type === "GSME";
    if (isEsme) esmes++;
    else if (isGsme) gsmes++;
    else continue;
    if (!d.dormant) {
      allMetersDormant = false;
      continue;
    }
    dormantMeters++;
    const m = analyse(d);
    const unable = !d.firmwareUpgradePossible && !m.firmwareSucceeded;
    if (!m.prepared) {
      allDormantPrepared = false;
      if (isEsme) allEsmesPrepared = false;
      if (!m.preparationPersistentlyFailed && !unable) someInProgress = true;
    }
    if (unable) someUnable = true;
    if (m.preparationPersistentlyFailed) somePersistentlyFailed = true;
    else if (isGsme) allGsmesPreparationFailed = false;
    if (isGsme && !m.firmwarePersistentlyFailed) allGsmesFirmwareFailed = false;
  }

  const hasDormant = dormantMeters > 0;
  const readyToMigrate = communicating && !unresolved && allDormantPrepared;
  const readyForPartial =
    hasDormant && allMetersDormant && esmes > 0 && allEsmesPrepared && gsmes > 0 && communicating && !unresolved && meterPointClear;
  const iocGroup = cohort === "IOC" && (groupId === "AA" || groupId === "BA" || groupId === "CA");

  const f0 = readyToMigrate && !shares && status === "LIVE";
  const f1 = someInProgress;
  const f2 = hasDormant && status === "CEASED_TRADING" && readyToMigrate && meterPointClear;
  const f3 = hasDormant && status === "NOT_LIVE_USER" && readyToMigrate && meterPointClear;
  const f4 = shares && lastInstalledOnly && status === "LIVE" && readyToMigrate;
  const f5 = cohort === "IOC" && readyForPartial && allGsmesFirmwareFailed;
  const f6 = iocGroup && someUnable;
  const f7 = cohort === "MOC_MDS" && groupId === "CB" && somePersistentlyFailed;
  const f8 = iocGroup && somePersistentlyFailed;
  const f9 = hasDormant && unresolved;
  const f10 = hasDormant && shares && !lastInstalledOnly;
  const f11 = cohort === "MOC_MDS" && readyForPartial && allGsmesPreparationFailed;

  // Precedence (the "set aside by" relation of the 20.v2 rules).
  const w1 = f1 && !f6 && !f5;
  const w6 = f6 && !f5;
  const w7 = f7 && !f1 && !f6 && !f5 && !f11;
  const w8 = f8 && !f1 && !f6 && !f5;
  const w9 = f9 && !f1 && !f8 && !f6 && !f7 && !f5 && !f11;
  const w10 = f10 && !f1 && !f8 && !f6 && !f7 && !f9 && !f5 && !f11;

  const fired: string[] = [];
  let winner = -1;
  let winners = 0;
  if (f0) { fired.push(RULES[0]); winners++; winner = 0; }
  if (f1) { fired.push(RULES[1]); if (w1) { winners++; winner = 1; } }
  if (f2) { fired.push(RULES[2]); winners++; winner = 2; }
  if (f3) { fired.push(RULES[3]); winners++; winner = 3; }
  if (f4) { fired.push(RULES[4]); winners++; winner = 4; }
  if (f5) { fired.push(RULES[5]); winners++; winner = 5; }
  if (f6) { fired.push(RULES[6]); if (w6) { winners++; winner = 6; } }
  if (f7) { fired.push(RULES[7]); if (w7) { winners++; winner = 7; } }
  if (f8) { fired.push(RULES[8]); if (w8) { winners++; winner = 8; } }
  if (f9) { fired.push(RULES[9]); if (w9) { winners++; winner = 9; } }
  if (f10) { fired.push(RULES[10]); if (w10) { winners++; winner = 10; } }
  if (f11) { fired.push(RULES[11]); winners++; winner = 11; }
  const id = inst.id;
  if (winners === 1) return rt.decided(manifest, id, asOf, RULES[winner], CLAUSES[winner], result(inst, winner), fired);
  if (winners === 0) return rt.defaulted(manifest, id, asOf, BLOCKED, fired);
  const wins = [f0, w1, f2, f3, f4, f5, w6, w7, w8, w9, w10, f11];
  const conflict: string[] = [];
  for (let r = 0; r < 12; r++) if (wins[r]) conflict.push(RULES[r]);
  return rt.conflicted(manifest, id, asOf, conflict, fired);
}
