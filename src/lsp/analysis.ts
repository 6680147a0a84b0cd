/**
 * When versions settle, their analysis: after a quiet period with no edits, each version marked as
 * changed is analysed in turn in a worker thread (the witness search takes seconds), and the
 * warnings are kept for the generation of the version they were computed from. An edit to a
 * version being analysed stops the worker; the version is analysed again once things are quiet.
 */
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { hasErrors, type Diagnostic } from "./compiler-adapter.js";
import type { VersionState, Workspace } from "./workspace.js";

export interface AnalysisOptions {
  /** Quiet period after the last edit, in milliseconds. */
  readonly delayMs: number;
  /** Called when a version's analysis is in: publish the diagnostics again. */
  readonly onResult: (version: VersionState) => void;
  readonly log: (message: string) => void;
}

export class AnalysisScheduler {
  private readonly dirty = new Set<VersionState>();
  private timer: NodeJS.Timeout | undefined;
  private worker: Worker | undefined;
  private running: { version: VersionState; generation: number; id: number } | undefined;
  private nextId = 1;
  private stopped = false;

  constructor(
    private readonly ws: Workspace,
    private readonly options: AnalysisOptions,
  ) {}

  /** These versions changed: forget their analysis and analyse them when things are quiet. */
  changed(versions: readonly VersionState[]): void {
    for (const v of versions) {
      this.dirty.add(v);
      if (this.running?.version === v) this.stopWorker();
    }
    this.arm();
  }

  /** An edit happened somewhere: the quiet period starts again. */
  private arm(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.next(), this.options.delayMs);
  }

  private next(): void {
    if (this.running !== undefined || this.stopped) return;
    const version = [...this.dirty].find((v) => this.ws.all().includes(v));
    if (version === undefined) {
      this.dirty.clear();
      this.stopWorker();
      return;
    }
    this.dirty.delete(version);
    const model = version.model;
    // Like `tmad check`: no analysis while the version has errors.
    if (model === undefined || hasErrors(model.diagnostics)) return this.next();
    const id = this.nextId++;
    this.running = { version, generation: version.generation, id };
    this.ensureWorker().postMessage({ id, source: model.source });
    this.options.log(`analysing ${version.id}`);
  }

  private ensureWorker(): Worker {
    if (this.worker !== undefined) return this.worker;
    const here = fileURLToPath(import.meta.url);
    const worker = new Worker(new URL(`./analysis-worker${extname(here)}`, import.meta.url));
    worker.on("message", (m: { id: number; diagnostics?: Diagnostic[]; error?: string }) => {
      const run = this.running;
      if (run === undefined || run.id !== m.id) return;
      this.running = undefined;
      if (m.error !== undefined) this.options.log(`analysis of ${run.version.id} failed: ${m.error}`);
      else if (this.ws.setAnalysis(run.version, run.generation, m.diagnostics ?? [])) this.options.onResult(run.version);
      this.next();
    });
    worker.on("error", (e) => {
      this.options.log(`analysis worker: ${e.stack ?? String(e)}`);
      this.worker = undefined;
      this.running = undefined;
    });
    this.worker = worker;
    return worker;
  }

  private stopWorker(): void {
    const w = this.worker;
    this.worker = undefined;
    if (this.running !== undefined) this.dirty.add(this.running.version);
    this.running = undefined;
    if (w !== undefined) void w.terminate();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.stopWorker();
  }
}
