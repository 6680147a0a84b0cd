/**
 * Where the generated 20.v2 evaluator spends more than the hand-written one, by class of record:
 *   npx tsx bench/classes.ts [records] [rounds]
 * Records (the bench's, parsed and validated) are grouped by how many dormant meters they have and
 * how long the longest of a dormant meter's attempt histories is. Each class is evaluated by both
 * evaluators in turn, class by class, in interleaved rounds; CPU time of this process per record,
 * median of the rounds. A class is evaluated alone, so the branches and caches see one kind of
 * record at a time, unlike the bench's pass over all of them: read the ratios, not the absolute
 * times, and on a loaded machine run it more than once. The last columns say what share of all
 * records each class is and what it adds to the generated evaluator's excess over the hand-written one.
 */
import type { Decision, Device, Installation } from "../generated/tmad-20.v2/model.js";
import { loadVersion } from "../src/index.js";
import type * as rt from "../src/runtime/index.js";
import { evaluate as handwritten } from "./handwritten-20v2.js";
import { groupRecords, isDormantMeter, loadRecords } from "./records.js";
import { consume, median, nsPerRecord } from "./timing.js";

const count = Number(process.argv[2] ?? 20_000);
const rounds = Number(process.argv[3] ?? 7);

const history = (d: Device): number => Math.max(d.firmwareAttempts.length, d.configurationAttempts.length, d.confirmationAttempts.length);

function classOf(r: Installation): string {
  const dormant = r.devices.filter(isDormantMeter);
  if (dormant.length === 0) return `no dormant meter, ${r.communicating ? "communicating" : "not communicating"}`;
  const longest = Math.max(...dormant.map(history));
  const band = longest <= 10 ? "≤ 10" : longest <= 60 ? "11–60" : "> 60";
  return `${dormant.length} dormant meter${dormant.length > 1 ? "s" : ""}, longest history ${band}`;
}

/** CPU ns per record of `evaluate` over `records`, repeated for at least 50 ms of CPU. */
function perRecord(evaluate: (r: Installation) => number, records: readonly Installation[]): number {
  return nsPerRecord(() => {
    for (let i = 0; i < records.length; i++) consume(evaluate(records[i]));
    return records.length;
  }, 50);
}

const version = (await loadVersion({ version: "20.v2" })) as rt.VersionModule<Installation, Decision>;
const { records } = await loadRecords(version, count);
const classes = groupRecords(records, classOf);
const generated = (r: Installation): number => version.evaluate(r, null).fired.length;
const hand = (r: Installation): number => handwritten(r, null).fired.length;

const rows: { name: string; records: number; gen: number; hand: number }[] = [];
for (const [name, list] of classes) {
  perRecord(generated, list); // warm-up
  perRecord(hand, list);
  const g: number[] = [];
  const h: number[] = [];
  for (let k = 0; k < rounds; k++) {
    g.push(perRecord(generated, list));
    h.push(perRecord(hand, list));
  }
  rows.push({ name, records: list.length, gen: median(g), hand: median(h) });
}
const excess = rows.reduce((s, r) => s + r.records * Math.max(0, r.gen - r.hand), 0);
console.log("| class | records | generated ns/record | hand-written ns/record | hand ÷ generated | share of records | share of the excess |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const r of rows.sort((a, b) => b.records * (b.gen - b.hand) - a.records * (a.gen - a.hand))) {
  const share = (100 * r.records) / records.length;
  const ofExcess = (100 * r.records * Math.max(0, r.gen - r.hand)) / excess;
  console.log(`| ${r.name} | ${r.records} | ${r.gen.toFixed(0)} | ${r.hand.toFixed(0)} | ${(r.hand / r.gen).toFixed(2)} | ${share.toFixed(1)}% | ${ofExcess.toFixed(0)}% |`);
}
const total = (k: "gen" | "hand"): number => rows.reduce((s, r) => s + r.records * r[k], 0);
console.log(`\nall classes, weighted by their records: hand ÷ generated ${(total("hand") / total("gen")).toFixed(2)} (each class alone; the bench's row evaluates them mixed)`);
