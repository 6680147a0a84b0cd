/**
 * `tmad eval` and `tmad explain`: read installation records (NDJSON, or one JSON array), evaluate
 * each with the chosen version, and write one output per input record in input order. A line that
 * is not JSON, or a record that fails validation, yields an error record, never a gap; counts
 * reconcile: records in = decisions + invalid records.
 */
import { closeSync, createReadStream, openSync, readFileSync, readSync, renameSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { loadVersion } from "../index.js";
import { renderExplanation } from "../explain.js";
import { evaluateRecord, type RecordOutcome, type VersionModule, type VersionSelector } from "../runtime/index.js";
import { UsageError } from "./usage.js";

export interface InputRecord {
  /** 1-based record number (line number for NDJSON). */
  readonly record: number;
  readonly value?: unknown;
  readonly parseError?: string;
}

function selector(values: Record<string, unknown>): VersionSelector {
  const version = values.version as string | undefined;
  const asOf = values["as-of"] as string | undefined;
  if (version !== undefined && asOf !== undefined) throw new UsageError("give either --version or --as-of, not both");
  if (version !== undefined) return { version };
  if (asOf !== undefined) return { asOf };
  throw new UsageError("say which TMAD version: --version V (e.g. 20.v2) or --as-of DATE");
}

/** Records from NDJSON (streamed, blank lines skipped) or from a file holding one JSON array. */
export async function* readRecords(file: string): AsyncGenerator<InputRecord> {
  if (file !== "-") {
    const head = readHead(file);
    if (head === "[") {
      const text = readFileSync(file, "utf8");
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        yield { record: 1, parseError: `the file starts with '[' but is not a JSON array: ${(e as Error).message}` };
        return;
      }
      if (!Array.isArray(parsed)) return;
      for (let i = 0; i < parsed.length; i++) yield { record: i + 1, value: parsed[i] };
      return;
    }
  }
  const stream = file === "-" ? process.stdin : createReadStream(file, { encoding: "utf8" });
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === "") continue;
    try {
      yield { record: n, value: JSON.parse(line) };
    } catch (e) {
      yield { record: n, parseError: `line ${n} is not valid JSON: ${(e as Error).message}` };
    }
  }
}

/** The first non-blank character of a file, read from its first 4 KiB only. */
function readHead(file: string): string {
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(4096);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.toString("utf8", 0, n).trimStart().slice(0, 1);
  } finally {
    closeSync(fd);
  }
}

function outcomeOf(version: VersionModule<any, any>, input: InputRecord, asOf: string | null, trace: boolean): RecordOutcome {
  if (input.parseError !== undefined) {
    return { ok: false, installationId: null, versionId: version.manifest.id, errors: [{ code: "invalid-json", path: "$", message: input.parseError }] };
  }
  return evaluateRecord(version, input.value, { asOf, trace });
}

/** The output line for one record: the Decision (with its record number), or an error record. */
function toOutput(record: number, o: RecordOutcome): Record<string, unknown> {
  if (o.ok) return o.trace === undefined ? { record, ...o.decision } : { record, ...o.decision, trace: o.trace };
  return { record, installationId: o.installationId, versionId: o.versionId, status: "invalid", errors: o.errors };
}

/** Groups decisions by the first declared decision field (e.g. `outcome`) for the summary. */
function summaryKey(o: RecordOutcome): string {
  if (!o.ok) return "invalid";
  if (o.decision.status === "conflict") return "conflict";
  const first = Object.values(o.decision.result ?? {})[0];
  return typeof first === "string" ? first : o.decision.status;
}

export async function runEval(args: readonly string[], values: Record<string, unknown>): Promise<number> {
  const [file, ...extra] = args;
  if (file === undefined || extra.length > 0) throw new UsageError("name one input file, or - for standard input");
  const format = (values.format as string | undefined) ?? "ndjson";
  if (!["ndjson", "json", "table"].includes(format)) throw new UsageError("--format must be ndjson, json or table");
  const sel = selector(values);
  const version = await loadVersion(sel);
  const asOf = "asOf" in sel ? sel.asOf : null;
  const trace = values.trace === true;
  const out = values.out as string | undefined;
  const chunks: string[] = [];
  const emit = (s: string): void => {
    if (out === undefined) process.stdout.write(s);
    else chunks.push(s);
  };
  const counts = new Map<string, number>();
  let total = 0;
  let invalid = 0;
  let first = true;
  if (format === "json") emit("[\n");
  if (format === "table") emit(`${["record", "installation", "status", "result", "clause", "rule"].join("\t")}\n`);
  for await (const input of readRecords(file)) {
    total++;
    const o = outcomeOf(version, input, asOf, trace);
    if (!o.ok) invalid++;
    const key = summaryKey(o);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (format === "table") {
      const row = o.ok
        ? [input.record, o.decision.installationId, o.decision.status, key, o.decision.clause ?? "", o.decision.rule ?? ""]
        : [input.record, o.installationId ?? "", "invalid", o.errors.map((e) => `${e.path}: ${e.message}`).join("; "), "", ""];
      emit(`${row.join("\t")}\n`);
    } else if (format === "json") {
      emit(`${first ? "" : ",\n"}${JSON.stringify(toOutput(input.record, o))}`);
    } else {
      emit(`${JSON.stringify(toOutput(input.record, o))}\n`);
    }
    first = false;
  }
  if (format === "json") emit(`${first ? "" : "\n"}]\n`);
  if (out !== undefined) {
    // Written whole then renamed, so an interrupted run never leaves a file that looks complete.
    const tmp = `${out}.tmp-${process.pid}`;
    writeFileSync(tmp, chunks.join(""));
    renameSync(tmp, out);
  }
  const decisions = total - invalid;
  const byOutcome = [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`);
  process.stderr.write(`tmad eval: ${version.manifest.id}${asOf === null ? "" : ` (in force on ${asOf})`}: ${total} records = ${decisions} decisions + ${invalid} invalid; ${byOutcome.join(", ")}\n`);
  if (decisions + invalid !== total) throw new Error("internal: counts do not reconcile");
  return invalid > 0 ? 1 : 0;
}

export async function runExplain(args: readonly string[], values: Record<string, unknown>): Promise<number> {
  const [file, ...extra] = args;
  if (file === undefined || extra.length > 0) throw new UsageError("name one input file, or - for standard input");
  const sel = selector(values);
  const version = await loadVersion(sel);
  const asOf = "asOf" in sel ? sel.asOf : null;
  const wanted = values.id as string | undefined;
  let shown = 0;
  let invalid = 0;
  for await (const input of readRecords(file)) {
    const o = outcomeOf(version, input, asOf, true);
    const id = o.ok ? o.decision.installationId : o.installationId;
    if (wanted !== undefined && id !== wanted) continue;
    if (!o.ok) invalid++;
    process.stdout.write(`${shown > 0 ? "\n" : ""}[record ${input.record}] ${renderExplanation(version, o)}\n`);
    shown++;
  }
  if (shown === 0) {
    process.stderr.write(wanted === undefined ? "tmad explain: no records in the input\n" : `tmad explain: no record with id "${wanted}"\n`);
    return 1;
  }
  return invalid > 0 ? 1 : 0;
}
