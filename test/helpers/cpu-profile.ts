/**
 * Optional vitest setup file (vitest.config.ts adds it when TMAD_TEST_CPU_PROFILE names a folder):
 * writes one JSON line per test file with the CPU seconds its worker process spent on it, children
 * it waited for (spawnSync'd CLI runs) included, read from /proc/self/stat (Linux only). The
 * workers are processes (vitest's default pool, forks) and run one file at a time, so the figure
 * is that file's own: the time to import its modules (shared by later files in the same worker,
 * isolate: false) counts for the first file that imports them. `npm run test:profile` sums them up.
 */
import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach } from "vitest";

/** utime + stime + cutime + cstime of this process, in seconds (the kernel counts 100 ticks a second). */
function cpuSeconds(): number {
  const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100;
}

const start = cpuSeconds();
const wallStart = Date.now();
let file = "?";
let testStart = 0;
beforeEach((context) => {
  file = context.task.file.filepath;
  testStart = cpuSeconds();
});
// Each test's own CPU seconds (its hooks' not included), to dir/tests.ndjson: which test of a file costs.
afterEach((context) => {
  const dir = process.env["TMAD_TEST_CPU_PROFILE"];
  if (dir === undefined) return;
  const line = { file, test: context.task.name, cpu: +(cpuSeconds() - testStart).toFixed(2) };
  appendFileSync(join(dir, "tests.ndjson"), `${JSON.stringify(line)}\n`);
});
afterAll(() => {
  const dir = process.env["TMAD_TEST_CPU_PROFILE"];
  if (dir === undefined) return;
  const line = { file, cpu: +(cpuSeconds() - start).toFixed(2), wall: (Date.now() - wallStart) / 1000, pid: process.pid };
  appendFileSync(join(dir, "files.ndjson"), `${JSON.stringify(line)}\n`);
});
