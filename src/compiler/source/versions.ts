/**
 * Reading version directories: the one place the compiler touches the file system for its input.
 * Takes a directory path; gives a VersionSource (its Markdown files' text, its review pins, and a
 * lookup that finds the version its front matter names as `base`). A base is named by version id,
 * never by path, and is looked up only among the version directories of the rules roots: the
 * directory holding the amending version, then the project's `rules/`. Each directory is read
 * once per reader, so a command that compiles several versions of one chain reads each file once.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";

export interface SourceFile {
  /** Path as it should appear in diagnostics and generated JSDoc (relative, `/`-separated). */
  readonly path: string;
  readonly text: string;
}

/** Finds the version an amendment names as its `base`, by id; or says why it cannot. */
export type BaseLookup = (id: string) => VersionSource | { readonly missing: string };

/** One version directory's text, as the compiler's first stage takes it. */
export interface VersionSource {
  /** Directory name, used as the version id. */
  readonly id: string;
  readonly dir: string;
  readonly files: readonly SourceFile[];
  /** For an amending version: finds its base by id (absent: the version amends nothing findable). */
  readonly base?: BaseLookup;
  /** The review pins (`pins.json`) beside the rules: its path, and its text when it exists. */
  readonly pins?: { readonly path: string; readonly text?: string };
}

/** The review pin file beside each version's rules (written by `tmad pin`). */
export const PIN_FILE = "pins.json";

/** The project's rules root, relative to the working directory. */
export const DEFAULT_RULES_ROOT = "rules";

/** A version id: a directory name, never a path (no separators, no `.` or `..`). */
export const VERSION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function toPosix(p: string): string {
  return p.split(sep).join("/");
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The version directories under a rules root, sorted by name. */
export function versionDirectories(root: string = DEFAULT_RULES_ROOT): string[] {
  if (!isDirectory(root)) return [];
  return readdirSync(root)
    .filter((d) => isDirectory(join(root, d)))
    .sort()
    .map((d) => join(root, d));
}

/** Reads version directories, each once, and resolves bases by id within the rules roots. */
export class VersionReader {
  private readonly cache = new Map<string, VersionSource>();

  /** `rulesRoot`: where bases are looked up after the amending version's own directory. */
  constructor(private readonly rulesRoot: string = DEFAULT_RULES_ROOT) {}

  /** The version in `dir` (its `.md` files sorted by name, and its pins). */
  read(dir: string): VersionSource {
    const full = resolve(dir);
    const cached = this.cache.get(full);
    if (cached !== undefined) return cached;
    const files = readdirSync(full)
      .filter((f) => f.endsWith(".md"))
      .sort()
      .map((f) => ({ path: toPosix(relative(process.cwd(), join(full, f))), text: readFileSync(join(full, f), "utf8") }));
    const pinPath = join(full, PIN_FILE);
    const source: VersionSource = {
      id: basename(full),
      dir: toPosix(relative(process.cwd(), full) || "."),
      files,
      pins: { path: toPosix(relative(process.cwd(), pinPath)), ...(existsSync(pinPath) ? { text: readFileSync(pinPath, "utf8") } : {}) },
      base: (id) => this.lookup(full, id),
    };
    this.cache.set(full, source);
    return source;
  }

  private lookup(dir: string, id: string): VersionSource | { missing: string } {
    const found = findBase(dir, id, this.rulesRoot, process.cwd(), isDirectory);
    return typeof found === "string" ? this.read(found) : found;
  }
}

/**
 * Where the version `id` that the version in `dir` names as its base is: the directory of that id
 * beside `dir`, else under `rulesRoot`; or why there is none. `relativeTo` is the directory the
 * message's paths are relative to; `exists` says which directories exist (on disk, or as an editor sees them).
 */
export function findBase(dir: string, id: string, rulesRoot: string, relativeTo: string, exists: (path: string) => boolean): string | { missing: string } {
  const own = dirname(resolve(dir));
  const project = resolve(rulesRoot);
  const roots = own === project || !exists(project) ? [own] : [own, project];
  const where = roots.map((r) => toPosix(relative(relativeTo, r) || ".")).join(", ");
  if (!VERSION_ID.test(id)) return { missing: `base "${id}" is not a version id (looked in ${where})` };
  for (const root of roots) {
    const candidate = join(root, id);
    if (exists(candidate)) return candidate;
  }
  return { missing: `base version ${id} not found (looked in ${where})` };
}

/** Reads one version directory with a fresh reader (bases resolved within the default roots). */
export function readVersion(dir: string): VersionSource {
  return new VersionReader().read(dir);
}
