/**
 * End-to-end rows: the built CLI as a user runs it. `tmad generate` writes a population of
 * BENCH_E2E_RECORDS (default 1,000,000) records, `tmad eval` evaluates it with 1 and with 2 worker
 * threads (records/s, and peak RSS from /usr/bin/time, also at 100,000 records to show memory stays
 * flat), and `tmad build` compiles all three versions from cold (a fresh process, output to a
 * temporary directory so generated/ is left alone).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "./records.js";
import type { Measurement } from "./rows.js";

const CLI = join(root, "dist", "src", "cli", "main.js");
const TIME = "/usr/bin/time";

/** Runs the CLI under /usr/bin/time -v when it exists: wall seconds and peak RSS in MB. */
function timed(args: readonly string[]): { seconds: number; rssMb: number | undefined } {
  const started = performance.now();
  const useTime = existsSync(TIME);
  const r = useTime ? spawnSync(TIME, ["-v", process.execPath, CLI, ...args], { cwd: root, encoding: "utf8", maxBuffer: 1 << 26 }) : spawnSync(process.execPath, [CLI, ...args], { cwd: root, encoding: "utf8", maxBuffer: 1 << 26 });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0 && r.status !== 1) throw new Error(`tmad ${args.join(" ")} failed (${r.status}):\n${r.stderr}`);
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? "");
  return { seconds, rssMb: m === null ? undefined : Math.round(Number(m[1]) / 1024) };
}

export async function endToEndRows(): Promise<Measurement[]> {
  if (!existsSync(CLI)) execFileSync("npx", ["tsc", "-p", "tsconfig.json"], { cwd: root, stdio: "inherit" });
  const count = Number(process.env.BENCH_E2E_RECORDS ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), "tmad-bench-"));
  const out: Measurement[] = [];
  try {
    const small = Math.min(100_000, count);
    const pop = join(dir, "pop.ndjson");
    const popSmall = join(dir, "pop-small.ndjson");
    const gen = timed(["generate", "--count", String(count), "--seed", "1", "--out", pop]);
    timed(["generate", "--count", String(small), "--seed", "1", "--out", popSmall]);
    out.push({ benchmark: `tmad generate, ${count.toLocaleString("en-GB")} records`, value: Math.round(count / gen.seconds).toLocaleString("en-GB"), unit: "records/s", note: `${gen.seconds.toFixed(1)} s, peak RSS ${gen.rssMb ?? "?"} MB` });
    for (const workers of [1, 2]) {
      const big = timed(["eval", pop, "--version", "tmad-20.v2", "--workers", String(workers), "--out", join(dir, "decisions.ndjson"), "--quiet"]);
      const little = timed(["eval", popSmall, "--version", "tmad-20.v2", "--workers", String(workers), "--out", join(dir, "decisions-small.ndjson"), "--quiet"]);
      out.push({
        benchmark: `tmad eval, ${count.toLocaleString("en-GB")} records, ${workers} worker${workers === 1 ? "" : "s"}`,
        value: Math.round(count / big.seconds).toLocaleString("en-GB"),
        unit: "records/s",
        note: `${big.seconds.toFixed(1)} s end to end; peak RSS ${big.rssMb ?? "?"} MB (${little.rssMb ?? "?"} MB at ${small.toLocaleString("en-GB")} records)`,
      });
    }
    const build = timed(["build", "--out", join(dir, "generated")]);
    out.push({ benchmark: "tmad build, all three versions, cold", value: build.seconds.toFixed(2), unit: "s", note: `a fresh process; peak RSS ${build.rssMb ?? "?"} MB` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
