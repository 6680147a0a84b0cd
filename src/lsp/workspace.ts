/**
 * The server's model of a project: the version directories under its rules root, the editor's
 * unsaved buffers, and for each version its last check (diagnostics, AST, symbol index) and its
 * last analysis. Knows which versions use which directory (a version and every version built on it
 * by amendment), so an edit re-checks only those. No LSP types here: paths are absolute, spans are
 * the compiler's; the server converts.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { chainOf, checkSource, projectPath, readVersionSource, sourceKey, versionDirectories, type CheckedModel, type Diagnostic, type SourceReader } from "./compiler-adapter.js";
import { buildIndex, type SymbolIndex } from "./symbols.js";

export interface VersionState {
  /** Absolute directory. */
  readonly dir: string;
  readonly id: string;
  /** Bumped whenever the version's source (any file of its chain, or its pins) changes. */
  generation: number;
  stale: boolean;
  sourceKey?: string;
  model?: CheckedModel;
  /** Built on first use after each check. */
  index?: SymbolIndex;
  /** Absolute directories of its chain (own first). */
  chain: readonly string[];
  /** The analysis warnings for `generation`, once the worker has produced them. */
  analysis?: { readonly generation: number; readonly diagnostics: readonly Diagnostic[] };
}

/** A diagnostic as shown for one file: the versions that report it (a shared file is checked in each). */
export interface FileDiagnostic {
  readonly diagnostic: Diagnostic;
  readonly versions: readonly string[];
  /** Versions that use the file at all. */
  readonly users: readonly string[];
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export class Workspace {
  readonly rulesRoot: string;
  private readonly buffers = new Map<string, string>();
  private readonly versions = new Map<string, VersionState>();
  readonly reader: SourceReader;

  constructor(
    readonly root: string,
    rulesDir = "rules",
  ) {
    this.rulesRoot = resolve(root, rulesDir);
    this.reader = {
      read: (path) => {
        const open = this.buffers.get(path);
        if (open !== undefined) return open;
        try {
          return statSync(path).isFile() ? readFileSync(path, "utf8") : undefined;
        } catch {
          return undefined;
        }
      },
      markdownFiles: (dir) => {
        const out = new Set<string>();
        try {
          for (const f of readdirSync(dir)) if (f.endsWith(".md") && statSync(join(dir, f)).isFile()) out.add(join(dir, f));
        } catch {
          // a directory that went away has no files
        }
        for (const path of this.buffers.keys()) if (path.endsWith(".md") && dirname(path) === dir) out.add(path);
        return [...out];
      },
    };
  }

  /** Finds the version directories (again) and marks every version for a re-check. */
  scan(): void {
    const found = new Set(versionDirectories(this.rulesRoot));
    for (const dir of [...this.versions.keys()]) if (!found.has(dir)) this.versions.delete(dir);
    for (const dir of found) {
      const v = this.versions.get(dir);
      if (v === undefined) this.versions.set(dir, { dir, id: dir.split(/[\\/]/).pop()!, generation: 0, stale: true, chain: [dir] });
      else v.stale = true;
    }
  }

  all(): VersionState[] {
    return [...this.versions.values()];
  }

  /** Versions whose chain includes directory `dir` (absolute): the ones an edit there affects. */
  usersOf(dir: string): VersionState[] {
    return this.all().filter((v) => v.chain.includes(dir));
  }

  /** The version a file belongs to: the one whose directory holds it. */
  homeOf(path: string): VersionState | undefined {
    return this.versions.get(dirname(path));
  }

  /** An editor's buffer for `path` changed (text), or was closed (undefined: the disk counts again). */
  setBuffer(path: string, text: string | undefined): VersionState[] {
    if (text === undefined) this.buffers.delete(path);
    else this.buffers.set(path, text);
    return this.touch(path);
  }

  isOpen(path: string): boolean {
    return this.buffers.has(path);
  }

  /** A file changed on disk (or was created or deleted): marks the versions that use it. */
  touch(path: string): VersionState[] {
    const dir = dirname(path);
    if (!this.versions.has(dir) && dirname(dir) === this.rulesRoot && existsSync(dir)) this.scan();
    const affected = this.usersOf(dir);
    for (const v of affected) v.stale = true;
    return affected;
  }

  /** Re-checks every stale version; returns those whose source actually changed. */
  refresh(): VersionState[] {
    const changed: VersionState[] = [];
    for (const v of this.all()) {
      if (!v.stale) continue;
      v.stale = false;
      const source = readVersionSource(this.root, v.dir, this.reader);
      const key = sourceKey(source);
      if (key === v.sourceKey && v.model !== undefined) continue;
      v.sourceKey = key;
      v.model = checkSource(source);
      v.index = undefined;
      v.chain = chainOf(this.root, source);
      v.generation++;
      changed.push(v);
    }
    return changed;
  }

  indexOf(v: VersionState): SymbolIndex | undefined {
    if (v.model === undefined) return undefined;
    v.index ??= buildIndex(v.model);
    return v.index;
  }

  /** Records the analysis of a version, unless the version changed since it started. */
  setAnalysis(v: VersionState, generation: number, diagnostics: readonly Diagnostic[]): boolean {
    if (v.generation !== generation || !this.versions.has(v.dir)) return false;
    v.analysis = { generation, diagnostics };
    return true;
  }

  /** A project path (as in spans) made absolute. */
  absolute(file: string): string {
    return resolve(this.root, file);
  }

  project(path: string): string {
    return projectPath(this.root, path);
  }

  /**
   * Every version's diagnostics (and current analysis), by absolute file, merged: a file shared by
   * several versions shows each finding once, with the versions that report it. A finding placed on
   * a directory (a version with no documents) is shown on its index.md; one on pins.json, there.
   */
  diagnostics(): Map<string, FileDiagnostic[]> {
    const byFile = new Map<string, Map<string, { diagnostic: Diagnostic; versions: string[] }>>();
    const usersByDir = new Map<string, string[]>();
    for (const v of this.all()) for (const d of v.chain) usersByDir.set(d, [...(usersByDir.get(d) ?? []), v.id]);
    for (const v of this.all()) {
      const analysis = v.analysis?.generation === v.generation ? v.analysis.diagnostics : [];
      for (const d of [...(v.model?.diagnostics ?? []), ...analysis]) {
        let path = this.absolute(d.span.file);
        if (isDirectory(path)) path = join(path, "index.md");
        const key = `${d.span.start.line}:${d.span.start.column}:${d.span.end.line}:${d.span.end.column}|${d.code}|${d.message}`;
        const file = byFile.get(path) ?? new Map<string, { diagnostic: Diagnostic; versions: string[] }>();
        const entry = file.get(key) ?? { diagnostic: d, versions: [] };
        if (!entry.versions.includes(v.id)) entry.versions.push(v.id);
        file.set(key, entry);
        byFile.set(path, file);
      }
    }
    const out = new Map<string, FileDiagnostic[]>();
    for (const [path, entries] of byFile) out.set(path, [...entries.values()].map((e) => ({ ...e, users: usersByDir.get(dirname(path)) ?? e.versions })));
    return out;
  }

  /** Every file a version is made of (absolute), for clearing diagnostics that went away. */
  files(): string[] {
    const out = new Set<string>();
    for (const v of this.all()) for (const f of v.model?.files ?? []) out.add(this.absolute(f.path));
    return [...out];
  }
}
