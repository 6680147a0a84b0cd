/**
 * `npm run fuzz -- --minutes N`: fuzzing for N minutes, on every core, and a report with
 * throughput. Every stream runs in worker threads that this thread only watches (through shared
 * memory, ./progress.ts) and reports on:
 * - rule documents (./documents.ts, and mutations of rules/), each compiled; what they generate
 *   type-checked and emitted in batches, then loaded and run (./doc-worker.ts);
 * - installation records (./records.ts), through the CLI's pipeline: in the thread itself from a
 *   stream, through the worker pool from a file, and now and then the built CLI (./record-worker.ts);
 * - the fast-check properties of scripts/fuzz.ts, a tenth of the record thread's time.
 * A crash, a hang (a case over --case-ms: the worker is terminated and the run goes on after it), a
 * non-compiling build or a wrong output is a failure: printed, and saved with a reproducer under
 * --failures DIR (default fuzz-failures/), at most three per kind of failure. Exit 1 when any.
 *
 * Options: --minutes N (default 1), --seed S, --failures DIR (default fuzz-failures/seed-S),
 * --doc-workers W (default: one per core), --record-workers R (default 1), --case-ms MS (the
 * per-case limit: a document's compile or run, a record's evaluation; default 10000, times the
 * load average per core when that is above 1), --batch B
 * (versions per type-checking program, default 200), --records-per-second N (what the record
 * stream aims at and does not exceed, default 650: a sixth more than 10^6 in 30 minutes needs; 0: no
 * limit), so the rest of the cores go to the rule documents.
 * `--replay DIR` runs the document DIR/index.md (as saved) through the same checks and prints them;
 * `--replay SEED:N` makes document N of seed SEED again and does the same.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { buildSync } from "esbuild";
import { compileDocument, runGenerated } from "./doc-cases.js";
import { documentCase, formattedCase, type DocWorkerMessage, type DocWorkerSetup } from "./doc-worker.js";
import { Progress } from "./progress.js";
import type { RecordWorkerMessage, RecordWorkerSetup } from "./record-worker.js";
import { commandFor, recordFile, type RecordFailure } from "./records.js";
import { BatchTypeChecker } from "./typecheck.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

interface Failure {
  readonly kind: string;
  readonly signature: string;
  readonly detail: string;
  readonly save: (dir: string) => void;
}

/** Failures grouped by signature; the first three of each are saved. */
class Failures {
  private readonly groups = new Map<string, { kind: string; count: number; saved: string[] }>();
  private made = false;

  constructor(private readonly dir: string) {}

  add(f: Failure): void {
    const key = `${f.kind}: ${f.signature}`;
    let g = this.groups.get(key);
    if (g === undefined) {
      g = { kind: f.kind, count: 0, saved: [] };
      this.groups.set(key, g);
      process.stdout.write(`\nFAIL ${key}\n${f.detail.split("\n").slice(0, 12).join("\n")}\n`);
    }
    g.count++;
    if (g.saved.length < 3) {
      if (!this.made) mkdirSync(this.dir, { recursive: true });
      this.made = true;
      const hash = createHash("sha256").update(key).digest("hex").slice(0, 8);
      // A folder of its own, never one that is there already (the failures folder may hold the
      // user's files, or an earlier run's reproducers): nothing is deleted or overwritten.
      const target = freshFolder(join(this.dir, `${f.kind}-${hash}-${g.saved.length + 1}`));
      f.save(target);
      writeFileSync(join(target, "failure.md"), `# ${f.kind}: ${f.signature}\n\n\`\`\`text\n${f.detail}\n\`\`\`\n`);
      g.saved.push(target);
    }
  }

  get total(): number {
    return [...this.groups.values()].reduce((s, g) => s + g.count, 0);
  }

  summary(): string[] {
    return [...this.groups].map(([key, g]) => `  ${g.count} × ${key}${g.saved.length > 0 ? `\n      reproducer: ${g.saved[0]}` : ""}`);
  }
}

