/**
 * `npm run bench`: runs every row of bench/rows.ts, prints a Markdown table, and writes it to
 * bench/RESULTS.md with the machine it ran on and the command, between the markers of
 * bench/results-file.ts: the sections people wrote in that file are kept.
 */
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join, relative } from "node:path";
import { root } from "./records.js";
import { withLatestRun, writeResults } from "./results-file.js";
import { rows, type Measurement } from "./rows.js";
import { machine, table } from "./table.js";

function loadAverage(): string {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(", ");
}

async function main(): Promise<void> {
  const script = relative(root, process.argv[1] ?? "bench/run.ts");
  const command = process.env.npm_lifecycle_event === "bench" ? `npm run bench (tsx ${script})` : `npx tsx ${script}`;
  const measurements: Measurement[] = [];
  // BENCH_ROWS=evaluators,input runs only the rows whose names start with one of these words and
  // prints them without writing bench/RESULTS.md (a partial table would replace the whole one).
  const only = process.env.BENCH_ROWS?.split(",").map((w) => w.trim().toLowerCase());
  const loadBefore = loadAverage();
  for (const row of rows.filter((r) => only === undefined || only.some((w) => r.name.toLowerCase().startsWith(w)))) {
    process.stderr.write(`running: ${row.name}\n`);
    // A row that fails is shown as failed, and the others still run and are written: a broken row
    // must not cost the minutes of measurements before it (nor hide behind them: exit code 1).
    try {
      measurements.push(...(await row.run()));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      process.stderr.write(`failed: ${row.name}: ${message}\n`);
      measurements.push({ benchmark: row.name, value: "failed", unit: "", note: message.replace(/\s+/g, " ").replace(/\|/g, "\\|") });
      process.exitCode = 1;
    }
  }
  const md = table(measurements);
  const load = `load average ${loadBefore} before, ${loadAverage()} after (1, 5, 15 minutes; the machine has ${availableParallelism()} cores and may be shared)`;
  console.log(md);
  console.log(`\n${load}`);
  if (only !== undefined) return;
  const m = machine();
  const block = [
    `Run on ${new Date().toISOString()} with \`${command}\`${Object.keys(process.env).some((k) => k.startsWith("BENCH_")) ? ` (settings: ${Object.entries(process.env).filter(([k]) => k.startsWith("BENCH_")).map(([k, v]) => `${k}=${v}`).join(" ")})` : ""}.`,
    "",
    "## Machine",
    "",
    ...Object.entries(m).map(([k, v]) => `- ${k}: ${v}`),
    `- ${load}`,
    "",
    "## Results",
    "",
    md,
    "",
  ].join("\n");
  const path = join(root, "bench", "RESULTS.md");
  writeResults(path, withLatestRun(existsSync(path) ? readFileSync(path, "utf8") : undefined, block));
  process.stderr.write("wrote its table into bench/RESULTS.md (the rest of the file kept)\n");
}

await main();
