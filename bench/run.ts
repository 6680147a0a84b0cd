/**
 * `npm run bench`: runs every row of bench/rows.ts, prints a Markdown table, and writes it to
 * bench/RESULTS.md with the machine it ran on and the command.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, release, totalmem } from "node:os";
import { join, relative } from "node:path";
import { root } from "./records.js";
import { rows, type Measurement } from "./rows.js";

function cpuModel(): string {
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .find((l) => l.startsWith("model name"));
    return line?.split(":")[1]?.trim() ?? "unknown";
  } catch {
    return "unknown";
  }
}

function nproc(): string {
  try {
    return execFileSync("nproc", { encoding: "utf8" }).trim();
  } catch {
    return String(availableParallelism());
  }
}

export function machine(): Record<string, string> {
  return {
    nproc: nproc(),
    CPU: cpuModel(),
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    V8: process.versions.v8,
    kernel: release(),
  };
}

const cell = (s: string): string => s.replace(/\|/g, "\\|");

export function table(measurements: readonly Measurement[]): string {
  const lines = ["| Benchmark | Result | Unit | Notes |", "| --- | ---: | --- | --- |"];
  for (const m of measurements) lines.push(`| ${cell(m.benchmark)} | ${cell(m.value)} | ${cell(m.unit)} | ${cell(m.note ?? "")} |`);
  return lines.join("\n");
}

async function main(): Promise<void> {
  const script = relative(root, process.argv[1] ?? "bench/run.ts");
  const command = process.env.npm_lifecycle_event === "bench" ? `npm run bench (tsx ${script})` : `npx tsx ${script}`;
  const measurements: Measurement[] = [];
  for (const row of rows) {
    process.stderr.write(`running: ${row.name}\n`);
    measurements.push(...(await row.run()));
  }
  const md = table(measurements);
  console.log(md);
  const m = machine();
  const report = [
    "# Benchmark results",
    "",
    `Run on ${new Date().toISOString()} with \`${command}\`${Object.keys(process.env).some((k) => k.startsWith("BENCH_")) ? ` (settings: ${Object.entries(process.env).filter(([k]) => k.startsWith("BENCH_")).map(([k, v]) => `${k}=${v}`).join(" ")})` : ""}.`,
    "",
    "## Machine",
    "",
    ...Object.entries(m).map(([k, v]) => `- ${k}: ${v}`),
    "",
    "## Results",
    "",
    md,
    "",
  ].join("\n");
  writeFileSync(join(root, "bench", "RESULTS.md"), report);
  process.stderr.write("wrote bench/RESULTS.md\n");
}

await main();
