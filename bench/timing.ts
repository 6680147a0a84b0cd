/** Timing helpers: warm-up, then interleaved rounds of repeated passes, median throughput per CPU-second. */
import { performance } from "node:perf_hooks";

/** Something the optimiser cannot prove unused. */
export let sink = 0;
export function consume(x: number): void {
  sink = (sink + x) | 0;
}

export interface Subject {
  readonly name: string;
  /** One pass over the subject's records; returns how many it evaluated. */
  pass(): number | Promise<number>;
}

export interface Throughput {
  readonly name: string;
  /** Median records per CPU-second over the rounds. */
  readonly median: number;
  readonly rounds: readonly number[];
  readonly evaluated: number;
}

/**
 * The process's CPU time in ms (user + system). On a machine shared with other work (a loaded
 * 2-core box), wall time counts the time the scheduler gave to others; CPU time counts only ours,
 * so records per CPU-second are what the rows report (as the figures are).
 */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * CPU ns per record of `pass` (it evaluates some records and says how many), repeated until it has
 * taken at least `minMs` of CPU: for comparing evaluators on a few records at a time.
 */
export function nsPerRecord(pass: () => number, minMs: number): number {
  let n = 0;
  const start = cpuMs();
  do n += pass();
  while (cpuMs() - start < minMs);
  return ((cpuMs() - start) * 1e6) / n;
}

async function timed(subject: Subject, minMs: number): Promise<{ n: number; ms: number }> {
  let n = 0;
  const start = performance.now();
  const cpuStart = cpuMs();
  do {
    n += await subject.pass();
  } while (performance.now() - start < minMs);
  return { n, ms: cpuMs() - cpuStart };
}

/** The median (of an even number: the mean of the middle two). */
export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Measures the subjects side by side: each is warmed up for `warmupMs`, then `rounds` rounds run,
 * each subject in turn for at least `roundMs` per round, so drift of the machine affects all alike.
 */
export async function measure(subjects: readonly Subject[], options: { warmupMs: number; roundMs: number; rounds: number }): Promise<Throughput[]> {
  for (const s of subjects) await timed(s, options.warmupMs);
  const rates = subjects.map(() => [] as number[]);
  const totals = subjects.map(() => 0);
  for (let r = 0; r < options.rounds; r++) {
    for (let i = 0; i < subjects.length; i++) {
      const { n, ms } = await timed(subjects[i], options.roundMs);
      rates[i].push((n * 1000) / ms);
      totals[i] += n;
    }
  }
  return subjects.map((s, i) => ({ name: s.name, median: median(rates[i]), rounds: rates[i], evaluated: totals[i] }));
}
