/**
 * `tmad diff <A> <B>`: what changed between two TMAD versions, in the text, in the rules, and for
 * installations (witnesses found from the rules; a population's transition matrix with
 * --population, read as it streams). Exit 0 only when no behaviour changed (shown from the rules'
 * structure), 1 when it changed (with or without a witness), 2 on error. On a terminal, long
 * searches and populations print progress on stderr.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { formatDiagnostic, hasErrors } from "../compiler/diagnostics/diagnostic.js";
import { diffVersions, diffVersionsStreaming, VersionDiff, type DiffOptions, type DiffReport, type DiffSide } from "../compiler/diff/index.js";
import type { PopulationInput } from "../compiler/diff/population.js";
import { renderDiff, type DiffFormat } from "../compiler/diff/render.js";
import { filesToLoad, transpileGenerated } from "../compiler/load.js";
import { runGenerated } from "../compiler/run-generated.js";
import { compileVersion } from "../compiler/pipeline.js";
import { VersionReader } from "../compiler/source/versions.js";
import { renderExplanation } from "../explain.js";
import { evaluateRecord } from "../runtime/index.js";
import { diffInWorkers } from "./diff-pool.js";
import { limitsFrom, workersFrom } from "./eval.js";
import { parseRaw, readBatches, readRawRecords, type Limits } from "./records.js";
import { Sink } from "./sink.js";
import { UsageError } from "./usage.js";
import { cliIo } from "./io.js";

/** A version named by directory, by id (`tmad-20.v1`) or by number (`20.v1`). */
export function versionDir(name: string): string {
  if (existsSync(name) && statSync(name).isDirectory()) return name;
  for (const candidate of [join("rules", name), join("rules", `tmad-${name}`)]) if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
  throw new UsageError(`no version "${name}": name a directory of rule documents, or a version under rules/`);
}

function side(reader: VersionReader, dir: string): (DiffSide & { readonly code: readonly (readonly [string, string])[] }) | undefined {
  const compiled = compileVersion(reader.read(dir), "pins");
  for (const d of compiled.diagnostics) if (d.severity === "error") cliIo().stderr.write(`${formatDiagnostic(d)}\n`);
  if (hasErrors(compiled.diagnostics) || compiled.checked === undefined) {
    cliIo().stderr.write(`tmad diff: ${compiled.id} has errors (above); fix them first\n`);
    return undefined;
  }
  const code = transpileGenerated(filesToLoad(compiled.checked));
  return { checked: compiled.checked, loaded: runGenerated(code), code };
}

export async function runDiff(args: readonly string[], values: Record<string, unknown>): Promise<number> {
  if (args.length !== 2) throw new UsageError("name two versions: tmad diff <A> <B>");
  const format = ((values.format as string | undefined) ?? "text") as DiffFormat;
  if (!["text", "json", "markdown", "html"].includes(format)) throw new UsageError("--format must be text, json, markdown or html");
  const workers = workersFrom(values);
  const limits = limitsFrom(values);
  const reader = new VersionReader();
  const a = side(reader, versionDir(args[0]));
  const b = side(reader, versionDir(args[1]));
  if (a === undefined || b === undefined) return 2;
  const file = values.population as string | undefined;
  const progress = cliIo().stderr.isTTY === true ? progressLine() : undefined;
  const options = { ids: values.ids === true, ...(progress === undefined ? {} : { progress: progress.update }) };
  let report;
  try {
    report = file === undefined ? diffVersions(a, b, options) : workers === 0 ? await diffVersionsStreaming(a, b, populationOf(file, limits), options) : await diffInParallel(a, b, file, limits, workers, options);
  } finally {
    progress?.done();
  }
  const explain = (which: "a" | "b", record: unknown): string => {
    const m = (which === "a" ? a : b).loaded.version;
    return renderExplanation(m, evaluateRecord(m, record, { trace: true }));
  };
  const text = renderDiff(report, format, { ids: values.ids === true, explain });
  const sink = new Sink(values.out as string | undefined);
  try {
    await sink.write(text);
    await sink.close();
  } catch (e) {
    sink.abort();
    throw e;
  }
  return report.verdict === "unchanged" ? 0 : 1;
}

/**
 * The diff with the population counted in worker threads: each parses, decides and counts batches of
 * the file; the counts are merged in input order, so the report is the one a single thread gives.
 */
async function diffInParallel(a: DiffSide & { readonly code: readonly (readonly [string, string])[] }, b: DiffSide & { readonly code: readonly (readonly [string, string])[] }, file: string, limits: Limits, workers: number, options: DiffOptions): Promise<DiffReport> {
  const d = new VersionDiff(a, b, options);
  d.start();
  d.beginPopulation();
  for await (const r of diffInWorkers(readBatches(file, limits), { a: a.code, b: b.code, tally: d.tallySetup(), limits }, workers)) d.addPart(r.part, r.answers);
  return d.finish();
}

/** The population file as records, parsed one at a time as they are read. */
async function* populationOf(file: string, limits: ReturnType<typeof limitsFrom>): AsyncGenerator<PopulationInput> {
  for await (const raw of readRawRecords(file, limits)) {
    const parsed = parseRaw(raw, limits);
    yield "value" in parsed ? { record: raw.record, value: parsed.value } : { record: raw.record, parseError: parsed.problem.message };
  }
}

/** One line on stderr, rewritten in place, at most a few times a second. */
function progressLine(): { update: (message: string) => void; done: () => void } {
  let last = 0;
  let shown = false;
  return {
    update(message) {
      const now = Date.now();
      if (now - last < 250) return;
      last = now;
      shown = true;
      cliIo().stderr.write(`\r\u001b[2K${message}`);
    },
    done() {
      if (shown) cliIo().stderr.write("\r\u001b[2K");
    },
  };
}
