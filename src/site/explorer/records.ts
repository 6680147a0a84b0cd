/**
 * The explorer's one view of the CLI's record handling (the adapter to change when reading
 * records changes): pasted or opened text → one outcome per record, in input order, exactly as
 * `tmad eval` and `tmad explain` give them. NDJSON lines (blank ones skipped, numbered by line) or
 * one JSON array; each record is parsed with the CLI's limits (size, depth, duplicate keys) and
 * validated and evaluated by the runtime, so an invalid record gets the same per-field errors.
 * Runs in the browser (bundled) and in Node.
 */
import { evaluateRaw, summaryKey } from "../../cli/batch.js";
import { DEFAULT_LIMITS, type Limits, type RawRecord } from "../../cli/records.js";
import type { RecordOutcome, VersionModule } from "../../runtime/index.js";

const encoder = new TextEncoder();

/** Raw records of a text, as the CLI reads a file: a JSON array when it starts with `[`, else NDJSON. */
export function rawRecordsOfText(text: string, limits: Limits = DEFAULT_LIMITS): RawRecord[] {
  if (text.trimStart().startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      // The CLI's marker for a problem found before parsing a record: reported as invalid-json.
      return [{ record: 1, text: `\u0000the text starts with '[' but is not a JSON array: ${(e as Error).message}` }];
    }
    return Array.isArray(parsed) ? parsed.map((r, i) => ({ record: i + 1, text: JSON.stringify(r) })) : [];
  }
  const out: RawRecord[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, "");
    if (line.trim() === "") continue;
    const bytes = line.length * 3 <= limits.maxRecordBytes ? line.length : encoder.encode(line).length;
    out.push(bytes > limits.maxRecordBytes ? { record: i + 1, tooLarge: bytes } : { record: i + 1, text: line });
  }
  return out;
}

export interface ExplorerOutcome {
  readonly record: number;
  readonly outcome: RecordOutcome;
}

/** Evaluates every record of a text with one version, traced (for the explanations). */
export function evaluateText(version: VersionModule<any, any>, text: string, asOf: string | null, limits: Limits = DEFAULT_LIMITS): ExplorerOutcome[] {
  return rawRecordsOfText(text, limits).map((raw) => ({ record: raw.record, outcome: evaluateRaw(version, raw, { asOf, trace: true, limits }) }));
}

/** The CLI's summary line: `N records = D decisions + I invalid; by outcome …`. */
export function summaryOf(outcomes: readonly ExplorerOutcome[]): string {
  const counts: Record<string, number> = {};
  let invalid = 0;
  for (const o of outcomes) {
    const key = summaryKey(o.outcome);
    if (!o.outcome.ok) invalid++;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  const by = Object.keys(counts)
    .sort()
    .map((k) => `${k}=${counts[k]}`)
    .join(", ");
  return `${outcomes.length} records = ${outcomes.length - invalid} decisions + ${invalid} invalid${by === "" ? "" : `; ${by}`}`;
}
