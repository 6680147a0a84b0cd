/**
 * Is an edited copy of the generated 20.v2 evaluator faster? Try an idea by hand before changing the generator:
 *   cp generated/tmad-20.v2/rules.ts /tmp/variant.ts   # edit the copy (its imports may stay as they are)
 *   npx tsx bench/ab.ts /tmp/variant.ts [records] [rounds]
 * First the variant's decisions are compared with those of rules.ts on every record (it stops at
 * the first that differs). Then each round measures, each in a process of its own and in an order
 * that rotates, rules.ts (the control), rules.ts again (the twin) and the variant: CPU ns per record
 * of that process, for all records and for each class (by dormant meters). Printed: medians of the
 * per-round ratios, variant ÷ control and twin ÷ control. The twin says how much noise to expect:
 * a variant is faster only by clearly more than the twin's distance from 1.00.
 *
 * Why a process each: copies measured in one process were not comparable. Two identical copies
 * differed by about 10%, the faster being the module imported first, whatever the order of the
 * rounds and with a timing loop of each copy's own.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Decision, Installation } from "../generated/tmad-20.v2/model.js";
import { loadVersion } from "../src/index.js";
import type * as rt from "../src/runtime/index.js";
import { groupRecords, isDormantMeter, loadRecords, root } from "./records.js";
import { consume, median, nsPerRecord } from "./timing.js";

type Evaluate = (r: Installation, asOf: string | null) => rt.Decision<Decision>;
interface Subject {
  evaluate: Evaluate;
  abPass: (records: readonly Installation[]) => number;
}

const generatedDir = join(root, "generated", "tmad-20.v2");

/** The module's relative imports made absolute (against generated/tmad-20.v2/), so that it runs from elsewhere. */
function anchored(source: string): string {
  return source.replace(/(from\s+|import\s*\(\s*)"(\.\.?\/[^"]+)"/g, (_all, lead: string, spec: string) => `${lead}${JSON.stringify(resolve(generatedDir, spec))}`);
}

/** The timing loop, appended to each copy. */
const timingLoop = `
/** Evaluates every record of \`records\` once (bench/ab.ts); the sum of the fired lists' lengths. */
export function abPass(records: readonly model.Installation[]): number {
  let n = 0;
  for (let i = 0; i < records.length; i++) n += evaluate(records[i], null).fired.length;
  return n;
}
`;

function classOf(r: Installation): string {
  const n = r.devices.filter(isDormantMeter).length;
  return n === 0 ? "no dormant meter" : n === 1 ? "1 dormant meter" : "2 or more dormant meters";
}


/** CPU ns per record of the subject's passes over `records`, repeated for at least `ms` of CPU. */
function perRecord(subject: Subject, records: readonly Installation[], ms: number): number {
  return nsPerRecord(() => {
    consume(subject.abPass(records));
    return records.length;
  }, ms);
}

async function records(count: number): Promise<readonly Installation[]> {
  const version = (await loadVersion({ version: "20.v2" })) as rt.VersionModule<Installation, Decision>;
  return (await loadRecords(version, count)).records;
}

function byClass(list: readonly Installation[]): Map<string, readonly Installation[]> {
  return new Map([["all records", list], ...groupRecords(list, classOf)]);
}

/** In a child process: one subject's CPU ns per record by class, as JSON on stdout. */
async function measureOne(file: string, count: number): Promise<void> {
  const subject = (await import(file)) as Subject;
  const classes = byClass(await records(count));
  perRecord(subject, classes.get("all records")!, 500); // warm-up over every kind of record
  const out: Record<string, number> = {};
  for (const [name, list] of classes) out[name] = perRecord(subject, list, 300);
  console.log(JSON.stringify(out));
}

async function compare(variantPath: string, count: number, rounds: number): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), "tmad-ab-"));
  try {
    const files = { control: join(folder, "control.ts"), variant: join(folder, "variant.ts") };
    writeFileSync(files.control, anchored(readFileSync(join(generatedDir, "rules.ts"), "utf8")) + timingLoop);
    writeFileSync(files.variant, anchored(readFileSync(resolve(variantPath), "utf8")) + timingLoop);
    const control = (await import(files.control)) as Subject;
    const variant = (await import(files.variant)) as Subject;
    const list = await records(count);
    for (const r of list) {
      const expected = JSON.stringify(control.evaluate(r, null));
      const got = JSON.stringify(variant.evaluate(r, null));
      if (got !== expected) throw new Error(`the variant decides ${r.id} differently:\n  control ${expected}\n  variant ${got}`);
    }
    console.log(`decisions identical on ${list.length} records; ${rounds} rounds of 3 processes\n`);
    const order = ["control", "twin", "variant"] as const;
    const ratios = new Map<string, { ns: number[]; variant: number[]; twin: number[] }>();
    for (let round = 0; round < rounds; round++) {
      const t: Partial<Record<(typeof order)[number], Record<string, number>>> = {};
      for (let i = 0; i < order.length; i++) {
        const k = order[(i + round) % order.length];
        const file = k === "variant" ? files.variant : files.control;
        const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--measure", file, String(count)], { encoding: "utf8" });
        if (child.status !== 0) throw new Error(`measuring the ${k} failed:\n${child.stderr}`);
        t[k] = JSON.parse(child.stdout.trim().split("\n").pop()!) as Record<string, number>;
      }
      for (const name of Object.keys(t.control!)) {
        const r = ratios.get(name) ?? { ns: [], variant: [], twin: [] };
        r.ns.push(t.control![name]);
        r.variant.push(t.variant![name] / t.control![name]);
        r.twin.push(t.twin![name] / t.control![name]);
        ratios.set(name, r);
      }
    }
    console.log("| records | control ns/record | variant ÷ control | twin ÷ control (noise) |");
    console.log("| --- | ---: | ---: | ---: |");
    for (const [name, r] of ratios) console.log(`| ${name} | ${median(r.ns).toFixed(0)} | ${median(r.variant).toFixed(3)} | ${median(r.twin).toFixed(3)} |`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--measure") await measureOne(process.argv[3], Number(process.argv[4]));
else if (process.argv[2] === undefined) throw new Error("usage: npx tsx bench/ab.ts VARIANT.ts [records] [rounds]");
else await compare(process.argv[2], Number(process.argv[3] ?? 20_000), Number(process.argv[4] ?? 9));
