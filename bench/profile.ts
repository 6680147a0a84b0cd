/**
 * Runs one evaluator alone for a while, for a CPU profile:
 *   node --cpu-prof --cpu-prof-dir=/tmp/tmad-prof --import tsx bench/profile.ts generated 5
 *   npx tsx bench/profile-summary.ts /tmp/tmad-prof/<file>.cpuprofile
 * Subjects: generated | traced (recorded only) | evaluated (traced as evaluated, recorded only) | tree (traced, the tree built) | handwritten. Seconds default to 5.
 */
import { performance } from "node:perf_hooks";
import { loadVersion } from "../src/index.js";
import type { Decision, Installation } from "../generated/tmad-20.v2/model.js";
import type * as rt from "../src/runtime/index.js";
import { evaluate as handwritten } from "./handwritten-20v2.js";
import { loadRecords } from "./records.js";
import { consume, sink } from "./timing.js";

const subject = process.argv[2] ?? "generated";
const seconds = Number(process.argv[3] ?? 5);
const version = (await loadVersion({ version: "20.v2" })) as rt.VersionModule<Installation, Decision>;
const { records } = await loadRecords(version, 20_000);
const one: (r: Installation) => number =
  subject === "tree"
    ? (r) => version.evaluateTraced(r, null).trace.rules.length
    : subject === "traced"
    ? (r) => version.evaluateTraced(r, null).decision.fired.length
    : subject === "evaluated"
    ? (r) => version.evaluateTraced(r, null, "evaluated").decision.fired.length
    : subject === "handwritten"
      ? (r) => handwritten(r, null).fired.length
      : (r) => version.evaluate(r, null).fired.length;
const start = performance.now();
let n = 0;
while (performance.now() - start < seconds * 1000) {
  for (let i = 0; i < records.length; i++) consume(one(records[i]));
  n += records.length;
}
console.log(`${subject}: ${Math.round((n * 1000) / (performance.now() - start))} records/s (sink ${sink})`);