/** `base`, or `base-2`, `base-3`, …: the first that does not exist, created empty. */
export function freshFolder(base: string): string {
  for (let n = 1; ; n++) {
    const path = n === 1 ? base : `${base}-${n}`;
    try {
      mkdirSync(path);
      return path;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
}

/** dist/ must be built from the current sources: worker threads and the CLI run it. */
function ensureBuilt(): void {
  const cli = join(REPO, "dist/src/cli/main.js");
  let newest = 0;
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (name.endsWith(".ts")) newest = Math.max(newest, st.mtimeMs);
    }
  };
  for (const d of ["src", "generated"]) walk(join(REPO, d));
  if (existsSync(cli) && statSync(cli).mtimeMs >= newest) return;
  process.stdout.write("fuzz: dist/ is older than src/: npm run build\n");
  const r = spawnSync("npm", ["run", "build"], { cwd: REPO, stdio: "inherit" });
  if (r.status !== 0) throw new Error("npm run build failed");
}

interface DocStats {
  docs: number;
  corpus: number;
  wellFormed: number;
  generated: number;
  typechecked: number;
  loaded: number;
  evaluations: number;
  unexpected: Map<string, number>;
}

function docFailureSave(seed: number, index: number, extra?: { files?: readonly { path: string; content: string }[]; errors?: readonly string[] }): (dir: string) => void {
  return (dir) => {
    const doc = documentCase(seed, index);
    const version = join(dir, "version");
    mkdirSync(version, { recursive: true });
    writeFileSync(join(version, "index.md"), doc.text);
    for (const f of extra?.files ?? []) {
      const p = join(dir, "generated", f.path.split("/").pop()!);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, f.content);
    }
    if (extra?.errors !== undefined) writeFileSync(join(dir, "typescript-errors.txt"), `${extra.errors.join("\n")}\n`);
    writeFileSync(
      join(dir, "reproduce.md"),
      [
        `Document ${index} of seed ${seed} (${doc.features.join(", ") || "no faults"}${doc.wellFormed ? ", meant to be well-formed" : ""}).`,
        "",
        "```sh",
        `npx tsx scripts/fuzz.ts --replay ${version}   # the fuzzer's checks on this document`,
        `npx tmad check ${version}`,
        `npx tmad build ${version} --out /tmp/tmad-fuzz-out --force`,
        "```",
        "",
      ].join("\n"),
    );
  };
}

/**
 * The worker threads' code, bundled once per run with esbuild into dist/fuzz/ (next to
 * node_modules, which stay external): a worker that loaded TypeScript through tsx took a minute to
 * start on a busy machine, and tsx's `__name` wrappers cost every call of the compiler.
 */
function bundleWorkers(): ReadonlyMap<string, string> {
  const outdir = join(REPO, "dist", "fuzz");
  const entries = { "doc-worker": join(REPO, "scripts/fuzz/doc-worker.ts"), "record-worker": join(REPO, "scripts/fuzz/record-worker.ts") };
  buildSync({ entryPoints: entries, outdir, bundle: true, platform: "node", format: "esm", target: "node20", packages: "external", outExtension: { ".js": ".mjs" }, sourcemap: "linked", logLevel: "error" });
  return new Map(Object.keys(entries).map((name) => [`scripts/fuzz/${name}.ts`, join(outdir, `${name}.mjs`)]));
}

let bundled: ReadonlyMap<string, string> | undefined;

/** Starts a worker thread on one of the fuzzer's worker modules (bundled, see bundleWorkers). */
function fuzzWorker(module: string, workerData: unknown): Worker {
  bundled ??= bundleWorkers();
  const file = bundled.get(module);
  if (file === undefined) throw new Error(`not a worker module: ${module}`);
  return new Worker(file, { workerData, resourceLimits: { maxOldGenerationSizeMb: 2048 }, execArgv: ["--enable-source-maps"] });
}

interface Slot {
  readonly worker: Worker;
  readonly progress: Progress;
  /** The documents of the batch being type-checked (documents only). */
  batch: readonly number[];
  readonly stopped: Promise<void>;
}

/**
 * The worker threads of one stream (documents or records), each on its own residue class of case
 * numbers, watched through shared memory: a case over its limit is a hang, and a worker that dies
 * is a crash; either way the worker is replaced and starts again after that case.
 */
