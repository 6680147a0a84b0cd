/**
 * Where `npm run bench` writes in bench/RESULTS.md. The file is mostly written by people: sections
 * with the commands, loads and figures of runs that the table alone cannot hold (the 15 M run, each
 * lane's side-by-side measurements). A full run replaces only its own block, between two markers,
 * and keeps every other line; a file without the markers keeps all of its text below a new block.
 */
import { renameSync, writeFileSync } from "node:fs";

export const BEGIN = "<!-- npm run bench: its latest table, from here… -->";
export const END = "<!-- …to here. The sections below are written by people and kept by npm run bench. -->";

/** The new text of RESULTS.md: `old` (undefined when there is none) with the block replaced. */
export function withLatestRun(old: string | undefined, block: string): string {
  const fenced = `${BEGIN}\n${block.trimEnd()}\n${END}\n`;
  if (old === undefined || old.trim() === "") return `# Benchmark results\n\n${fenced}`;
  const begin = old.indexOf(BEGIN);
  const end = begin < 0 ? -1 : old.indexOf(END, begin + BEGIN.length);
  if (begin >= 0 && end >= 0) return old.slice(0, begin) + fenced + old.slice(end + END.length).replace(/^\n/, "");
  // No markers (or only one, e.g. after a hand edit): nothing of the old text may be lost.
  const title = /^# [^\n]*\n/.exec(old);
  if (title === null) return `# Benchmark results\n\n${fenced}\n${old}`;
  return `${title[0]}\n${fenced}\n${old.slice(title[0].length).replace(/^\n+/, "")}`;
}

/** Writes through a temporary file beside it, so a run killed mid-write leaves the old file whole. */
export function writeResults(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}
