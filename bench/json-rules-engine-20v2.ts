/**
 * TMAD 20.v2 in json-rules-engine (7.x), as far as its condition language can express it.
 *
 * Expressed as engine conditions (JSONPath on the `installation` fact, default path resolver):
 *   equality and set membership of scalar fields (cohort, groupId, supplier status, communicating),
 *   `count > 0` of a list via `$.list.length`, and/or/not, and every shared definition as a named
 *   condition (engine.setCondition) referenced by the rules.
 * Pre-computed in JavaScript fact functions, because conditions cannot quantify over the elements
 * of a list (some/every/count-where/min/max) nor do arithmetic on dates:
 *   - per device (deviceStates): stepSucceeded (some SUCCEEDED attempt, or some TIMED_OUT attempt
 *     with a later SUCCEEDED confirmation: a nested quantifier comparing two date-times),
 *     regimeExhausted (count of unsuccessful attempts, and the calendar days from the earliest to the
 *     latest of them), and from them prepared, firmware/preparation persistently failed,
 *     unable to attempt firmware, preparation in progress;
 *   - per installation: the quantifiers over those (count of dormant meters, every meter dormant,
 *     every dormant meter prepared, some in progress / unable / persistently failed, every ESME
 *     prepared, every GSME persistently failed, the ESME and GSME counts), some unresolved data
 *     issue, every shared meter point installed earlier and not communicating, and the list of
 *     GSME ids for `deregister` (a `collect`).
 * Precedence: json-rules-engine has priorities (evaluation order, highest first) and engine.stop(),
 * which can only emulate a total order that stops at the first success. The TMAD precedence is a
 * partial order ("set aside by") and several unrelated applicable rules are a conflict, so it is
 * encoded in the conditions instead: each rule is `all: [applies_X, not any: [applies_Y, …]]` over
 * the rules Y that set X aside. Rules that set others aside get a higher priority, which only
 * orders evaluation. The events that fire are then read in JavaScript: none → the default
 * (BLOCKED, clause 1.4), one → the decision, several → a conflict; the engine has no notion of a
 * default outcome or of a conflict.
 */
import { Engine, type Almanac, type Event, type TopLevelCondition } from "json-rules-engine";
import type { Attempt, Decision, Device, Installation } from "../generated/tmad-20.v2/model.js";

/** The decision read back from the engine's events (the fields compared with the generated evaluator). */
export interface EngineDecision {
  readonly status: "decided" | "default" | "conflict";
  readonly rule: string | null;
  readonly clause: string | null;
  readonly result: Decision | null;
  readonly conflict?: readonly string[];
}

// ---- JavaScript helpers for what the condition language cannot say (clause 4.26, seed 3.2) ----

const DAY_MS = 86_400_000;
const ms = (at: string): number => Date.parse(at);

function stepSucceeded(attempts: readonly Attempt[], confirmations: readonly Attempt[]): boolean {
  return (
    attempts.some((a) => a.outcome === "SUCCEEDED") ||
    attempts.some((a) => a.outcome === "TIMED_OUT" && confirmations.some((c) => c.outcome === "SUCCEEDED" && ms(c.at) > ms(a.at)))
  );
}

/** Enough unsuccessful attempts, on at least the regime's calendar days (UTC, first to last, both counted). */
function regimeExhausted(attempts: readonly Attempt[], required: number, regimeDays: number): boolean {
  const failed = attempts.filter((a) => a.outcome !== "SUCCEEDED").map((a) => ms(a.at));
  if (failed.length < required) return false;
  return Math.floor(Math.max(...failed) / DAY_MS) - Math.floor(Math.min(...failed) / DAY_MS) + 1 >= regimeDays;
}

function stepPersistentlyFailed(attempts: readonly Attempt[], confirmations: readonly Attempt[], required: number, regimeDays: number): boolean {
  return (
    !stepSucceeded(attempts, confirmations) &&
    (regimeExhausted(attempts, required, regimeDays) || (attempts.some((a) => a.outcome === "TIMED_OUT") && regimeExhausted(confirmations, 30, 30)))
  );
}

interface DeviceState {
  readonly type: Device["type"];
  readonly id: string;
  readonly meter: boolean;
  readonly dormant: boolean;
  readonly prepared: boolean;
  readonly firmwarePersistentlyFailed: boolean;
  readonly preparationPersistentlyFailed: boolean;
  readonly unableToAttemptFirmware: boolean;
  readonly preparationInProgress: boolean;
}

