// Experiment (issue 13, lane national): a parser for tmad-20.v2's installation record that reads the
// line's text straight into the record, validating as it goes, and gives up (returns undefined) on
// anything it does not fully understand: keys out of the declared order, unknown or repeated keys,
// blanks, escapes, control or non-ASCII characters in free text, numbers, anything after the end.
// A caller then takes the existing JSON.parse + generated check path. Measured against that path.
//
//   node bench/schema-parse.mjs FILE [LINES]
import { readFileSync } from "node:fs";
import * as rt from "../dist/src/runtime/index.js";
import { DEFAULT_LIMITS, parseRaw } from "../dist/src/cli/records.js";
import { loadVersion } from "../dist/src/index.js";

const version = await loadVersion({ version: "20.v2" });
const schema = version.validator.schema;
const DEVICE_ID = new RegExp(schema.identifiers.DeviceId.pattern, "u");
const MPAN = new RegExp(schema.identifiers.MPAN.pattern, "u");
const MPAN_CHECK = schema.identifiers.MPAN.checkDigit;
const MPRN = new RegExp(schema.identifiers.MPRN.pattern, "u");

let s = "";
let i = 0;

function lit(x) {
  const n = x.length;
  if (i + n > s.length) return false;
  for (let k = 0; k < n; k++) if (s.charCodeAt(i + k) !== x.charCodeAt(k)) return false;
  i += n;
  return true;
}

/** A string with no quote, backslash, control or non-ASCII character in it, or undefined. */
function plain() {
  if (s.charCodeAt(i) !== 34) return undefined;
  const j = s.indexOf('"', i + 1);
  if (j < 0) return undefined;
  for (let k = i + 1; k < j; k++) {
    const c = s.charCodeAt(k);
    if (c < 32 || c > 126 || c === 92) return undefined;
  }
  const v = s.slice(i + 1, j);
  i = j + 1;
  return v;
}

function oneOf(values) {
  if (s.charCodeAt(i) !== 34) return undefined;
  const j = s.indexOf('"', i + 1);
  const n = j - i - 1;
  next: for (let m = 0; m < values.length; m++) {
    const v = values[m];
    if (v.length !== n) continue;
    for (let k = 0; k < n; k++) if (s.charCodeAt(i + 1 + k) !== v.charCodeAt(k)) continue next;
    i = j + 1;
    return v;
  }
  return undefined;
}

function bool() {
  if (lit("true")) return true;
  if (lit("false")) return false;
  return undefined;
}

/** A string up to the next quote, whatever it holds: only for values checked against a shape of digits and signs after. */
function quoted() {
  if (s.charCodeAt(i) !== 34) return undefined;
  const j = s.indexOf('"', i + 1);
  if (j < 0) return undefined;
  const v = s.slice(i + 1, j);
  i = j + 1;
  return v;
}

function date() {
  const v = quoted();
  return v !== undefined && rt.isCalendarDate(v) ? v : undefined;
}

function dateTime() {
  const v = quoted();
  return v !== undefined && rt.isDateTime(v) ? v : undefined;
}

const COHORT = schema.enums.Cohort;
const DEVICE_TYPE = schema.enums.DeviceType;
const SUPPLIER_STATUS = schema.enums.SupplierStatus;
const ATTEMPT_OUTCOME = schema.enums.AttemptOutcome;
const DATA_ISSUE_KIND = schema.enums.DataIssueKind;
const GENERATION = schema.enums.Generation;

/** A list of `element`s, or undefined. */
function list(element) {
  if (s.charCodeAt(i) !== 91) return undefined;
  i++;
  const out = [];
  if (s.charCodeAt(i) === 93) {
    i++;
    return out;
  }
  for (;;) {
    const e = element();
    if (e === undefined) return undefined;
    out.push(e);
    const c = s.charCodeAt(i++);
    if (c === 93) return out;
    if (c !== 44) return undefined;
  }
}

function attempt() {
  if (!lit('{"at":')) return undefined;
  const at = dateTime();
  if (at === undefined || !lit(',"outcome":')) return undefined;
  const outcome = oneOf(ATTEMPT_OUTCOME);
  if (outcome === undefined || !lit("}")) return undefined;
  return { at, outcome };
}

function device() {
  if (!lit('{"id":')) return undefined;
  const id = plain();
  if (id === undefined || !DEVICE_ID.test(id) || !lit(',"type":')) return undefined;
  const type = oneOf(DEVICE_TYPE);
  if (type === undefined || !lit(',"dormant":')) return undefined;
  const dormant = bool();
  if (dormant === undefined || !lit(',"firmwareUpgradePossible":')) return undefined;
  const firmwareUpgradePossible = bool();
  if (firmwareUpgradePossible === undefined || !lit(',"firmwareAttempts":')) return undefined;
  const firmwareAttempts = list(attempt);
  if (firmwareAttempts === undefined || !lit(',"configurationAttempts":')) return undefined;
  const configurationAttempts = list(attempt);
  if (configurationAttempts === undefined || !lit(',"confirmationAttempts":')) return undefined;
  const confirmationAttempts = list(attempt);
  if (confirmationAttempts === undefined || !lit("}")) return undefined;
  return { id, type, dormant, firmwareUpgradePossible, firmwareAttempts, configurationAttempts, confirmationAttempts };
}