class Stream {
  private readonly slots = new Map<number, Slot>();
  private stopping = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly kind: "documents" | "records",
    private readonly count: number,
    /** The limit of case `index`, asked once it has run `elapsed` ms (so a costly answer is rare). */
    private readonly caseLimit: (index: number, elapsed: number) => number,
    private readonly start: (index: number, stride: number, progress: SharedArrayBuffer) => Worker,
    private readonly onMessage: (slot: Slot, message: any) => void,
    private readonly onLost: (index: number, why: "hang" | "crash", detail: string, batch: readonly number[]) => void,
  ) {
    for (let w = 0; w < count; w++) this.launch(w, w);
    this.timer = setInterval(() => this.watch(), 250);
  }

  private launch(n: number, index: number): void {
    const shared = new SharedArrayBuffer(Progress.BYTES);
    const worker = this.start(index, this.count, shared);
    let stoppedResolve!: () => void;
    const slot: Slot = { worker, progress: new Progress(shared), batch: [], stopped: new Promise<void>((r) => (stoppedResolve = r)) };
    this.slots.set(n, slot);
    worker.on("message", (m: { t: string }) => {
      if (m.t === "stopped") stoppedResolve();
      else this.onMessage(slot, m);
    });
    const died = (detail: string): void => {
      stoppedResolve();
      if (this.stopping || this.slots.get(n) !== slot) return;
      this.slots.delete(n);
      const at = slot.progress.current();
      if (at === undefined) {
        // Between cases: nothing to blame; a worker that cannot even start would repeat, so stop here.
        this.onLost(Number.NaN, "crash", `a ${this.kind} worker exited between cases: ${detail}`, []);
        return;
      }
      const index = at.index >= 0 ? at.index : -1 - at.index;
      this.onLost(index, "crash", detail, at.index < 0 ? slot.batch : []);
      this.launch(n, (at.index < 0 ? Math.max(index, ...slot.batch) : index) + this.count);
    };
    worker.on("error", (e) => died(`${e.name}: ${e.message}`));
    worker.on("exit", (code) => died(`exit code ${code}`));
  }

  private watch(): void {
    const now = Date.now();
    for (const [n, slot] of this.slots) {
      const at = slot.progress.current();
      if (at === undefined) continue;
      const limit = this.caseLimit(at.index, now - at.since);
      if (now - at.since <= limit) continue;
      this.slots.delete(n);
      void slot.worker.terminate();
      const index = at.index >= 0 ? at.index : -1 - at.index;
      this.onLost(index, "hang", `over ${limit} ms`, at.index < 0 ? slot.batch : []);
      // After a hung batch, go on after its last document.
      this.launch(n, (at.index < 0 ? Math.max(index, ...slot.batch) : index) + this.count);
    }
  }

  async stop(grace: number): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    const all = [...this.slots.values()];
    for (const s of all) s.worker.postMessage({ t: "stop" });
    await Promise.race([Promise.all(all.map((s) => s.stopped)), new Promise((r) => setTimeout(r, grace))]);
    await Promise.all(all.map((s) => s.worker.terminate()));
  }
}

function rate(n: number, seconds: number): string {
  return (n / Math.max(seconds, 1e-9)).toFixed(1);
}