function deviceState(d: Device): DeviceState {
  const firmwareSucceeded = stepSucceeded(d.firmwareAttempts, d.confirmationAttempts);
  const prepared = firmwareSucceeded && stepSucceeded(d.configurationAttempts, d.confirmationAttempts);
  const firmwarePersistentlyFailed = stepPersistentlyFailed(d.firmwareAttempts, d.confirmationAttempts, 108, 18);
  // The configuration can fail persistently only once the firmware upgrade succeeded (4.26).
  const preparationPersistentlyFailed = firmwarePersistentlyFailed || (firmwareSucceeded && stepPersistentlyFailed(d.configurationAttempts, d.confirmationAttempts, 69, 9));
  const unableToAttemptFirmware = !d.firmwareUpgradePossible && !firmwareSucceeded;
  return {
    type: d.type,
    id: d.id,
    meter: d.type === "ESME" || d.type === "GSME",
    dormant: d.dormant,
    prepared,
    firmwarePersistentlyFailed,
    preparationPersistentlyFailed,
    unableToAttemptFirmware,
    preparationInProgress: !prepared && !preparationPersistentlyFailed && !unableToAttemptFirmware,
  };
}

// ---- facts ----

type FactFn = (params: Record<string, unknown>, almanac: Almanac) => unknown;
const installation = (a: Almanac): Promise<Installation> => a.factValue<Installation>("installation");
const states = (a: Almanac): Promise<DeviceState[]> => a.factValue<DeviceState[]>("deviceStates");
const dormantMeters = async (a: Almanac): Promise<DeviceState[]> => (await states(a)).filter((s) => s.meter && s.dormant);

const facts: Record<string, FactFn> = {
  deviceStates: async (_p, a) => (await installation(a)).devices.map(deviceState),
  someDataIssueUnresolved: async (_p, a) => (await installation(a)).dataIssues.some((i) => !i.resolved),
  everySharedMeterPointEarlierAndSilent: async (_p, a) => {
    const inst = await installation(a);
    return inst.sharedMeterPoints.every((s) => s.installedOn < inst.installedOn && !s.communicating);
  },
  dormantMeterCount: async (_p, a) => (await dormantMeters(a)).length,
  everyMeterDormant: async (_p, a) => (await states(a)).every((s) => !s.meter || s.dormant),
  everyDormantMeterPrepared: async (_p, a) => (await dormantMeters(a)).every((s) => s.prepared),
  someDormantMeterInProgress: async (_p, a) => (await dormantMeters(a)).some((s) => s.preparationInProgress),
  someDormantMeterUnableToAttemptFirmware: async (_p, a) => (await dormantMeters(a)).some((s) => s.unableToAttemptFirmware),
  someDormantMeterPersistentlyFailed: async (_p, a) => (await dormantMeters(a)).some((s) => s.preparationPersistentlyFailed),
  esmeCount: async (_p, a) => (await states(a)).filter((s) => s.type === "ESME").length,
  gsmeCount: async (_p, a) => (await states(a)).filter((s) => s.type === "GSME").length,
  everyEsmePrepared: async (_p, a) => (await states(a)).filter((s) => s.type === "ESME").every((s) => s.prepared),
  everyGsmeFirmwarePersistentlyFailed: async (_p, a) => (await states(a)).filter((s) => s.type === "GSME").every((s) => s.firmwarePersistentlyFailed),
  everyGsmePreparationPersistentlyFailed: async (_p, a) => (await states(a)).filter((s) => s.type === "GSME").every((s) => s.preparationPersistentlyFailed),
  gsmeIds: async (_p, a) => (await states(a)).filter((s) => s.type === "GSME").map((s) => s.id),
};

// ---- conditions ----

const field = (path: string, operator: string, value: unknown) => ({ fact: "installation", path, operator, value });
const is = (fact: string, value: unknown = true) => ({ fact, operator: "equal", value });
const positive = (fact: string) => ({ fact, operator: "greaterThan", value: 0 });
const ref = (condition: string) => ({ condition });
const status = (value: string) => field("$.responsibleSupplier.status", "equal", value);
const cohort = (value: string) => field("$.cohort", "equal", value);

