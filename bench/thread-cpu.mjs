// Where a command's CPU time goes, thread by thread (Linux only): runs the command, reads
// /proc/PID/task/*/stat every 50 ms while it runs, and prints each thread's user+sys CPU as last
// seen, the main thread first. For `tmad eval --workers 2` and bench/minimal-eval.mjs this separates
// the main thread, the two worker threads (the two busiest others) and V8's helper threads (the
// rest: concurrent compilation of optimised code and the collector's helpers), which
// process-wide figures (`/usr/bin/time`, process.cpuUsage) lump together. A thread that ends before
// the last reading is still counted from its last reading (up to 50 ms of it can be missed).
//
//   node bench/thread-cpu.mjs node dist/src/cli/main.js eval FILE --version 20.v2 --workers 2 --out /dev/null
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

const [command, ...args] = process.argv.slice(2);
if (command === undefined) throw new Error("usage: node bench/thread-cpu.mjs COMMAND [ARGS...]");
const ticks = 100; // USER_HZ: /proc counts CPU time in 1/100 s on Linux

const child = spawn(command, args, { stdio: ["ignore", "ignore", "inherit"] });
const seen = new Map(); // thread id -> CPU ms
const read = () => {
  let tasks;
  try {
    tasks = readdirSync(`/proc/${child.pid}/task`);
  } catch {
    return; // ended
  }
  for (const tid of tasks) {
    try {
      const stat = readFileSync(`/proc/${child.pid}/task/${tid}/stat`, "utf8");
      // Fields after the command name (which may hold spaces) start at state; utime and stime are the 14th and 15th.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      seen.set(Number(tid), ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks);
    } catch {
      // the thread ended between the listing and the reading
    }
  }
};
const timer = setInterval(read, 50);
const code = await new Promise((resolve) => child.on("exit", (c) => resolve(c)));
clearInterval(timer);

const main = seen.get(child.pid) ?? 0;
const others = [...seen].filter(([tid]) => tid !== child.pid).map(([, ms]) => ms).sort((a, b) => b - a);
const total = main + others.reduce((a, b) => a + b, 0);
const s = (ms) => (ms / 1000).toFixed(2);
console.log(`exit ${code}; CPU-s: total ${s(total)}, main thread ${s(main)}, others by size ${others.filter((ms) => ms > 0).map(s).join(" ")}`);
