/**
 * Rows for `tmad check` (with the analysis) and `tmad diff`, run as a user runs them (the built
 * CLI, a fresh process each, wall time and peak RSS from /usr/bin/time -v):
 * - check rules/tmad-20.v2; diff tmad-20.v1 → tmad-20.v2; diff tmad-19.0 → tmad-20.v2 with a
 *   generated population of BENCH_DIFF_RECORDS (default 1,000,000) records, streamed;
 * - growth with the number of rules: bench/synthetic.ts versions of BENCH_SYNTHETIC_COPIES copies
 *   (default "10,100": 120 and 1,200 rules), check and diff on each.
 * Run alone with `npx tsx bench/check-diff.ts` (prints the rows), or as part of `npm run bench`.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { root } from "./records.js";
import type { Measurement } from "./rows.js";
import { writeSyntheticVersions } from "./synthetic.js";

const CLI = join(root, "dist", "src", "cli", "main.js");
const TIME = "/usr/bin/time";

function timed(args: readonly string[]): { seconds: number; rssMb: number | undefined } {
  const started = performance.now();
  const useTime = existsSync(TIME);
  const r = useTime ? spawnSync(TIME, ["-v", process.execPath, CLI, ...args], { cwd: root, encoding: "utf8", maxBuffer: 1 << 28 }) : spawnSync(process.execPath, [CLI, ...args], { cwd: root, encoding: "utf8", maxBuffer: 1 << 28 });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0 && r.status !== 1) throw new Error(`tmad ${args.join(" ")} failed (${r.status}):\n${r.stderr}`);
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? "");
  return { seconds, rssMb: m === null ? undefined : Math.round(Number(m[1]) / 1024) };
}

const load = (): string => `load average ${loadavg()[0].toFixed(2)}`;

export async function checkDiffRows(): Promise<Measurement[]> {
  if (!existsSync(CLI)) execFileSync("npx", ["tsc", "-p", "tsconfig.json"], { cwd: root, stdio: "inherit" });
  const out: Measurement[] = [];
  const row = (benchmark: string, t: { seconds: number; rssMb: number | undefined }, target: string): void => {
    out.push({ benchmark, value: t.seconds.toFixed(1), unit: "s", note: `peak RSS ${t.rssMb ?? "?"} MB; ${target}; ${load()}` });
  };
  const dir = mkdtempSync(join(tmpdir(), "tmad-bench-diff-"));
  try {
    row("tmad check rules/tmad-20.v2 (with the analysis)", timed(["check", "rules/tmad-20.v2"]), "target ≤ 3 s");
    row("tmad diff tmad-20.v1 tmad-20.v2", timed(["diff", "tmad-20.v1", "tmad-20.v2", "--out", join(dir, "report-v1-v2.txt")]), "target ≤ 10 s, ≤ 500 MB");
    const count = Number(process.env.BENCH_DIFF_RECORDS ?? 1_000_000);
    const pop = join(dir, "pop.ndjson");
    timed(["generate", "--count", String(count), "--seed", "1", "--out", pop]);
    row(`tmad diff tmad-19.0 tmad-20.v2 --population (${count.toLocaleString("en-GB")} records)`, timed(["diff", "tmad-19.0", "tmad-20.v2", "--population", pop, "--out", join(dir, "report.txt")]), "streamed: memory flat in the records");
    for (const copies of (process.env.BENCH_SYNTHETIC_COPIES ?? "10,100").split(",").map(Number)) {
      const v = writeSyntheticVersions(join(dir, `synthetic-${copies}`), copies);
      const rules = copies * 12;
      row(`tmad check, synthetic ${rules.toLocaleString("en-GB")}-rule version (bench/synthetic.ts)`, timed(["check", v.a]), rules >= 1200 ? "target ≤ 60 s" : "growth");
      row(`tmad diff, synthetic ${rules.toLocaleString("en-GB")}-rule versions (${copies} changed rules)`, timed(["diff", v.a, v.b, "--out", join(dir, "synthetic-report.txt")]), rules >= 1200 ? "target ≤ 60 s" : "growth");
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const m of await checkDiffRows()) process.stdout.write(`| ${m.benchmark} | ${m.value} | ${m.unit} | ${m.note ?? ""} |\n`);
}
