/**
 * Output folders that can never cost a user their files. A command that writes a folder (`tmad
 * report --out DIR`, `tmad site --out DIR`, …) takes it through `OutputDir.open`, which accepts:
 * - a path that does not exist (created, with its parents);
 * - an empty folder;
 * - with `--force`, a folder that a previous run of the SAME command created: it carries a marker
 *   file, `.tmad-output.json`, naming the command and listing the files that run wrote.
 * Anything else (a file, a device, a folder holding files we did not write, a folder another command
 * made) is refused with a message saying why and what to do. Writing never deletes or replaces a
 * file the marker does not list: each file is written to a temporary name beside it and renamed
 * into place, and `commit()` then removes only the files of the previous run that this run did not
 * write again, and records the new list. An interrupted run leaves the previous files and the marker
 * as they were, plus temporary files named `.tmad-tmp-*` that the next run removes. A command may
 * also keep scratch files there while it runs (`scratch()`, e.g. rows spilled to disk): they carry the
 * same prefix and are removed by `commit()` or `discard()`.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, normalize, resolve, sep } from "node:path";
import { UsageError } from "./usage.js";

export const OUTPUT_MARKER = ".tmad-output.json";
const TMP_PREFIX = ".tmad-tmp-";

interface Marker {
  readonly tool: "tmad";
  readonly command: string;
  readonly files: readonly string[];
}

function readMarker(dir: string): Marker | undefined {
  try {
    const m = JSON.parse(readFileSync(join(dir, OUTPUT_MARKER), "utf8")) as Partial<Marker>;
    if (m.tool !== "tmad" || typeof m.command !== "string" || !Array.isArray(m.files) || !m.files.every((f) => typeof f === "string")) return undefined;
    return m as Marker;
  } catch {
    return undefined;
  }
}

/** Every file under `dir`, as `/`-separated paths relative to it. */
function filesUnder(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const rel = prefix === "" ? e.name : `${prefix}/${e.name}`;
    return e.isDirectory() ? filesUnder(join(dir, e.name), rel) : [rel];
  });
}

/** A relative path that stays inside the folder: no absolute path, no `..`, no empty segment. */
function checkRelative(rel: string): string {
  const parts = rel.split("/");
  if (rel === "" || rel.startsWith("/") || parts.some((p) => p === "" || p === "." || p === ".." || p.includes("\\") || p.includes("\0"))) {
    throw new Error(`internal: output path ${JSON.stringify(rel)} is not a plain relative path`);
  }
  return rel;
}

/** Removes the empty folders below `dir` (not `dir` itself): those a failed run made for its files. */
function removeEmptyFolders(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const sub = join(dir, e.name);
    removeEmptyFolders(sub);
    if (readdirSync(sub).length === 0) rmdirSync(sub);
  }
}

export class OutputDir {
  private readonly written = new Set<string>();
  private readonly scratchFiles: string[] = [];

  private constructor(
    readonly dir: string,
    private readonly command: string,
    private readonly previous: readonly string[],
    /** The folders `open` made (deepest first), removed again by `discard()` when the run fails. */
    private readonly created: readonly string[] = [],
  ) {}

  /**
   * Opens `dir` for `command` (e.g. "report"), or throws a UsageError saying why it may not be used.
   * `force` allows reusing a folder that a previous run of the same command wrote. `adopt` (for
   * `tmad build`, whose files all carry a generated banner) counts an unlisted file as an earlier
   * run's output when it says so, e.g. in a folder written before markers existed.
   */
  static open(dir: string, command: string, force: boolean, options: { readonly adopt?: (rel: string, path: string) => boolean } = {}): OutputDir {
    if (dir === "") throw new UsageError("--out needs a folder name");
    if (!existsSync(dir)) {
      const created: string[] = [];
      for (let d = resolve(dir); !existsSync(d); d = dirname(d)) created.push(d);
      mkdirSync(dir, { recursive: true });
      return new OutputDir(dir, command, [], created);
    }
    const st = lstatSync(dir);
    if (st.isSymbolicLink()) throw new UsageError(`--out ${dir} is a symbolic link; name a real folder (tmad does not write through links)`);
    if (!st.isDirectory()) throw new UsageError(`--out ${dir} exists and is not a folder; name a new or empty folder`);
    for (const name of readdirSync(dir)) if (name.startsWith(TMP_PREFIX)) rmSync(join(dir, name), { force: true });
    const present = filesUnder(dir);
    if (present.length === 0) return new OutputDir(dir, command, []);
    const marker = readMarker(dir);
    const listed = new Set(marker?.files ?? []);
    const adopt = options.adopt;
    const adopted = adopt === undefined || (marker !== undefined && marker.command !== command) ? [] : present.filter((f) => f !== OUTPUT_MARKER && !listed.has(f) && adopt(f, join(dir, ...f.split("/"))));
    if (marker === undefined && adopted.length < present.length) {
      throw new UsageError(`--out ${dir} is not empty and was not written by tmad (no ${OUTPUT_MARKER}); tmad never writes into a folder of yours: name a new or empty folder`);
    }
    if (marker !== undefined && marker.command !== command) {
      throw new UsageError(`--out ${dir} was written by \`tmad ${marker.command}\`, not \`tmad ${command}\`; name another folder`);
    }
    const ours = new Set([OUTPUT_MARKER, ...listed, ...adopted]);
    const foreign = present.filter((f) => !ours.has(f));
    if (foreign.length > 0) {
      const shown = foreign.slice(0, 3).join(", ") + (foreign.length > 3 ? `, … (${foreign.length} in all)` : "");
      throw new UsageError(`--out ${dir} holds files tmad did not write (${shown}); move them away or name another folder`);
    }
    if (!force) throw new UsageError(`--out ${dir} holds the output of an earlier \`tmad ${command}\`; add --force to replace it, or name a new folder`);
    return new OutputDir(dir, command, [...listed, ...adopted].sort());
  }

