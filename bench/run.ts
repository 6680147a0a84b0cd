/**
 * `npm run bench`: runs every row of bench/rows.ts, prints a Markdown table, and writes it to
 * bench/RESULTS.md with the machine it ran on and the command.
 */
import { writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { root } from "./records.js";
import { rows, type Measurement } from "./rows.js";
import { machine, table } from "./table.js";

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
