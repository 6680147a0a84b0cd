/**
 * Evaluating a batch of raw records into output lines, the same way in the main thread and in
 * worker threads: parse within limits, validate, evaluate, format. Each record gives exactly one
 * output line (a Decision or an error record) and is counted once, by outcome or as invalid.
 */
import { clauseFieldValues, decisionOutcome, evaluateRecord, factAt, type Decision, type RecordOutcome, type VersionModule } from "../runtime/index.js";
import type { RawRecord } from "./records.js";
import { parseRaw, recordsOf, withinSize, type BatchInput, type Limits } from "./records.js";

/** `report` is internal: one compact line per record for `tmad report` to aggregate. */
export type OutputFormat = "ndjson" | "json" | "table" | "csv" | "report";

export interface BatchOptions {
  readonly asOf: string | null;
  readonly trace: boolean;
  readonly format: OutputFormat;
  readonly limits: Limits;
}

export interface BatchResult {
  /** One line per record, joined by "\n" (",\n" for JSON output), with no separator at the end. */
  readonly body: string;
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

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? "" : Array.isArray(v) ? v.join(";") : typeof v === "object" ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvHeader(version: VersionModule<any, any>): string {
  return ["record", "installationId", "status", ...version.manifest.decisionFields, "clause", "rule", "versionId", "asOf", "errors"].join(",");
}

export function tableHeader(): string {
  return ["record", "installation", "status", "result", "clause", "rule"].join("\t");
}

function format(version: VersionModule<any, any>, record: number, o: RecordOutcome, fmt: OutputFormat, input: unknown): string {
  switch (fmt) {
    case "ndjson":
    case "json":
      return JSON.stringify(toOutput(record, o));
    case "table":
      return (o.ok
        ? [record, o.decision.installationId, o.decision.status, summaryKey(o), o.decision.clause ?? "", o.decision.rule ?? ""]
        : [record, o.installationId ?? "", "invalid", o.errors.map((e) => `${e.path}: ${e.message}`).join("; "), "", ""]
      ).join("\t");
    case "report": {
      if (!o.ok) return JSON.stringify({ record, invalid: true, id: o.installationId, error: o.errors.map((e) => `${e.path}: ${e.message}`).join("; ") });
      const d = o.decision;
      const dims = (version.manifest.reportBy ?? []).map((dim) => factAt(input, dim.path));
      return JSON.stringify({ record, id: d.installationId, outcome: summaryKey(o), clause: d.clause, rule: d.rule, category: clauseFieldValues(d, version.manifest).join(";"), dims });
    }
    case "csv": {
      const fields = version.manifest.decisionFields;
      if (o.ok) {
        const d: Decision = o.decision;
        const result = (d.result ?? {}) as Record<string, unknown>;
        return [record, d.installationId, d.status, ...fields.map((f) => result[f]), d.clause, d.rule, d.versionId, d.asOf, ""].map(csvCell).join(",");
      }
      return [record, o.installationId, "invalid", ...fields.map(() => ""), "", "", o.versionId, "", o.errors.map((e) => `${e.path}: ${e.message}`).join("; ")].map(csvCell).join(",");
    }
  }
}

export function evaluateRaw(version: VersionModule<any, any>, raw: RawRecord, options: Pick<BatchOptions, "asOf" | "trace" | "limits">): RecordOutcome {
  return evaluateParsed(version, parseRaw(raw, options.limits), options);
}

function evaluateParsed(version: VersionModule<any, any>, parsed: ReturnType<typeof parseRaw>, options: Pick<BatchOptions, "asOf" | "trace">): RecordOutcome {
  if ("problem" in parsed) return { ok: false, installationId: null, versionId: version.manifest.id, errors: [{ code: parsed.problem.code, path: "$", message: parsed.problem.message }] };
  return evaluateRecord(version, parsed.value, { asOf: options.asOf, trace: options.trace });
}

export function processBatch(version: VersionModule<any, any>, input: BatchInput, options: BatchOptions): BatchResult {
  // Lines split here were not measured by the reader when they fell inside one chunk.
  const raws = recordsOf(input).map((r) => withinSize(r, options.limits.maxRecordBytes));
  const lines: string[] = [];
  const counts: Record<string, number> = {};
  let invalid = 0;
  for (const raw of raws) {
    const parsed = parseRaw(raw, options.limits);
    const o = evaluateParsed(version, parsed, options);
    if (!o.ok) invalid++;
    const key = summaryKey(o);
    counts[key] = (counts[key] ?? 0) + 1;
    lines.push(format(version, raw.record, o, options.format, "value" in parsed ? parsed.value : undefined));
  }
  return { body: lines.join(options.format === "json" ? ",\n" : "\n"), count: lines.length, counts, invalid };
}
