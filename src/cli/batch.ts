/**
 * Evaluating a batch of raw records into output lines, the same way in the main thread and in
 * worker threads: parse within limits, validate, evaluate, format. Each record gives exactly one
 * output line (a Decision or an error record) and is counted once, by outcome or as invalid.
 */
import { loadVersion } from "../index.js";
import { reportLine } from "../report/row.js";
import { decisionOutcome, evaluateRecord, type Decision, type EvaluateOptions, type InputErrorCode, type RecordOutcome, type TraceLevel, type VersionModule, type VersionSelector } from "../runtime/index.js";
import { ByteLines } from "./byte-lines.js";
import { csvRow } from "./csv.js";
import { DecisionJson } from "./decision-json.js";
import type { RawRecord } from "./records.js";
import { DEFAULT_MAX_RECORD_MS, eachRecord, parseRaw, withinSize, type BatchInput, type Limits } from "./records.js";

/** `report` is internal: one compact line per record for `tmad report` to aggregate. */
export type OutputFormat = "ndjson" | "json" | "table" | "csv" | "report";

export interface BatchOptions {
  readonly asOf: string | null;
  /** Trace each record: `true` or `complete` (every part), `evaluated` (as evaluated), false for none. */
  readonly trace: boolean | TraceLevel;
  readonly format: OutputFormat;
  readonly limits: Limits;
  /** Give the body as UTF-8 bytes (BatchResult.bytes): a worker transfers them to the writing thread instead of copying a string. */
  readonly bytes?: boolean;
}

export interface BatchResult {
  /** One line per record, joined by "\n" (",\n" for JSON output, "\r\n" for CSV), with no separator at the end; empty when `bytes` holds it. */
  readonly body: string;
  /** With BatchOptions.bytes: the body as UTF-8, in a buffer of its own (so it can be transferred). */
  readonly bytes?: Uint8Array;
  /** How many records (and so lines) the batch held. */
  readonly count: number;
  readonly counts: Record<string, number>;
  readonly invalid: number;
}

/** The output object for one record: the Decision (with its record number), or an error record. */
export function toOutput(record: number, o: RecordOutcome): Record<string, unknown> {
  if (o.ok) return o.trace === undefined ? { record, ...o.decision } : { record, ...o.decision, trace: o.trace };
  return { record, installationId: o.installationId, versionId: o.versionId, status: "invalid", errors: o.errors };
}

/** Groups records for the summary: by the decision's outcome, or as invalid. */
export function summaryKey(o: RecordOutcome): string {
  return o.ok ? decisionOutcome(o.decision) : "invalid";
}

export function csvHeader(version: VersionModule<any, any>): string {
  return csvRow(["record", "installationId", "status", ...version.manifest.decisionFields, "clause", "rule", "versionId", "asOf", "factsIgnored", "reviewOn", "errors"]);
}

/** What ends each output line: CRLF for CSV (RFC 4180), a newline otherwise; JSON elements also get a comma. */
export function lineEnd(format: OutputFormat): string {
  return format === "csv" ? "\r\n" : "\n";
}

export function tableHeader(): string {
  return ["record", "installation", "status", "result", "clause", "rule"].join("\t");
}

const decisionJson = new DecisionJson();

function format(version: VersionModule<any, any>, record: number, o: RecordOutcome, fmt: OutputFormat, input: unknown): string {
  switch (fmt) {
    case "ndjson":
    case "json": {
      // A decision without a trace: its JSON with the record number put first, as toOutput would,
      // without copying the decision into a new object (and what repeats written once: decision-json.ts).
      if (o.ok && o.trace === undefined) return decisionJson.line(record, o.decision);
      return JSON.stringify(toOutput(record, o));
    }
    case "table":
      return (o.ok
        ? [record, o.decision.installationId, o.decision.status, summaryKey(o), o.decision.clause ?? "", o.decision.rule ?? ""]
        : [record, o.installationId ?? "", "invalid", o.errors.map((e) => `${e.path}: ${e.message}`).join("; "), "", ""]
      ).join("\t");
    case "report":
      return reportLine(version, record, o, input);
    case "csv": {
      const fields = version.manifest.decisionFields;
      if (o.ok) {
        const d: Decision = o.decision;
        const result = (d.result ?? {}) as Record<string, unknown>;
        return csvRow([record, d.installationId, d.status, ...fields.map((f) => result[f]), d.clause, d.rule, d.versionId, d.asOf, d.factsIgnored, d.reviewOn, ""]);
      }
      return csvRow([record, o.installationId, "invalid", ...fields.map(() => ""), "", "", o.versionId, "", "", "", o.errors.map((e) => `${e.path}: ${e.message}`).join("; ")]);
    }
  }
}

/** Which version evaluates: one chosen from the registry, or a module exporting `version` (tests use one). */
export type VersionRef = { readonly selector: VersionSelector } | { readonly module: string };

export async function loadVersionRef(ref: VersionRef): Promise<VersionModule<any, any>> {
  if ("selector" in ref) return loadVersion(ref.selector);
  return ((await import(ref.module)) as { version: VersionModule<any, any> }).version;
}

/** A record of a batch not to evaluate again, and the error it gets instead (it killed a worker, or overran the budget). */
export interface Poison {
  /** Position of the record in the batch (0-based). */
  readonly index: number;
  readonly code: InputErrorCode;
  readonly message: string;
}

/**
 * Where a worker thread says which record it is on, for the pool's watchdog (src/cli/pool.ts): an
 * Int32Array over shared memory. COUNTER goes up by one per record, SEQ and INDEX name the batch and
 * the record in it, BUSY is 1 from a batch's first record until its result has been posted.
 */
