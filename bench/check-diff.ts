/**
 * Rows for `tmad check` (with the analysis), `tmad diff` and `tmad build`, run as a user runs them
 * (the built CLI, a fresh process each; wall time, CPU time and peak RSS from /usr/bin/time -v):
 * - check rules/tmad-20.v2; diff tmad-20.v1 → tmad-20.v2; diff tmad-19.0 → tmad-20.v2 with a
 *   generated population of BENCH_DIFF_RECORDS (default 1,000,000) records, streamed, counted in
 *   worker threads (`--workers` left at its default, the machine's cores);
 * - growth with the number of rules: bench/synthetic.ts versions of BENCH_SYNTHETIC_COPIES copies
 *   (default "1,10,100": 12, 120 and 1,200 rules), build (into a temporary folder), check and diff
 *   on each.
 * Each note gives the load average when the command started: the machine is shared, and on a
 * loaded machine the wall time is longer than the CPU time says it needs.
 *
 *   npx tsx bench/check-diff.ts            # prints the rows
 *   npx tsx bench/check-diff.ts --write    # and puts them in bench/RESULTS.md (its own section)
 *
 * Also a row set of `npm run bench`.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { root } from "./records.js";
import type { Measurement } from "./rows.js";
import { withSection, writeResults } from "./results-file.js";
import { writeSyntheticVersions } from "./synthetic.js";
import { machine, table } from "./table.js";

const CLI = join(root, "dist", "src", "cli", "main.js");
const TIME = "/usr/bin/time";

interface Timed {
  readonly seconds: number;
  /** User + system CPU seconds, when /usr/bin/time is there. */
  readonly cpu: number | undefined;
  readonly rssMb: number | undefined;
  /** The 1-minute load average when the command started. */
  readonly load: number;
}

function timed(args: readonly string[]): Timed {
  const load = loadavg()[0];
  const started = performance.now();
  const useTime = existsSync(TIME);
  const r = useTime ? spawnSync(TIME, ["-v", process.execPath, CLI, ...args], { cwd: root, encoding: "utf8", maxBuffer: 1 << 28 }) : spawnSync(process.execPath, [CLI, ...args], { cwd: root, encoding: "utf8", maxBuffer: 1 << 28 });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0 && r.status !== 1) throw new Error(`tmad ${args.join(" ")} failed (${r.status}):\n${r.stderr}`);
  const field = (name: string): number | undefined => {
    const m = new RegExp(`${name}: ([\\d.]+)`).exec(r.stderr ?? "");
    return m === null ? undefined : Number(m[1]);
  };
  const rss = field("Maximum resident set size \\(kbytes\\)");
  const user = field("User time \\(seconds\\)");
  const system = field("System time \\(seconds\\)");
  return { seconds, cpu: user === undefined || system === undefined ? undefined : user + system, rssMb: rss === undefined ? undefined : Math.round(rss / 1024), load };
}

/** A target of issue 13: at most this many seconds of wall time and megabytes of peak RSS. */
interface Limit {
  readonly seconds?: number;
  readonly mb?: number;
  readonly also?: string;
}

function judged(t: Timed, limit: Limit): string {
  const parts: string[] = [];
  let met = true;
  if (limit.seconds !== undefined) {
    parts.push(`≤ ${limit.seconds} s`);
    met &&= t.seconds <= limit.seconds;
  }
  if (limit.mb !== undefined) {
    parts.push(`≤ ${limit.mb} MB`);
    // An RSS that could not be read is not a met target.
    met &&= t.rssMb !== undefined && t.rssMb <= limit.mb;
  }
  return `${limit.also === undefined ? "" : `${limit.also}; `}target ${parts.join(", ")}: ${met ? "met" : "not met"}`;
}