export async function runTimed(argv: readonly string[]): Promise<number> {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i === -1 ? undefined : argv[i + 1];
  };
  const minutes = Number(arg("minutes") ?? "1");
  const seed = Number(arg("seed") ?? Date.now() % 2 ** 31);
  // A hang is a case far slower than it should be with a core to itself: on a machine already
  // running more than a process per core, the default limit grows with the load.
  const caseMs = Number(arg("case-ms") ?? String(Math.round(10_000 * Math.max(1, loadavg()[0] / availableParallelism()))));
  const batch = Number(arg("batch") ?? "200");
  const docWorkers = Number(arg("doc-workers") ?? availableParallelism());
  const recordWorkers = Number(arg("record-workers") ?? "1");
  // 10^6 records in 30 minutes is 556 a second: aim a sixth higher and leave the rest of the cores to the documents.
  const recordRate = Number(arg("records-per-second") ?? "650");
  const failuresDir = resolve(arg("failures") ?? join("fuzz-failures", `seed-${seed}`));
  if (!(minutes > 0) || !(caseMs > 0) || !(batch >= 1) || !(docWorkers >= 0) || !(recordWorkers >= 0)) {
    throw new Error("usage: --minutes N (> 0) [--seed S] [--case-ms MS] [--batch B] [--doc-workers W] [--record-workers R] [--failures DIR]");
  }
  ensureBuilt();
  process.stdout.write(`fuzz: ${minutes} minute(s), seed ${seed}, ${docWorkers} document and ${recordWorkers} record worker(s), case limit ${caseMs} ms; failures go to ${failuresDir}\n`);
  const failures = new Failures(failuresDir);
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const loadAtStart = loadavg()[0];
  const s: DocStats = { docs: 0, corpus: 0, wellFormed: 0, generated: 0, typechecked: 0, loaded: 0, evaluations: 0, unexpected: new Map() };
  const r = { records: 0, files: 0, propertyCases: 0 };

  const stressedCache = new Map<number, boolean>();
  const stressed = (index: number): boolean => {
    let v = stressedCache.get(index);
    if (v === undefined) stressedCache.set(index, (v = documentCase(seed, index).features.some((f) => f.startsWith("stress:"))));
    return v;
  };
  const docs = new Stream(
    "documents",
    docWorkers,
    // A stress document (hundreds of rules or terms, ./documents.ts) may take a few times the limit
    // to compile on a busy machine without hanging: it gets six times as long.
    (index, elapsed) => (index < 0 ? caseMs * Math.max(6, batch / 10) : elapsed <= caseMs ? caseMs : stressed(index) ? caseMs * 6 : caseMs),
    (index, stride, progress) => fuzzWorker("scripts/fuzz/doc-worker.ts", { docWorker: true, setup: { repo: REPO, seed, start: index, stride, inputs: 4, batch, progress } satisfies DocWorkerSetup }),
    (slot, m: DocWorkerMessage) => {
      switch (m.t) {
        case "done":
          s.docs++;
          if (m.corpus) s.corpus++;
          if (m.wellFormed) s.wellFormed++;
          if (m.generated) s.generated++;
          for (const code of m.unexpected ?? []) s.unexpected.set(code, (s.unexpected.get(code) ?? 0) + 1);
          for (const f of m.failures) failures.add({ ...f, detail: `document ${m.index} of seed ${seed}\n${f.detail}`, save: docFailureSave(seed, m.index) });
          return;
        case "typecheck":
          slot.batch = m.indexes;
          return;
        case "checked":
          for (const c of m.results) {
            s.typechecked++;
            if (c.errors.length === 0) continue;
            const first = c.errors[0].replace(/^[^:]*:\d+:\d+: /, "").replace(/'[^']*'/g, "'…'").replace(/"[^"]*"/g, '"…"').replace(/\d+/g, "N");
            const index = c.index;
            failures.add({
              kind: "does-not-compile",
              signature: `generated TypeScript: ${first.split("\n")[0].slice(0, 140)}`,
              detail: `document ${index} of seed ${seed}: the build's TypeScript does not compile\n${c.errors.slice(0, 10).join("\n")}`,
              save: (dir) => {
                const doc = documentCase(seed, index);
                const compiled = compileDocument(`d${index}`, doc.text, doc.wellFormed, formattedCase(index));
                docFailureSave(seed, index, { ...(compiled.files === undefined ? {} : { files: compiled.files }), errors: c.errors })(dir);
              },
            });
          }
          return;
        case "ran":
          s.loaded++;
          s.evaluations += m.evaluations;
          for (const f of m.failures) failures.add({ ...f, detail: `document ${m.index} of seed ${seed}\n${f.detail}`, save: docFailureSave(seed, m.index) });
          return;
      }
    },
    (index, why, detail, batchOf) => {
      if (Number.isNaN(index)) failures.add({ kind: why, signature: detail.replace(/\d+/g, "N").slice(0, 160), detail, save: () => undefined });
      else if (batchOf.length > 0) failures.add({ kind: why, signature: `type-checking a batch of generated code: ${why === "hang" ? "over its limit" : detail.replace(/\d+/g, "N").slice(0, 120)}`, detail: `documents ${batchOf.join(", ")} of seed ${seed}: ${detail}`, save: docFailureSave(seed, batchOf[0]) });
      else failures.add({ kind: why, signature: why === "hang" ? "a document took longer than the per-case limit (compile, or load and run)" : `a document worker died: ${detail.replace(/\d+/g, "N").slice(0, 120)}`, detail: `document ${index} of seed ${seed}: ${detail}`, save: docFailureSave(seed, index) });
    },
  );

  const records = new Stream(
    "records",
    recordWorkers,
    (index) => (index >= 0 ? Math.max(120_000, caseMs * 12) : caseMs * 6),
    (index, stride, progress) => fuzzWorker("scripts/fuzz/record-worker.ts", { recordWorker: true, setup: { repo: REPO, seed, start: index, stride, caseMs, propertyShare: 0.1, rate: recordWorkers > 0 ? recordRate / recordWorkers : 0, progress } satisfies RecordWorkerSetup }),
    (_slot, m: RecordWorkerMessage) => {
      if (m.t === "file") {
        r.files++;
        r.records += m.records;
        for (const f of m.failures) failures.add(recordFailure({ ...f, content: Buffer.from(f.content) }));
      } else if (m.t === "property") {
        r.propertyCases += m.cases;
        if (m.failure !== undefined) failures.add({ kind: "property", signature: m.name, detail: m.failure, save: (dir) => writeFileSync(join(dir, "reproduce.md"), `npx tsx scripts/fuzz.ts --only "${m.name}" --seed ${m.seed} --cases 100\n`) });
      }
    },
    (index, why, detail) => {
      if (Number.isNaN(index)) failures.add({ kind: why, signature: detail.replace(/\d+/g, "N").slice(0, 160), detail, save: () => undefined });
      else if (index < 0) failures.add({ kind: why, signature: `a property run ${why === "hang" ? "hung" : "crashed"}`, detail, save: () => undefined });
      else {
        const signature = why === "hang" ? "a file of records took longer than its limit" : `a record worker died: ${detail.replace(/\d+/g, "N").slice(0, 120)}`;
        let f;
        try {
          f = recordFile(seed, index, caseMs);
        } catch (e) {
          // The fuzzer's own fault in making the file: reported as such, with how to make it again.
          failures.add({ kind: why, signature, detail: `file ${index} of seed ${seed}: ${detail}\n(making it again fails too: ${(e as Error).stack ?? String(e)})`, save: () => undefined });
          return;
        }
        failures.add(recordFailure({ kind: why, signature, detail: `file ${index} of seed ${seed} (${f.framed.framing}, ${f.cases.length} records, ${f.mode}): ${detail}`, content: f.framed.content, extension: f.extension, command: commandFor(f, `records-${index}.${f.extension}`) }));
      }
    },
  );

  const report = (): string => {
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpuStart);
    const cpu = (used.user + used.system) / 1e6;
    return `${seconds.toFixed(0)} s, ${cpu.toFixed(0)} CPU-s, load ${loadavg()[0].toFixed(1)}: ${r.records} records (${rate(r.records, seconds)}/s, ${rate(r.records, cpu)}/CPU-s) in ${r.files} files; ${s.docs} rule documents (${rate(s.docs, seconds)}/s, ${rate(s.docs, cpu)}/CPU-s), ${s.generated} generated code, ${s.typechecked} type-checked, ${s.loaded} loaded; ${r.propertyCases} property cases; ${failures.total} failure(s)`;
  };
  const ticker = setInterval(() => process.stdout.write(`fuzz: ${report()}\n`), 30_000);
  await new Promise((done) => setTimeout(done, minutes * 60_000));
  clearInterval(ticker);
  const seconds = (performance.now() - started) / 1000;
  // Rates per second are over the run's time; what finishes while stopping (the last batch of
  // documents is type-checked, loaded and run then) adds to the totals only. Rates per CPU-second
  // are of the totals over all the CPU time, the stop's included: type-checking is most of a
  // document's cost, and a short run would otherwise count documents whose checking it never paid for.
  const counted = { records: r.records, docs: s.docs };
  await Promise.all([docs.stop(Math.max(60_000, caseMs * 6)), records.stop(Math.max(60_000, caseMs * 6))]);
  const cpuUsed = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpuUsed.user + cpuUsed.system) / 1e6;
  const project = (n: number): string => Math.round((n / seconds) * 1800).toLocaleString("en-GB");
  // What the same work would reach with the machine's cores to itself for 30 minutes (the run may have shared them).
  const cores = availableParallelism();
  const projectCpu = (n: number): string => Math.round((n / cpuSeconds) * cores * 1800).toLocaleString("en-GB");
  const load = loadavg()[0];
  const perCpu = (n: number): string => (n / Math.max(cpuSeconds, 1e-9)).toFixed(1);
  process.stdout.write("\nfuzz: done\n");
  process.stdout.write(`  time            ${seconds.toFixed(1)} s, seed ${seed}; ${cpuSeconds.toFixed(1)} CPU-seconds used (every thread of this process, stopping included) of ${(seconds * cores).toFixed(0)} on ${cores} cores; load average ${loadAtStart.toFixed(1)} at the start, ${load.toFixed(1)} at the end\n`);
  process.stdout.write(`  throughput      ${counted.records.toLocaleString("en-GB")} records: ${rate(counted.records, seconds)}/s, ${perCpu(r.records)} per CPU-second; ${counted.docs.toLocaleString("en-GB")} rule documents: ${rate(counted.docs, seconds)}/s, ${perCpu(s.docs)} per CPU-second (both streams share the CPU-seconds)\n`);
  process.stdout.write(`  records         ${r.records.toLocaleString("en-GB")} in ${r.files} files; 30 minutes at this rate: ${project(counted.records)}, with the cores to itself: ${recordRate > 0 ? Math.min(Math.round((r.records / cpuSeconds) * cores * 1800), recordRate * 1800).toLocaleString("en-GB") : projectCpu(r.records)}${recordRate > 0 ? ` (the record stream aims at ${recordRate}/s at most)` : ""}\n`);
  process.stdout.write(`  rule documents  ${s.docs.toLocaleString("en-GB")}; 30 minutes at this rate: ${project(counted.docs)}, with the cores to itself: ${projectCpu(s.docs)}; ${s.corpus} mutated from rules/, ${s.wellFormed} meant well-formed, ${s.generated} generated code, ${s.typechecked} type-checked, ${s.loaded} loaded and run (${s.evaluations} evaluations)\n`);
  if (s.unexpected.size > 0) process.stdout.write(`  errors on documents meant to be well-formed (the generator's or the checker's doing; not failures): ${[...s.unexpected].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ×${n}`).join(", ")}\n`);
  process.stdout.write(`  property cases  ${r.propertyCases}\n`);
  process.stdout.write(`  failures        ${failures.total}${failures.total > 0 ? `, reproducers in ${failuresDir}` : ` (none saved; failures would go to ${failuresDir})`}\n${failures.summary().join("\n")}\n`);
  return failures.total === 0 ? 0 : 1;
}

function recordFailure(f: RecordFailure): Failure {
  return {
    kind: f.kind,
    signature: f.signature,
    detail: f.detail,
    save: (dir) => {
      const name = `records.${f.extension}`;
      writeFileSync(join(dir, name), f.content);
      writeFileSync(join(dir, "reproduce.md"), `\`\`\`sh\ncd ${dir}\nnpx tmad ${f.command.replace(/^tmad /, "").replace(/records-\d+\.(ndjson|json)/, name)}\n\`\`\`\n`);
    },
  };
}

