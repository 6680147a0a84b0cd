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

/**
 * `old` with the section under `heading` (a `## ` line) replaced by `section` (which starts with
 * that heading), up to the next `## ` heading; the section is added at the end when there is none.
 * Every other section is kept as it was.
 */
export function withSection(old: string | undefined, heading: string, section: string): string {
  const text = old === undefined || old.trim() === "" ? "# Benchmark results\n" : old;
  const body = `${section.trimEnd()}\n`;
  const start = text.startsWith(`${heading}\n`) ? 0 : text.indexOf(`\n${heading}\n`) + 1;
  // indexOf gave -1: no such section yet.
  if (start === 0 && !text.startsWith(`${heading}\n`)) return `${text.trimEnd()}\n\n${body}`;
  const next = text.indexOf("\n## ", start + heading.length);
  return next === -1 ? `${text.slice(0, start)}${body}` : `${text.slice(0, start)}${body}\n${text.slice(next + 1)}`;
}