export async function checkDiffRows(): Promise<Measurement[]> {
  if (!existsSync(CLI)) execFileSync("npx", ["tsc", "-p", "tsconfig.json"], { cwd: root, stdio: "inherit" });
  const out: Measurement[] = [];
  // A target of issue 13 is said met or not met beside the figure; rows without one show growth.
  const row = (benchmark: string, t: Timed, target: Limit | string): void => {
    const said = typeof target === "string" ? target : judged(t, target);
    out.push({ benchmark, value: t.seconds.toFixed(1), unit: "s", note: `CPU ${t.cpu?.toFixed(1) ?? "?"} s; peak RSS ${t.rssMb ?? "?"} MB; ${said}; load average ${t.load.toFixed(1)}` });
    process.stderr.write(`${benchmark}: ${t.seconds.toFixed(1)} s\n`);
  };
  const dir = mkdtempSync(join(tmpdir(), "tmad-bench-diff-"));
  try {
    row("tmad check rules/tmad-20.v2 (with the analysis)", timed(["check", "rules/tmad-20.v2"]), { seconds: 3 });
    row("tmad diff tmad-20.v1 tmad-20.v2", timed(["diff", "tmad-20.v1", "tmad-20.v2", "--out", join(dir, "report-v1-v2.txt")]), { seconds: 10, mb: 500 });
    const count = Number(process.env.BENCH_DIFF_RECORDS ?? 1_000_000);
    if (count > 0) {
      const pop = join(dir, "pop.ndjson");
      timed(["generate", "--count", String(count), "--seed", "1", "--out", pop]);
      row(`tmad diff tmad-19.0 tmad-20.v2 --population (${count.toLocaleString("en-GB")} records, worker threads: the cores)`, timed(["diff", "tmad-19.0", "tmad-20.v2", "--population", pop, "--out", join(dir, "report.txt")]), { mb: 500, also: "streamed: memory flat in the records" });
      rmSync(pop, { force: true });
    }
    for (const copies of (process.env.BENCH_SYNTHETIC_COPIES ?? "1,10,100").split(",").map(Number)) {
      const v = writeSyntheticVersions(join(dir, `synthetic-${copies}`), copies);
      const rules = `${(copies * 12).toLocaleString("en-GB")}-rule`;
      const target = (seconds: number): Limit | string => (copies >= 100 ? { seconds } : "growth");
      row(`tmad build, synthetic ${rules} version (bench/synthetic.ts), into a new folder`, timed(["build", v.b, "--out", join(dir, `built-${copies}`)]), target(20));
      row(`tmad check, synthetic ${rules} version (with the analysis)`, timed(["check", v.b]), target(60));
      row(`tmad diff, synthetic ${rules} versions (${copies} changed rules)`, timed(["diff", v.a, v.b, "--out", join(dir, "synthetic-report.txt")]), target(60));
      rmSync(join(dir, `synthetic-${copies}`), { recursive: true, force: true });
      rmSync(join(dir, `built-${copies}`), { recursive: true, force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

const SECTION = "## Check, diff and build (bench/check-diff.ts)";

/** Replaces (or adds) this benchmark's section of bench/RESULTS.md. */
function writeSection(measurements: readonly Measurement[], before: number, after: number): void {
  const file = join(root, "bench", "RESULTS.md");
  const text = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmark results\n";
  const m = machine();
  const section = [
    SECTION,
    "",
    `Run on ${new Date().toISOString()} with \`npx tsx bench/check-diff.ts --write\`, on ${m.nproc} × ${m.CPU}, node ${m.node}; load average ${before.toFixed(1)} before, ${after.toFixed(1)} after (the machine was shared: each row's note gives the load when it started, and its CPU time).`,
    "",
    table(measurements),
    "",
  ].join("\n");
  const updated = withSection(text, SECTION, section);
  writeResults(file, updated);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const before = loadavg()[0];
  const measurements = await checkDiffRows();
  for (const m of measurements) process.stdout.write(`| ${m.benchmark} | ${m.value} | ${m.unit} | ${m.note ?? ""} |\n`);
  if (process.argv.includes("--write")) writeSection(measurements, before, loadavg()[0]);
}
