/**
 * `tmad explain`: each record's decision explained for people (text) or as the structured
 * Explanation (`--format json`, one object per line, schemas/explanation.schema.json). With `--id`
 * it stops at the record it finds: records before it are only parsed (not evaluated), and the rest
 * of the input is not read.
 */
import { loadVersion } from "../index.js";
import { buildExplanation } from "../explanation/build.js";
import { renderExplanationText } from "../explanation/render.js";
import { evaluateRecord } from "../runtime/index.js";
import { limitsFrom, selector } from "./eval.js";
import { parseRaw, readRawRecords } from "./records.js";
import { UsageError } from "./usage.js";
import { cliIo } from "./io.js";

export async function runExplain(args: readonly string[], values: Record<string, unknown>): Promise<number> {
  const [file, ...extra] = args;
  if (file === undefined || extra.length > 0) throw new UsageError("name one input file, or - for standard input");
  const format = (values.format as string | undefined) ?? "text";
  if (format !== "text" && format !== "json") throw new UsageError("--format must be text or json");
  const sel = selector(values);
  const version = await loadVersion(sel);
  const asOf = "asOf" in sel ? sel.asOf : null;
  const wanted = values.id as string | undefined;
  const limits = limitsFrom(values);
  // A reader that stops early (`| head`) ends the run quietly: nothing is lost that it wanted.
  cliIo().stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
  let shown = 0;
  let invalid = 0;
  for await (const raw of readRawRecords(file, limits)) {
    const parsed = parseRaw(raw, limits);
    if (wanted !== undefined && ("problem" in parsed || version.validator.keyOf(parsed.value) !== wanted)) continue;
    const outcome =
      "problem" in parsed
        ? { ok: false as const, installationId: null, versionId: version.manifest.id, errors: [{ code: parsed.problem.code, path: "$", message: parsed.problem.message }] }
        : evaluateRecord(version, parsed.value, { asOf, trace: true });
    if (!outcome.ok) invalid++;
    const explanation = buildExplanation(version, outcome, { record: raw.record, notes: values.notes === true });
    cliIo().stdout.write(format === "json" ? `${JSON.stringify(explanation)}\n` : `${shown > 0 ? "\n" : ""}${renderExplanationText(explanation)}\n`);
    shown++;
    if (wanted !== undefined) break;
  }
  if (shown === 0) {
    cliIo().stderr.write(wanted === undefined ? "tmad explain: no records in the input\n" : `tmad explain: no record with id "${wanted}"\n`);
    return 1;
  }
  return invalid > 0 ? 1 : 0;
}
