/**
 * `tmad eval --workers 2` end to end against the least a streaming evaluation can do
 * (bench/minimal-eval.mjs: read lines, JSON.parse, evaluate, JSON.stringify, 2 worker threads),
 * on the same file of BENCH_STREAM_RECORDS (default 200,000) records from `tmad generate`. Both run
 * as separate processes under /usr/bin/time, in interleaved rounds (BENCH_STREAM_ROUNDS, default
 * 3); the ratio is of records per CPU-second (user + system, all threads), which a shared machine
 * disturbs far less than wall time; wall time and peak RSS are given too. tmad keeps every guard:
 * size, depth and duplicate keys, full validation, the per-record budget, review dates.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "./records.js";
import type { Measurement } from "./rows.js";
import { median } from "./timing.js";

const CLI = join(root, "dist", "src", "cli", "main.js");
const MINIMAL = join(root, "bench", "minimal-eval.mjs");
const TIME = "/usr/bin/time";

interface Run {
  readonly cpu: number;
  readonly wall: number;
  readonly rssMb: number;
}

/** One process under /usr/bin/time: CPU seconds (user + system), wall seconds, peak RSS. */
function timed(args: readonly string[]): Run {
  const r = spawnSync(TIME, ["-f", "TIME %U %S %e %M", process.execPath, ...args], { cwd: root, encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed (${r.status}):\n${r.stderr}`);
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
  if (m === null) throw new Error(`no timing from /usr/bin/time:\n${r.stderr}`);
  return { cpu: Number(m[1]) + Number(m[2]), wall: Number(m[3]), rssMb: Math.round(Number(m[4]) / 1024) };
}


export async function streamingRows(): Promise<Measurement[]> {
  if (!existsSync(TIME)) return [{ benchmark: "tmad eval ÷ minimal streaming script", value: "-", unit: "", note: "needs /usr/bin/time (Debian package time)" }];
  if (!existsSync(CLI)) execFileSync("npx", ["tsc", "-p", "tsconfig.json"], { cwd: root, stdio: "inherit" });
  const count = Number(process.env.BENCH_STREAM_RECORDS ?? 200_000);
  const rounds = Number(process.env.BENCH_STREAM_ROUNDS ?? 3);
  const dir = mkdtempSync(join(tmpdir(), "tmad-bench-stream-"));
  try {
    const pop = join(dir, "pop.ndjson");
    execFileSync(process.execPath, [CLI, "generate", "--count", String(count), "--seed", "1", "--out", pop], { cwd: root });
    const tmad: Run[] = [];
    const minimal: Run[] = [];
    const load = loadavg()[0];
    for (let i = 0; i < rounds; i++) {
      minimal.push(timed([MINIMAL, pop, join(dir, "minimal.ndjson"), "2"]));
      tmad.push(timed([CLI, "eval", pop, "--version", "tmad-20.v2", "--workers", "2", "--out", join(dir, "tmad.ndjson"), "--quiet"]));
    }
    const n = count.toLocaleString("en-GB");
    const rate = (runs: readonly Run[]): number => count / median(runs.map((r) => r.cpu));
    const ratio = rate(tmad) / rate(minimal);
    const note = (runs: readonly Run[]): string =>
      `${n} records, median of ${rounds} interleaved rounds: ${median(runs.map((r) => r.cpu)).toFixed(1)} CPU-s, ${median(runs.map((r) => r.wall)).toFixed(1)} s wall, peak RSS ${median(runs.map((r) => r.rssMb))} MB; load ${load.toFixed(1)} at the start`;
    return [
      { benchmark: "tmad eval --workers 2, end to end", value: Math.round(rate(tmad)).toLocaleString("en-GB"), unit: "records/CPU-s", note: note(tmad) },
      { benchmark: "minimal streaming script, 2 workers (bench/minimal-eval.mjs)", value: Math.round(rate(minimal)).toLocaleString("en-GB"), unit: "records/CPU-s", note: note(minimal) },
      { benchmark: "tmad eval ÷ minimal streaming script", value: ratio.toFixed(2), unit: "×", note: `records per CPU-second; wall-time ratio ${(median(minimal.map((r) => r.wall)) / median(tmad.map((r) => r.wall))).toFixed(2)}; target ≥ 0.7: ${ratio >= 0.7 ? "met" : "not met"}` },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
