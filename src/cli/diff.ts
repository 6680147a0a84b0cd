/**
 * `tmad diff <A> <B>`: what changed between two TMAD versions, in the text, in the rules, and for
 * installations (witnesses found from the rules; a population's transition matrix with
 * --population). Exit 0 when no behaviour changed, 1 when some did, 2 on error.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { formatDiagnostic, hasErrors } from "../compiler/diagnostics/diagnostic.js";
import { diffVersions, type DiffSide } from "../compiler/diff/index.js";
import { renderDiff, type DiffFormat } from "../compiler/diff/render.js";
import { loadVersionFiles } from "../compiler/load.js";
import { compileVersion } from "../compiler/pipeline.js";
import { VersionReader } from "../compiler/source/versions.js";
import { renderExplanation } from "../explain.js";
import { evaluateRecord } from "../runtime/index.js";
import { limitsFrom } from "./eval.js";
import { parseRaw, readRawRecords } from "./records.js";
import { Sink } from "./sink.js";
import { UsageError } from "./usage.js";

/** A version named by directory, by id (`tmad-20.v1`) or by number (`20.v1`). */
export function versionDir(name: string): string {
  if (existsSync(name) && statSync(name).isDirectory()) return name;
  for (const candidate of [join("rules", name), join("rules", `tmad-${name}`)]) if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
  throw new UsageError(`no version "${name}": name a directory of rule documents, or a version under rules/`);
}

function side(reader: VersionReader, dir: string): DiffSide | undefined {
  const compiled = compileVersion(reader.read(dir));
  for (const d of compiled.diagnostics) if (d.severity === "error") process.stderr.write(`${formatDiagnostic(d)}\n`);
  if (hasErrors(compiled.diagnostics) || compiled.files === undefined || compiled.checked === undefined) {
    process.stderr.write(`tmad diff: ${compiled.id} has errors (above); fix them first\n`);
    return undefined;
  }
  return { checked: compiled.checked, loaded: loadVersionFiles(compiled.files) };
}

export async function runDiff(args: readonly string[], values: Record<string, unknown>): Promise<number> {
  if (args.length !== 2) throw new UsageError("name two versions: tmad diff <A> <B>");
  const format = ((values.format as string | undefined) ?? "text") as DiffFormat;
  if (!["text", "json", "markdown", "html"].includes(format)) throw new UsageError("--format must be text, json, markdown or html");
  const reader = new VersionReader();
  const a = side(reader, versionDir(args[0]));
  const b = side(reader, versionDir(args[1]));
  if (a === undefined || b === undefined) return 2;
  let population: { record: number; value?: unknown; parseError?: string }[] | undefined;
  const file = values.population as string | undefined;
  if (file !== undefined) {
    population = [];
    const limits = limitsFrom(values);
    for await (const raw of readRawRecords(file, limits)) {
      const parsed = parseRaw(raw, limits);
      population.push("value" in parsed ? { record: raw.record, value: parsed.value } : { record: raw.record, parseError: parsed.problem.message });
    }
  }
  const report = diffVersions(a, b, population === undefined ? {} : { population });
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
  return report.behaviourChanged ? 1 : 0;
}