function dataIssue() {
  if (!lit('{"kind":')) return undefined;
  const kind = oneOf(DATA_ISSUE_KIND);
  if (kind === undefined || !lit(',"resolved":')) return undefined;
  const resolved = bool();
  if (resolved === undefined) return undefined;
  const o = { kind, resolved };
  if (lit(',"raisedOn":')) {
    if (lit("null")) o.raisedOn = null;
    else if ((o.raisedOn = date()) === undefined) return undefined;
  }
  if (lit(',"resolvedOn":')) {
    if (lit("null")) o.resolvedOn = null;
    else if ((o.resolvedOn = date()) === undefined) return undefined;
  }
  return lit("}") ? o : undefined;
}

function sharedMeterPoint() {
  if (!lit('{"generation":')) return undefined;
  const generation = oneOf(GENERATION);
  if (generation === undefined || !lit(',"installedOn":')) return undefined;
  const installedOn = date();
  if (installedOn === undefined || !lit(',"communicating":')) return undefined;
  const communicating = bool();
  if (communicating === undefined || !lit("}")) return undefined;
  return { generation, installedOn, communicating };
}

function supplier() {
  if (!lit('{"name":')) return undefined;
  const name = plain();
  if (name === undefined || !lit(',"status":')) return undefined;
  const status = oneOf(SUPPLIER_STATUS);
  if (status === undefined) return undefined;
  const o = { name, status };
  if (lit(',"statusChangedOn":')) {
    if (lit("null")) o.statusChangedOn = null;
    else if ((o.statusChangedOn = date()) === undefined) return undefined;
  }
  if (lit(',"previousStatus":')) {
    if (lit("null")) o.previousStatus = null;
    else if ((o.previousStatus = oneOf(SUPPLIER_STATUS)) === undefined) return undefined;
  }
  return lit("}") ? o : undefined;
}

/** The record of `text`, valid, or undefined for the existing path to read. */
export function parseInstallation(text) {
  s = text;
  i = 0;
  if (!lit('{"id":')) return undefined;
  const id = plain();
  if (id === undefined || !lit(',"cohort":')) return undefined;
  const cohort = oneOf(COHORT);
  if (cohort === undefined || !lit(',"groupId":')) return undefined;
  const groupId = plain();
  if (groupId === undefined) return undefined;
  const o = { id, cohort, groupId };
  if (lit(',"mpan":')) {
    if (lit("null")) o.mpan = null;
    else {
      const v = plain();
      if (v === undefined || !MPAN.test(v) || !rt.checkDigitValid(v, MPAN_CHECK.weights, MPAN_CHECK.moduli)) return undefined;
      o.mpan = v;
    }
  }
  if (lit(',"mprn":')) {
    if (lit("null")) o.mprn = null;
    else {
      const v = plain();
      if (v === undefined || !MPRN.test(v)) return undefined;
      o.mprn = v;
    }
  }
  if (!lit(',"installedOn":')) return undefined;
  if ((o.installedOn = date()) === undefined || !lit(',"communicating":')) return undefined;
  if ((o.communicating = bool()) === undefined || !lit(',"responsibleSupplier":')) return undefined;
  if ((o.responsibleSupplier = supplier()) === undefined || !lit(',"devices":')) return undefined;
  if ((o.devices = list(device)) === undefined || !lit(',"dataIssues":')) return undefined;
  if ((o.dataIssues = list(dataIssue)) === undefined || !lit(',"sharedMeterPoints":')) return undefined;
  if ((o.sharedMeterPoints = list(sharedMeterPoint)) === undefined || !lit("}")) return undefined;
  return i === s.length ? o : undefined;
}

if (process.argv[2] !== undefined) {
  const lines = readFileSync(process.argv[2], "latin1").split("\n").filter((l) => l.length > 0).slice(0, Number(process.argv[3] ?? 50000));
  const v = version.validator;
  // Agreement first: the same value, valid, wherever the new parser answers.
  let answered = 0;
  for (const l of lines) {
    const fast = parseInstallation(l);
    if (fast === undefined) continue;
    answered++;
    const old = parseRaw({ record: 1, text: l }, DEFAULT_LIMITS, v);
    if (old.valid !== true || JSON.stringify(old.value) !== JSON.stringify(fast)) throw new Error(`disagree: ${l.slice(0, 200)}`);
  }
  console.log(`answered ${answered} of ${lines.length}, all agree`);
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e3;
  };
  const subjects = {
    "JSON.parse": () => { let n = 0; for (const l of lines) n += JSON.parse(l) === null ? 0 : 1; return n; },
    "parseRaw (JSON.parse + check)": () => { let n = 0; for (const l of lines) n += parseRaw({ record: 1, text: l }, DEFAULT_LIMITS, v).valid === true ? 1 : 0; return n; },
    "schema parser": () => { let n = 0; for (const l of lines) n += parseInstallation(l) === undefined ? 0 : 1; return n; },
  };
  const results = Object.fromEntries(Object.keys(subjects).map((k) => [k, []]));
  for (let round = 0; round < 7; round++) {
    for (const [name, f] of Object.entries(subjects)) {
      const t = cpu();
      f();
      results[name].push(((cpu() - t) * 1e3) / lines.length);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  for (const [name, xs] of Object.entries(results)) console.log(`${name}: ${median(xs).toFixed(2)} CPU-µs/record (rounds ${xs.map((x) => x.toFixed(2)).join(" ")})`);
  console.log(`ratio parseRaw ÷ schema parser: ${(median(results["parseRaw (JSON.parse + check)"]) / median(results["schema parser"])).toFixed(2)}`);
}
