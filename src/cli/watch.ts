/**
 * `tmad check --watch` and `tmad test --watch`: re-run on every save, printing only what changed
 * since the last run (`+` a new finding, `-` one that went away), with the time it took. A save
 * re-runs the versions that use the saved directory: the version itself and every version built on
 * it by amendment. The compiler stays loaded between runs, so a re-run takes a fraction of a second.
 */
import { watch, type FSWatcher } from "node:fs";
import { resolve } from "node:path";
import { formatDiagnostic, summarize } from "../compiler/diagnostics/diagnostic.js";
import { chainOf } from "../compiler/extract/index.js";
import { VersionReader } from "../compiler/source/versions.js";
import { versionDirs } from "./build.js";
import { cliIo } from "./io.js";

/** One version's findings, as printable lines keyed by themselves; `reader` is shared by one run. */
export type Findings = (dir: string, reader: VersionReader) => Promise<{ id: string; lines: string[]; summary: string }>;

/** Directories a version is made of: its own and its base chain's. */
function chain(reader: VersionReader, dir: string): string[] {
  return chainOf(reader.read(dir), () => undefined).map((c) => resolve(c.source.dir));
}

export async function watchLoop(args: readonly string[], findings: Findings, label: string): Promise<number> {
  const dirs = versionDirs(args);
  const last = new Map<string, Set<string>>();
  const run = async (which: readonly string[], first: boolean): Promise<void> => {
    // Files are read afresh on every run, once each however many versions use them.
    const reader = new VersionReader();
    for (const dir of which) {
      const started = performance.now();
      const { id, lines, summary } = await findings(dir, reader);
      const now = new Set(lines);
      const before = last.get(dir) ?? new Set<string>();
      const added = lines.filter((l) => !before.has(l));
      const gone = [...before].filter((l) => !now.has(l));
      last.set(dir, now);
      const ms = Math.round(performance.now() - started);
      if (first) for (const l of lines) cliIo().stdout.write(`${l}\n`);
      else {
        for (const l of gone) cliIo().stdout.write(`- ${l.replace(/\n/g, "\n  ")}\n`);
        for (const l of added) cliIo().stdout.write(`+ ${l.replace(/\n/g, "\n  ")}\n`);
      }
      if (first || added.length > 0 || gone.length > 0) cliIo().stdout.write(`${id}: ${summary} (${ms} ms)\n`);
      else cliIo().stdout.write(`${id}: no change (${ms} ms)\n`);
    }
  };
  await run(dirs, true);

  const users = new Map<string, string[]>(); // directory → versions that use it
  const remap = (): void => {
    users.clear();
    const reader = new VersionReader();
    for (const d of dirs) for (const used of chain(reader, d)) users.set(used, [...(users.get(used) ?? []), d]);
  };
  remap();
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const changed = new Set<string>();
  for (const used of users.keys()) {
    watchers.push(
      watch(used, (_event, name) => {
        if (name !== null && !String(name).endsWith(".md") && String(name) !== "pins.json") return;
        changed.add(used);
        clearTimeout(timer);
        // Editors write a file in several steps: wait for the burst to end.
        timer = setTimeout(() => {
          const affected = [...new Set([...changed].flatMap((c) => users.get(c) ?? []))];
          changed.clear();
          running = running.then(async () => {
            remap();
            await run(affected, false);
          });
        }, 60);
      }),
    );
  }
  cliIo().stdout.write(`tmad ${label} --watch: watching ${dirs.length} version(s); Ctrl-C to stop\n`);
  await new Promise<void>((resolveStop) => {
    const stop = (): void => {
      for (const w of watchers) w.close();
      resolveStop();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  return 0;
}

/** `check --watch`: the pipeline's diagnostics (parse, types, pins); the slow analysis is left to a plain `tmad check`. */
export const checkFindings: Findings = async (dir, reader) => {
  const { checkDirectory } = await import("./build.js");
  const r = await checkDirectory(dir, false, reader);
  return { id: r.id, lines: r.diagnostics.map(formatDiagnostic), summary: summarize(r.diagnostics) };
};

/** `test --watch`: each failing example and coverage gap, and the pass count. */
export const testFindings: Findings = async (dir, reader) => {
  const { testVersion } = await import("./test.js");
  const { id, report, diagnostics } = testVersion(reader, dir);
  if (report === undefined) {
    return { id, lines: diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic), summary: "not tested: the rules or examples have errors" };
  }
  const passed = report.examples.filter((e) => e.passed).length;
  const changed = report.examples.filter((e) => e.changed !== undefined).length;
  return {
    id,
    lines: [...report.failures, ...report.changed],
    summary: `${report.examples.length} examples, ${passed} passed, ${changed > 0 ? `${changed} changed by this amendment, ` : ""}${report.examples.length - passed - changed} failed; ${report.failures.length} failure(s)`,
  };
};
