/** The benchmark table in Markdown, and the machine it ran on. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism, release, totalmem } from "node:os";
import type { Measurement } from "./rows.js";

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