export const PROGRESS = { COUNTER: 0, SEQ: 1, INDEX: 2, BUSY: 3, SLOTS: 4 } as const;

export interface BatchWatch {
  readonly progress?: Int32Array;
  readonly seq?: number;
  readonly poison?: readonly Poison[];
}

export function budgetMessage(ms: number): string {
  return `evaluating this record took longer than the budget of ${ms} ms (--max-record-ms); it was stopped and the run went on`;
}

export function evaluateRaw(version: VersionModule<any, any>, raw: RawRecord, options: Pick<BatchOptions, "asOf" | "trace" | "limits">): RecordOutcome {
  return evaluateParsed(version, parseRaw(raw, options.limits, version.validator), recordOptions(options));
}

/** The options evaluateRecord gets for a record read valid and for one not (made once per batch, not per record). */
interface RecordOptions {
  readonly valid: EvaluateOptions;
  readonly unchecked: EvaluateOptions;
}

function recordOptions(options: Pick<BatchOptions, "asOf" | "trace">): RecordOptions {
  return { valid: { asOf: options.asOf, trace: options.trace, valid: true }, unchecked: { asOf: options.asOf, trace: options.trace, valid: false } };
}

function evaluateParsed(version: VersionModule<any, any>, parsed: ReturnType<typeof parseRaw>, options: RecordOptions): RecordOutcome {
  if ("problem" in parsed) return { ok: false, installationId: null, versionId: version.manifest.id, errors: [{ code: parsed.problem.code, path: "$", message: parsed.problem.message }] };
  return evaluateRecord(version, parsed.value, parsed.valid === true ? options.valid : options.unchecked);
}

/** An error record for a record that was not (or not wholly) evaluated. */
function failed(version: VersionModule<any, any>, code: InputErrorCode, message: string): RecordOutcome {
  return { ok: false, installationId: null, versionId: version.manifest.id, errors: [{ code, path: "$", message }] };
}

/**
 * Evaluates a batch. Each record is timed: one that took longer than the budget gets a `too-slow`
 * error record (in a worker the pool stops such a record before it ends; in this thread, with
 * `--workers 0`, it can only be judged once it has ended). An exception that is not the rules'
 * (a fault in tmad, a stack overflow) costs that record only: an `internal-error` record.
 */
export function processBatch(version: VersionModule<any, any>, input: BatchInput, options: BatchOptions, watch: BatchWatch = {}): BatchResult {
  const budget = options.limits.maxRecordMs ?? DEFAULT_MAX_RECORD_MS;
  const progress = watch.progress;
  if (progress !== undefined) {
    Atomics.store(progress, PROGRESS.SEQ, watch.seq ?? 0);
    Atomics.store(progress, PROGRESS.BUSY, 1);
  }
  const poison = watch.poison ?? [];
  // The lines as strings, or (BatchOptions.bytes) written straight into UTF-8 bytes.
  const out = options.bytes === true ? new ByteLines(1 << 16) : undefined;
  const separator = options.format === "json" ? ",\n" : lineEnd(options.format);
  const separatorBytes = out === undefined ? undefined : new TextEncoder().encode(separator);
  let count = 0;
  const lines: string[] = [];
  // A Map per batch: an object indexed by ever-changing keys makes every update a megamorphic lookup.
  const tally = new Map<string, number>();
  let invalid = 0;
  const evaluateOptions = recordOptions(options);
  const visit = (line: RawRecord, i: number): void => {
    // Lines split here were not measured by the reader when they fell inside one chunk.
    const raw = withinSize(line, options.limits.maxRecordBytes);
    if (progress !== undefined) {
      Atomics.store(progress, PROGRESS.INDEX, i);
      Atomics.add(progress, PROGRESS.COUNTER, 1);
    }
    const poisoned = poison.length === 0 ? undefined : poison.find((p) => p.index === i);
    let o: RecordOutcome;
    let value: unknown;
    if (poisoned !== undefined) o = failed(version, poisoned.code, poisoned.message);
    else {
      const started = performance.now();
      try {
        const parsed = parseRaw(raw, options.limits, version.validator);
        value = "value" in parsed ? parsed.value : undefined;
        o = evaluateParsed(version, parsed, evaluateOptions);
      } catch (e) {
        o = failed(version, "internal-error", `evaluating this record failed inside tmad (${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}); please report it`);
      }
      if (performance.now() - started > budget) o = failed(version, "too-slow", budgetMessage(budget));
    }
    if (!o.ok) invalid++;
    const key = summaryKey(o);
    tally.set(key, (tally.get(key) ?? 0) + 1);
    if (out === undefined) lines.push(format(version, raw.record, o, options.format, value));
    else {
      if (count > 0) out.bytes(separatorBytes!);
      if ((options.format === "ndjson" || options.format === "json") && o.ok && o.trace === undefined) decisionJson.write(out, raw.record, o.decision);
      else out.text(format(version, raw.record, o, options.format, value));
    }
    count++;
  };
  // Decoding a piece of the chunk is work on the first record it holds (for the pool's watchdog).
  eachRecord(input, visit, progress === undefined ? undefined : (i) => Atomics.store(progress, PROGRESS.INDEX, i));
  const counts: Record<string, number> = {};
  for (const [key, n] of tally) counts[key] = n;
  if (out === undefined) return { body: lines.join(separator), count, counts, invalid };
  return { body: "", bytes: out.take(), count, counts, invalid };
}
