/**
 * Language server rows: how long a keystroke takes to re-check, on the corpus.
 *
 * A "keystroke" types one character of ` and installation.communicating` into a rule's condition
 * (then deletes them one by one), so the text goes through valid and invalid states as when an
 * author types. Measured two ways:
 * - in process: the server's Workspace takes the unsaved text and re-checks the versions that use
 *   the file (20.v2's own file: one version; a 19.0 file: 19.0 and the two versions built on it),
 *   and merges the diagnostics to publish;
 * - over the protocol: `tmad lsp` from dist/, an incremental didChange, then a request (which waits
 *   for the re-check): the time an editor waits before it sees the new state.
 * Median, p95 and max per keystroke, after one warm-up pass. `npm run bench:lsp` runs these rows
 * alone and records them in bench/RESULTS.md under their own heading.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { LspClient, uri } from "../test/lsp/client.js";
import { Workspace } from "../src/lsp/workspace.js";
import { root } from "./records.js";
import type { Measurement } from "./rows.js";
import { scenarios, type Scenario } from "./lsp-scenarios.js";
import { withSection, writeResults } from "./results-file.js";

const TYPED = " and installation.communicating";

/** The texts after each keystroke: typing TYPED at the anchor, then deleting it again. */
function keystrokes(text: string, anchor: string): { texts: string[]; line: number; column: number } {
  const lines = text.split("\n");
  const line = lines.findIndex((l) => l.includes(anchor));
  if (line < 0) throw new Error(`bench: no line contains ${anchor}`);
  const at = text.split("\n").slice(0, line + 1).join("\n").length;
  const texts: string[] = [];
  for (let k = 1; k <= TYPED.length; k++) texts.push(text.slice(0, at) + TYPED.slice(0, k) + text.slice(at));
  for (let k = TYPED.length - 1; k >= 0; k--) texts.push(text.slice(0, at) + TYPED.slice(0, k) + text.slice(at));
  return { texts, line, column: lines[line]!.length };
}

function stats(ms: readonly number[]): { median: number; p95: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
  return { median: q(0.5), p95: q(0.95), max: s[s.length - 1]! };
}

function row(name: string, ms: readonly number[], how: string): Measurement {
  const s = stats(ms);
  return { benchmark: `re-check per keystroke, ${name}, ${how}`, value: s.median.toFixed(0), unit: "ms (median)", note: `p95 ${s.p95.toFixed(0)} ms, max ${s.max.toFixed(0)} ms; ${ms.length} keystrokes` };
}

function inProcess(s: Scenario): number[] {
  const ws = new Workspace(root);
  ws.scan();
  ws.refresh();
  const path = join(root, s.file);
  const { texts } = keystrokes(readFileSync(path, "utf8"), s.anchor);
  const run = (): number[] =>
    texts.map((t) => {
      const started = performance.now();
      ws.setBuffer(path, t);
      ws.refresh();
      ws.diagnostics();
      return performance.now() - started;
    });
  run(); // warm-up
  return run();
}

async function overProtocol(s: Scenario): Promise<number[]> {
  const client = await LspClient.start(root, { analysis: false });
  try {
    const path = join(root, s.file);
    const text = readFileSync(path, "utf8");
    client.open(path, text);
    const { line, column } = keystrokes(text, s.anchor);
    const pass = async (): Promise<number[]> => {
      const out: number[] = [];
      const type = async (edit: () => void): Promise<void> => {
        const started = performance.now();
        edit();
        await client.request("textDocument/documentSymbol", { textDocument: { uri: uri(path) } });
        out.push(performance.now() - started);
      };
      for (let k = 0; k < TYPED.length; k++) await type(() => client.edit(path, { start: { line, character: column + k }, end: { line, character: column + k } }, TYPED[k]!));
      for (let k = TYPED.length; k > 0; k--) await type(() => client.edit(path, { start: { line, character: column + k - 1 }, end: { line, character: column + k } }, ""));
      return out;
    };
    await pass(); // warm-up
    return await pass();
  } finally {
    await client.stop();
  }
}

/** The in-process rows alone (quick to run while optimising). */
export function lspInProcess(): Measurement[] {
  return scenarios.map((s) => row(s.name, inProcess(s), "in process"));
}

export async function lspRows(): Promise<Measurement[]> {
  const out: Measurement[] = lspInProcess();
  for (const s of scenarios) out.push(row(s.name, await overProtocol(s), "didChange → answer over stdio"));
  return out;
}

// `npm run bench:lsp`: these rows alone, printed and kept in bench/RESULTS.md under their own heading.
if (process.argv[1]?.endsWith("lsp.ts")) {
  const { machine, table } = await import("./table.js");
  const { loadavg } = await import("node:os");
  const loadBefore = loadavg()[0]!;
  const measurements = await lspRows();
  const md = table(measurements);
  console.log(md);
  const results = join(root, "bench", "RESULTS.md");
  const heading = "## Language server (npm run bench:lsp)";
  const m = machine();
  const load = `load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after`;
  const section = [heading, "", `Run on ${new Date().toISOString()} with \`npm run bench:lsp\` (tsx bench/lsp.ts), on ${m.nproc} × ${m.CPU}, node ${m.node}; ${load}.`, "", md, ""].join("\n");
  // Only this section is replaced: the sections after it are kept.
  writeResults(results, withSection(existsSync(results) ? readFileSync(results, "utf8") : undefined, heading, section));
  process.stderr.write("wrote bench/RESULTS.md\n");
}
