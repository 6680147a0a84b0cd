/**
 * Worker thread of the language server: runs a version's analysis (the witness search of
 * `tmad check`), which takes seconds, away from the thread that answers the editor.
 * Takes `{ id, source }` messages (a VersionSource), gives `{ id, diagnostics }` or `{ id, error }`.
 */
import { parentPort } from "node:worker_threads";
import { analyzeSource, type VersionSource } from "./compiler-adapter.js";

parentPort?.on("message", (m: { id: number; source: VersionSource }) => {
  try {
    parentPort!.postMessage({ id: m.id, diagnostics: analyzeSource(m.source) });
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: (e as Error).stack ?? String(e) });
  }
});
