/**
 * The compiler as a named list of stages, each a typed function from one structure to the next,
 * reporting through one acceptor:
 *
 *   extract   VersionSource    → ExtractedVersion   Markdown, front matter, clauses, base chain
 *   parse     ExtractedVersion → ParsedVersion      rule blocks → AST
 *   check     ParsedVersion    → CheckedVersion     amendments, names, types, precedence, examples
 *   pins      CheckedVersion   → (diagnostics)      clause texts against the rules' review pins
 *   generate  CheckedVersion   → GeneratedFile[]    TypeScript evaluators
 *
 * Ordering notes: parse runs on whatever extract found, and check on whatever parsed (declarations
 * the parser recovered inside are registered by name and left alone), so a rule file with a syntax
 * error and a type error reports both in one run; check gives a CheckedVersion only when the
 * version has no errors, so pins and generate only ever see a consistent version; generate runs
 * only when no stage reported an error. `stopAfter` stops after the named stage (`tmad build
 * --stop-after`), and each stage's time is measured (`tmad build --timings`).
 */
import { checkVersion, checkWithResolution, type CheckedVersion, type Resolution } from "./check/index.js";
import { DiagnosticList, hasErrors, reporter, sortDiagnostics, type Diagnostic } from "./diagnostics/diagnostic.js";
import { extractVersion, type ExtractedVersion } from "./extract/index.js";
import { generateVersion, withoutFormatting, type GeneratedFile } from "./generate/index.js";
import { parseVersion, type ParsedVersion } from "./parse/index.js";
import { checkPins } from "./pins/index.js";
import { fileSpan } from "./source/span.js";
import type { VersionSource } from "./source/versions.js";

export type { VersionSource } from "./source/versions.js";

/** The stages, in order. */
export const STAGE_NAMES = ["extract", "parse", "check", "pins", "generate"] as const;
export type StageName = (typeof STAGE_NAMES)[number];

/**
 * Each stage's function. Their types are the pipeline's contract: each takes the previous stage's
 * output alone (and the acceptor), which test/compiler/stages.test.ts asserts.
 */
export const stages = {
  extract: extractVersion,
  parse: parseVersion,
  check: checkVersion,
  pins: checkPins,
  generate: generateVersion,
} as const;

export interface CompiledVersion {
  readonly id: string;
  readonly extracted: ExtractedVersion;
  readonly parsed?: ParsedVersion;
  /** Present when the version checked without errors. */
  readonly checked?: CheckedVersion;
  /**
   * Each expression's type and what its names refer to, as far as the checker got: present when
   * check ran, also with errors (for tools on rules being edited, such as the language server).
   */
  readonly resolution?: Resolution;
  /** Present only when no stage reported an error. */
  readonly files?: readonly GeneratedFile[];
  /** Every stage's diagnostics, sorted by place. */
  readonly diagnostics: readonly Diagnostic[];
  /** Milliseconds per stage that ran, for `--timings`. */
  readonly timings: Readonly<Partial<Record<StageName, number>>>;
}

function timed<T>(timings: Partial<Record<StageName, number>>, stage: StageName, run: () => T): T {
  const start = performance.now();
  try {
    return run();
  } finally {
    timings[stage] = performance.now() - start;
  }
}

/** Runs the stages on one version, up to and including `stopAfter`. */
export function compileVersion(source: VersionSource, stopAfter: StageName = "generate"): CompiledVersion {
  const list = new DiagnosticList();
  const timings: Partial<Record<StageName, number>> = {};
  const done = (parts: Omit<CompiledVersion, "id" | "diagnostics" | "timings">): CompiledVersion => ({ id: source.id, ...parts, diagnostics: sortDiagnostics(list.all), timings });

  if (source.files.length === 0) {
    reporter(list.accept)("TMAD1005", fileSpan(source.dir), `no .md rule documents in ${source.dir}`, "a version directory holds index.md and its clause files");
    return done({ extracted: { id: source.id, dir: source.dir, clauses: [], blocks: [], files: [], layers: [] } });
  }
  const extracted = timed(timings, "extract", () => stages.extract(source, list.accept));
  if (stopAfter === "extract") return done({ extracted });
  const parsed = timed(timings, "parse", () => stages.parse(extracted, list.accept));
  if (stopAfter === "parse") return done({ extracted, parsed });
  // The check stage (stages.check), keeping the checker's resolution for tools that want it.
  const { checked, resolution } = timed(timings, "check", () => checkWithResolution(parsed, list.accept));
  const withChecked = { extracted, parsed, resolution, ...(checked === undefined ? {} : { checked }) };
  if (stopAfter === "check" || checked === undefined) return done(withChecked);
  // Only where the caller gives a pin file location (the CLI always does): a fixture compiled in
  // memory is not expected to carry review pins.
  if (checked.pins !== undefined) timed(timings, "pins", () => stages.pins(checked, list.accept));
  if (stopAfter === "pins" || hasErrors(list.all)) return done(withChecked);
  const files = timed(timings, "generate", () => stages.generate(checked));
  return done({ ...withChecked, files });
}

/**
 * compileVersion for code that is only run, never written or shown (`tmad test`, the site's
 * explorer, the language server's explained examples): the same code, generated without
 * TypeScript's formatter, which is most of the generate stage's time.
 */
export function compileToRun(source: VersionSource, stopAfter: StageName = "generate"): CompiledVersion {
  return withoutFormatting(() => compileVersion(source, stopAfter));
}

/** Compiles up to `stopAfter` and gives the CheckedVersion, or the diagnostics that prevent one. */
export function checkSource(source: VersionSource): { checked?: CheckedVersion; diagnostics: readonly Diagnostic[] } {
  const c = compileVersion(source, "check");
  return c.checked === undefined ? { diagnostics: c.diagnostics } : { checked: c.checked, diagnostics: c.diagnostics };
}
