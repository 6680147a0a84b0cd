/**
 * The compiler as a named list of stages: extract → parse → check → pins → generate. Each stage is a pure
 * function from one data structure to the next and returns its diagnostics. Ordering notes:
 * - check runs even when parse reported errors, on the declarations that did parse, so a rule file
 *   with a syntax error and a type error reports both in one run;
 * - generate runs only when no stage reported an error.
 */
import type { Program } from "./ast/nodes.js";
import { checkProgram, type CheckedProgram } from "./check/index.js";
import { sortDiagnostics, hasErrors, type Diagnostic } from "./diagnostics/diagnostic.js";
import { consolidate, extractVersion, type ExtractedVersion, type SourceFile } from "./extract/index.js";
import { generateVersion, type GeneratedFile } from "./generate/index.js";
import { parseBlocks } from "./parse/index.js";
import { checkPins } from "./pins/index.js";
import { versionTypes } from "./typing/registry.js";

export interface VersionSource {
  /** Directory name, used as the version id. */
  readonly id: string;
  readonly dir: string;
  readonly files: readonly SourceFile[];
  /** For an amending version (`base:` in its front matter): the version it amends, or why it is missing. */
  readonly base?: VersionSource | { readonly missing: string };
  /** The review pins (`pins.json`) beside the rules: its path, and its text when it exists. */
  readonly pins?: { readonly path: string; readonly text?: string };
}

/** Extracts a version and, for an amending one, its base chain, and consolidates them. */
export function extractWithBase(source: VersionSource): { version: ExtractedVersion; diagnostics: Diagnostic[] } {
  const own = extractVersion(source.id, source.dir, source.files);
  const base = source.base;
  if (base === undefined || own.version.meta?.base === undefined) return own;
  if ("missing" in base) {
    const span = own.version.files[0] === undefined ? { file: source.dir, start: { line: 1, column: 1 }, end: { line: 1, column: 1 } } : { file: own.version.files[0].path, start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
    return { version: own.version, diagnostics: [...own.diagnostics, { code: "TMAD1007", severity: "error", message: base.missing, span, hint: "`base` names the directory of the amended version, beside this one under rules/" }] };
  }
  const inner = extractWithBase(base);
  const merged = consolidate(own.version, inner.version);
  return { version: merged.version, diagnostics: [...inner.diagnostics, ...own.diagnostics, ...merged.diagnostics] };
}

export interface CompiledVersion {
  readonly id: string;
  readonly extracted: ExtractedVersion;
  readonly program?: Program;
  readonly checked?: CheckedProgram;
  /** Present only when there were no errors. */
  readonly files?: readonly GeneratedFile[];
  readonly diagnostics: readonly Diagnostic[];
  /** Milliseconds per stage, for `--timings`. */
  readonly timings: Readonly<Record<StageName, number>>;
}

export type StageName = "extract" | "parse" | "check" | "pins" | "generate";

interface State {
  source: VersionSource;
  extracted?: ExtractedVersion;
  program?: Program;
  checked?: CheckedProgram;
  files?: GeneratedFile[];
  diagnostics: Diagnostic[];
}

interface Stage {
  readonly name: StageName;
  run(state: State): void;
}

export const stages: readonly Stage[] = [
  {
    name: "extract",
    run(s) {
      const r = extractWithBase(s.source);
      s.extracted = r.version;
      s.diagnostics.push(...r.diagnostics);
    },
  },
  {
    name: "parse",
    run(s) {
      const r = parseBlocks(s.extracted!.blocks);
      s.program = r.program;
      s.diagnostics.push(...r.diagnostics);
    },
  },
  {
    name: "check",
    run(s) {
      const r = checkProgram(s.program!, s.extracted!.clauses, s.extracted!.files[0]?.path ?? s.source.dir);
      // A line with a syntax error was recovered by guesswork: what the checker says of it is noise.
      const broken = new Set(s.diagnostics.filter((d) => d.code.startsWith("TMAD2")).map((d) => `${d.span.file}:${d.span.start.line}`));
      s.diagnostics.push(...r.diagnostics.filter((d) => !broken.has(`${d.span.file}:${d.span.start.line}`)));
      if (r.program !== undefined) s.checked = r.program;
    },
  },
  {
    // Only where the caller gives a pin file location (the CLI always does): a fixture compiled in
    // memory is not expected to carry review pins.
    name: "pins",
    run(s) {
      if (s.checked === undefined || s.source.pins === undefined) return;
      s.diagnostics.push(...checkPins(s.checked, s.extracted!.clauses, s.source.pins.text, s.source.pins.path));
    },
  },
  {
    name: "generate",
    run(s) {
      if (hasErrors(s.diagnostics) || s.checked === undefined || s.extracted?.meta === undefined) return;
      s.files = generateVersion(s.extracted, s.checked);
    },
  },
];

/** Runs the stages on one version, up to and including `stopAfter`. */
export function compileVersion(source: VersionSource, stopAfter: StageName = "generate"): CompiledVersion {
  const state: State = { source, diagnostics: [] };
  const timings: Record<StageName, number> = { extract: 0, parse: 0, check: 0, pins: 0, generate: 0 };
  for (const stage of stages) {
    const start = performance.now();
    stage.run(state);
    timings[stage.name] = performance.now() - start;
    if (stage.name === stopAfter) break;
  }
  return {
    id: source.id,
    extracted: state.extracted!,
    ...(state.program === undefined ? {} : { program: state.program }),
    ...(state.checked === undefined ? {} : { checked: state.checked }),
    ...(state.files === undefined ? {} : { files: state.files }),
    diagnostics: sortDiagnostics(state.diagnostics),
    timings,
  };
}

/** The registry `generated/index.ts`: every version's metadata and a lazy loader. */
export function generateRegistry(versions: readonly ExtractedVersion[]): GeneratedFile {
  const entries = versions
    .filter((v) => v.meta !== undefined)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((v) => {
      const m = v.meta!;
      const fields = [
        `id: ${JSON.stringify(v.id)}`,
        `version: ${JSON.stringify(m.version)}`,
        `status: ${JSON.stringify(m.status)}`,
        `published: ${JSON.stringify(m.published)}`,
        ...(m.effectiveFrom === undefined ? [] : [`effectiveFrom: ${JSON.stringify(m.effectiveFrom)}`]),
        `load: () => import(${JSON.stringify(`./${v.id}/index.js`)}).then((m) => m.version)`,
      ];
      return `  {\n    ${fields.join(",\n    ")},\n  }`;
    });
  const content = [
    "// Generated by tmad from rules/: DO NOT EDIT. Run `tmad build` to regenerate.",
    "/* eslint-disable */",
    'import type { VersionEntry } from "../src/runtime/index.js";',
    "",
    "/** Every built version, by id; load one with `entry.load()`. */",
    `export const versions: readonly VersionEntry[] = [\n${entries.join(",\n")}${entries.length > 0 ? "," : ""}\n];`,
    "",
    versionTypes(versions),
  ].join("\n");
  return { path: "index.ts", content };
}