/**
 * `--replay DIR`: the document DIR/index.md (or DIR/version/index.md) through the fuzzer's checks;
 * `--replay SEED:N`: document N of seed SEED, made again (documents are deterministic).
 */
export function replay(what: string): number {
  const made = /^(\d+):(\d+)$/.exec(what);
  let text: string;
  if (made !== null) {
    const doc = documentCase(Number(made[1]), Number(made[2]));
    text = doc.text;
    process.stdout.write(`document ${made[2]} of seed ${made[1]} (${doc.features.join(", ") || "no faults"}${doc.wellFormed ? ", meant to be well-formed" : ""}):\n${text}\n\n`);
  } else {
    const file = existsSync(join(what, "index.md")) ? join(what, "index.md") : join(what, "version", "index.md");
    text = readFileSync(file, "utf8");
  }
  const started = performance.now();
  const outcome = compileDocument("replay", text, false);
  process.stdout.write(`compiled in ${Math.round(performance.now() - started)} ms; ${outcome.files === undefined ? "no code generated" : `${outcome.files.length} files generated`}\n`);
  for (const f of outcome.failures) process.stdout.write(`FAIL ${f.kind}: ${f.signature}\n${f.detail}\n`);
  let failed = outcome.failures.length;
  if (outcome.files !== undefined) {
    const errors = new BatchTypeChecker(REPO).check([{ key: "replay", files: outcome.files }]).get("replay")!;
    process.stdout.write(errors.length === 0 ? "generated TypeScript compiles\n" : `FAIL does-not-compile:\n${errors.join("\n")}\n`);
    failed += errors.length;
    if (errors.length === 0) {
      const ran = runGenerated(outcome.files, 1, 20);
      process.stdout.write(`loaded and ran ${ran.evaluations} evaluations\n`);
      for (const f of ran.failures) process.stdout.write(`FAIL ${f.kind}: ${f.signature}\n${f.detail}\n`);
      failed += ran.failures.length;
    }
  }
  return failed === 0 ? 0 : 1;
}