  /** The files an earlier run wrote (listed in the marker, or adopted). */
  previousFiles(): readonly string[] {
    return this.previous;
  }

  /** Counts a file of the earlier run as this run's output, as it is: for outputs rebuilt in part. */
  keep(rel: string): void {
    const path = checkRelative(rel);
    if (!this.previous.includes(path)) throw new Error(`internal: ${path} was not written by an earlier run`);
    this.written.add(path);
  }

  /** Where `rel` goes and the temporary file it is written to first; refuses a file tmad did not write. */
  private place(rel: string): { path: string; target: string; tmp: string } {
    const path = checkRelative(rel);
    if (path === OUTPUT_MARKER) throw new Error(`internal: ${OUTPUT_MARKER} is reserved`);
    const target = join(this.dir, ...path.split("/"));
    mkdirSync(dirname(target), { recursive: true });
    if (existsSync(target) && !this.previous.includes(path) && !this.written.has(path)) {
      throw new UsageError(`--out ${this.dir}: ${path} appeared while writing and tmad did not write it; stopping`);
    }
    return { path, target, tmp: join(dirname(target), `${TMP_PREFIX}${process.pid}-${this.written.size}`) };
  }

  /** Writes one file (a `/`-separated path inside the folder), atomically. */
  write(rel: string, content: string | Uint8Array): void {
    const { path, target, tmp } = this.place(rel);
    writeFileSync(tmp, content);
    renameSync(tmp, target);
    this.written.add(path);
  }

  /**
   * Writes one file that is too large to hold in memory: `make` writes it to the temporary path it
   * is given (as a stream), and the file is then renamed into place like `write`'s.
   */
  async produce(rel: string, make: (tmpPath: string) => Promise<void>): Promise<void> {
    const { path, target, tmp } = this.place(rel);
    try {
      await make(tmp);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
    renameSync(tmp, target);
    this.written.add(path);
  }

  /** A path for a scratch file of this run, at the top of the folder; removed by `commit()` or `discard()`. */
  scratch(): string {
    const path = join(this.dir, `${TMP_PREFIX}${process.pid}-scratch-${this.scratchFiles.length}`);
    this.scratchFiles.push(path);
    return path;
  }

  /**
   * Ends a failed run: removes its scratch files and the files it added, and, when `open` made the
   * folder, the folders it made, so a failed run leaves nothing behind. In a folder that existed,
   * the previous run's files stay, listed in its marker.
   */
  discard(): void {
    this.removeScratch();
    // Files new in this run are ours to remove (left, the marker would not list them and the next
    // run would refuse the folder); files of the previous run it rewrote stay, listed.
    for (const f of this.written) if (!this.previous.includes(f)) rmSync(join(this.dir, ...f.split("/")), { force: true });
    this.written.clear();
    if (this.created.length === 0) return;
    removeEmptyFolders(this.dir);
    for (const d of this.created) {
      if (!existsSync(d) || readdirSync(d).length > 0) break;
      rmdirSync(d);
    }
  }

  private removeScratch(): void {
    for (const f of this.scratchFiles) rmSync(f, { force: true });
    this.scratchFiles.length = 0;
  }

  /** The files written so far, sorted. */
  files(): string[] {
    return [...this.written].sort();
  }

  /** Ends the run: removes the previous run's files not written again (and folders left empty), records the new list. */
  commit(): void {
    this.removeScratch();
    for (const old of this.previous) {
      if (this.written.has(old)) continue;
      const target = join(this.dir, ...checkRelative(old).split("/"));
      rmSync(target, { force: true });
      // Remove the folders it leaves empty, up to (not including) the output folder itself.
      for (let d = dirname(target); normalize(d) !== normalize(this.dir) && normalize(d).startsWith(normalize(this.dir) + sep); d = dirname(d)) {
        if (readdirSync(d).length > 0) break;
        rmdirSync(d);
      }
    }
    const marker: Marker = { tool: "tmad", command: this.command, files: this.files() };
    const text = `${JSON.stringify(marker, null, 2)}\n`;
    const path = join(this.dir, OUTPUT_MARKER);
    // Unchanged, it is left alone: a rebuild that changed nothing touches nothing.
    if (!existsSync(path) || readFileSync(path, "utf8") !== text) writeFileSync(path, text);
  }
}
