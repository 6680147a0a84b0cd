/**
 * A digest of every traced output, to prove a change to the tracer or the traced evaluators
 * leaves what users read byte-identical:
 *   npx tsx bench/trace-digest.ts [records] [seed] [--dump DIR]
 * For each built version and each generated record (src/population/generate.ts) plus the valid
 * examples, it hashes (SHA-256) the JSON of the traced evaluation (`evaluateTraced`: decision and
 * trace; complete and as evaluated), of `evaluateRecord(…, { trace: true })` with and without an as-of date (the CLI's
 * `eval --trace`), and the explanation `tmad explain` prints (structured and as text). Run it
 * before and after a change and compare the lines; with `--dump DIR` it also writes each output,
 * one line per record, for `diff` when the digests differ.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { versions } from "../generated/index.js";
import { buildExplanation, renderExplanationText } from "../src/explain.js";
import { evaluateRecord, EvaluationError, type VersionModule } from "../src/runtime/index.js";
import { exampleLines, loadLines } from "./records.js";

const args = process.argv.slice(2);
const dumpAt = args.indexOf("--dump");
const dump = dumpAt >= 0 ? args[dumpAt + 1] : undefined;
const positional = args.filter((_, i) => dumpAt < 0 || (i !== dumpAt && i !== dumpAt + 1));
const count = Number(positional[0] ?? 20_000);
const seed = Number(positional[1] ?? 20);

const lines = [...(await loadLines(count, seed)), ...exampleLines()];
/** As-of dates that cut some generated facts (the generator's attempts span 2021–2022). */
const AS_OF = ["2021-06-30", "2022-03-10"];

if (dump !== undefined) mkdirSync(dump, { recursive: true });

for (const entry of versions) {
  const version = (await entry.load()) as VersionModule<any, any>;
  const kinds = ["evaluateTraced", "evaluateTraced evaluated", "eval --trace", "eval --trace --as-of", "eval --trace-evaluated --as-of", "explain json", "explain text"] as const;
  const hashes = new Map(kinds.map((k) => [k, createHash("sha256")]));
  const dumps = new Map(kinds.map((k) => [k, [] as string[]]));
  const add = (kind: (typeof kinds)[number], text: string): void => {
    hashes.get(kind)!.update(text).update("\n");
    if (dump !== undefined) dumps.get(kind)!.push(text);
  };
  let valid = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = JSON.parse(lines[i]) as unknown;
    const checked = version.validator.validate(raw);
    if (!checked.ok) continue;
    valid++;
    let direct: string;
    try {
      direct = JSON.stringify(version.evaluateTraced(checked.value, null));
    } catch (e) {
      if (!(e instanceof EvaluationError)) throw e;
      direct = `EvaluationError ${e.message} at ${e.at}`;
    }
    add("evaluateTraced", direct);
    let evaluated: string;
    try {
      evaluated = JSON.stringify(version.evaluateTraced(checked.value, null, "evaluated"));
    } catch (e) {
      if (!(e instanceof EvaluationError)) throw e;
      evaluated = `EvaluationError ${e.message} at ${e.at}`;
    }
    add("evaluateTraced evaluated", evaluated);
    const outcome = evaluateRecord(version, raw, { trace: true });
    add("eval --trace", JSON.stringify(outcome));
    add("eval --trace --as-of", JSON.stringify(evaluateRecord(version, raw, { trace: true, asOf: AS_OF[i % AS_OF.length] })));
    add("eval --trace-evaluated --as-of", JSON.stringify(evaluateRecord(version, raw, { trace: "evaluated", asOf: AS_OF[(i + 1) % AS_OF.length] })));
    const explanation = buildExplanation(version, outcome, { record: i + 1, notes: i % 2 === 0 });
    add("explain json", JSON.stringify(explanation));
    add("explain text", renderExplanationText(explanation));
  }
  for (const kind of kinds) {
    console.log(`${version.manifest.id}\t${kind}\t${valid} records\t${hashes.get(kind)!.digest("hex")}`);
    if (dump !== undefined) writeFileSync(join(dump, `${version.manifest.id} ${kind}.txt`), dumps.get(kind)!.join("\n") + "\n");
  }
}