const named: Record<string, TopLevelCondition> = {
  hasUnresolvedDataIssue: { any: [status("UNIDENTIFIABLE"), is("someDataIssueUnresolved")] },
  hasDormantMeter: { all: [positive("dormantMeterCount")] },
  sharesMeterPoint: { all: [field("$.sharedMeterPoints.length", "greaterThan", 0)] },
  readyToMigrate: { all: [field("$.communicating", "equal", true), { not: ref("hasUnresolvedDataIssue") }, is("everyDormantMeterPrepared")] },
  lastInstalledOnlyCommunicating: { all: [field("$.communicating", "equal", true), is("everySharedMeterPointEarlierAndSilent")] },
  meterPointClear: { any: [{ not: ref("sharesMeterPoint") }, ref("lastInstalledOnlyCommunicating")] },
  readyForPartialMigration: {
    all: [
      ref("hasDormantMeter"),
      is("everyMeterDormant"),
      positive("esmeCount"),
      is("everyEsmePrepared"),
      positive("gsmeCount"),
      field("$.communicating", "equal", true),
      { not: ref("hasUnresolvedDataIssue") },
      ref("meterPointClear"),
    ],
  },
  iocExclusionGroup: { all: [cohort("IOC"), field("$.groupId", "in", ["AA", "BA", "CA"])] },

  // Each rule's own condition, as written in its clause.
  migrate_clean_installation: { all: [ref("readyToMigrate"), { not: ref("sharesMeterPoint") }, status("LIVE")] },
  await_dormant_meter_preparation: { all: [is("someDormantMeterInProgress")] },
  migrate_without_notice_ceased_trading: { all: [ref("hasDormantMeter"), status("CEASED_TRADING"), ref("readyToMigrate"), ref("meterPointClear")] },
  migrate_without_notice_not_live_user: { all: [ref("hasDormantMeter"), status("NOT_LIVE_USER"), ref("readyToMigrate"), ref("meterPointClear")] },
  migrate_last_installed_only_communicating: { all: [ref("sharesMeterPoint"), ref("lastInstalledOnlyCommunicating"), status("LIVE"), ref("readyToMigrate")] },
  migrate_partial_ioc: { all: [cohort("IOC"), ref("readyForPartialMigration"), is("everyGsmeFirmwarePersistentlyFailed")] },
  exclude_ioc_unable_to_attempt_firmware: { all: [ref("iocExclusionGroup"), is("someDormantMeterUnableToAttemptFirmware")] },
  exclude_moc_mds_persistent_failure: { all: [cohort("MOC_MDS"), field("$.groupId", "equal", "CB"), is("someDormantMeterPersistentlyFailed")] },
  exclude_ioc_persistent_failure: { all: [ref("iocExclusionGroup"), is("someDormantMeterPersistentlyFailed")] },
  exclude_unresolved_data_issues: { all: [ref("hasDormantMeter"), ref("hasUnresolvedDataIssue")] },
  exclude_unresolved_duplicate_mpxn: { all: [ref("hasDormantMeter"), ref("sharesMeterPoint"), { not: ref("lastInstalledOnlyCommunicating") }] },
  migrate_partial_moc_mds: { all: [cohort("MOC_MDS"), ref("readyForPartialMigration"), is("everyGsmePreparationPersistentlyFailed")] },
};

interface RuleSpec {
  readonly clause: string;
  readonly outcome: Decision["outcome"];
  readonly excludedCategory: string | null;
  /** Rules that set this one aside when they apply (rules/tmad-20.v2, "takes precedence over"). */
  readonly setAsideBy: readonly string[];
  readonly partial?: boolean;
  readonly notifySupplier?: boolean;
}

const rules: Record<string, RuleSpec> = {
  migrate_clean_installation: { clause: "4.1", outcome: "MIGRATE", excludedCategory: null, setAsideBy: [] },
  await_dormant_meter_preparation: { clause: "4.26", outcome: "PENDING", excludedCategory: null, setAsideBy: ["exclude_ioc_unable_to_attempt_firmware", "migrate_partial_ioc"] },
  migrate_without_notice_ceased_trading: { clause: "4.1A", outcome: "MIGRATE", excludedCategory: null, setAsideBy: [], notifySupplier: false },
  migrate_without_notice_not_live_user: { clause: "4.1B", outcome: "MIGRATE", excludedCategory: null, setAsideBy: [], notifySupplier: false },
  migrate_last_installed_only_communicating: { clause: "4.1C", outcome: "MIGRATE", excludedCategory: null, setAsideBy: [] },
  migrate_partial_ioc: { clause: "18.5", outcome: "MIGRATE_PARTIAL", excludedCategory: "18.5", setAsideBy: [], partial: true },
  exclude_ioc_unable_to_attempt_firmware: { clause: "18.9", outcome: "EXCLUDED", excludedCategory: "18.9", setAsideBy: ["migrate_partial_ioc"] },
  exclude_moc_mds_persistent_failure: {
    clause: "18.10",
    outcome: "EXCLUDED",
    excludedCategory: "18.10",
    setAsideBy: ["await_dormant_meter_preparation", "exclude_ioc_unable_to_attempt_firmware", "migrate_partial_ioc", "migrate_partial_moc_mds"],
  },
  exclude_ioc_persistent_failure: {
    clause: "18.11",
    outcome: "EXCLUDED",
    excludedCategory: "18.11",
    setAsideBy: ["await_dormant_meter_preparation", "exclude_ioc_unable_to_attempt_firmware", "migrate_partial_ioc"],
  },
  exclude_unresolved_data_issues: {
    clause: "18.12",
    outcome: "EXCLUDED",
    excludedCategory: "18.12",
    setAsideBy: [
      "await_dormant_meter_preparation",
      "exclude_ioc_persistent_failure",
      "exclude_ioc_unable_to_attempt_firmware",
      "exclude_moc_mds_persistent_failure",
      "migrate_partial_ioc",
      "migrate_partial_moc_mds",
    ],
  },
  exclude_unresolved_duplicate_mpxn: {
    clause: "18.13",
    outcome: "EXCLUDED",
    excludedCategory: "18.13",
    setAsideBy: [
      "await_dormant_meter_preparation",
      "exclude_ioc_persistent_failure",
      "exclude_ioc_unable_to_attempt_firmware",
      "exclude_moc_mds_persistent_failure",
      "exclude_unresolved_data_issues",
      "migrate_partial_ioc",
      "migrate_partial_moc_mds",
    ],
  },
  migrate_partial_moc_mds: { clause: "4.26A", outcome: "MIGRATE_PARTIAL", excludedCategory: "18.5", setAsideBy: [], partial: true },
};

/** Longest chain of rules that set this one aside: rules that win over others are evaluated first. */
function depth(rule: string): number {
  return rules[rule].setAsideBy.reduce((d, r) => Math.max(d, depth(r) + 1), 0);
}

/** A new engine holding the 20.v2 rules. One engine serves any number of runs. */
export function createEngine(): Engine {
  const engine = new Engine([], { replaceFactsInEventParams: true });
  for (const [id, fn] of Object.entries(facts)) engine.addFact(id, fn);
  engine.addFact("supplierLive", async (_p: Record<string, unknown>, a: Almanac) => (await installation(a)).responsibleSupplier.status === "LIVE");
  for (const [name, condition] of Object.entries(named)) engine.setCondition(name, condition);
  const maxDepth = Math.max(...Object.keys(rules).map(depth));
  for (const [id, spec] of Object.entries(rules)) {
    const conditions: TopLevelCondition =
      spec.setAsideBy.length === 0 ? { all: [ref(id)] } : { all: [ref(id), { not: { any: spec.setAsideBy.map(ref) } }] };
    engine.addRule({
      name: id,
      priority: maxDepth - depth(id) + 1,
      conditions,
      event: {
        type: "decision",
        params: {
          rule: id,
          clause: spec.clause,
          outcome: spec.outcome,
          excludedCategory: spec.excludedCategory,
          deregister: spec.partial === true ? { fact: "gsmeIds" } : [],
          notifySupplier: spec.partial === true ? { fact: "supplierLive" } : (spec.notifySupplier ?? true),
        },
      },
    });
  }
  return engine;
}

function fromEvents(events: readonly Event[]): EngineDecision {
  if (events.length === 0) {
    return { status: "default", rule: null, clause: "1.4", result: { outcome: "BLOCKED", excludedCategory: null, deregister: [], notifySupplier: true } };
  }
  if (events.length > 1) return { status: "conflict", rule: null, clause: null, result: null, conflict: events.map((e) => e.params!.rule as string) };
  const p = events[0].params!;
  return {
    status: "decided",
    rule: p.rule as string,
    clause: p.clause as string,
    result: { outcome: p.outcome as Decision["outcome"], excludedCategory: p.excludedCategory as string | null, deregister: p.deregister as string[], notifySupplier: p.notifySupplier as boolean },
  };
}

/** Runs the engine on one validated Installation. */
export async function evaluate(engine: Engine, inst: Installation): Promise<EngineDecision> {
  const { events } = await engine.run({ installation: inst });
  return fromEvents(events);
}
