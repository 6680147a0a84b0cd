/**
 * Loads a version's generated files in memory, without writing them or building dist/: each file is
 * transpiled to CommonJS and run with a `require` that serves the other generated files and the
 * runtime. `tmad test` uses it so examples always run against the rules as they are on disk.
 */
import { createRequire } from "node:module";
import { ts } from "ts-morph";
import type { VersionModule } from "../runtime/index.js";
import type { CheckedVersion } from "./check/index.js";
import { generateVersion, withoutFormatting, type GeneratedFile } from "./generate/index.js";
import { runGenerated, type LoadedVersion } from "./run-generated.js";

type TransformSync = (code: string, options: { loader: "ts"; format: "cjs"; target: string }) => { code: string };

/**
 * esbuild's transform where it can be loaded (a checkout, an npm install): about a hundred times
 * faster than TypeScript's transpiler on a large rules file. The bundled language server has no
 * esbuild; there TypeScript's transpiler does the same.
 */
const esbuild = ((): TransformSync | undefined => {
  try {
    return (createRequire(import.meta.url)("esbuild") as { transformSync: TransformSync }).transformSync;
  } catch {
    return undefined;
  }
})();

function toCommonJs(content: string): string {
  if (esbuild !== undefined) {
    try {
      return esbuild(content, { loader: "ts", format: "cjs", target: "es2022" }).code;
    } catch {
      // Fall through to TypeScript's transpiler (e.g. esbuild's binary missing on this platform).
    }
  }
  return ts.transpileModule(content, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: false } }).outputText;
}

/**
 * A checked version's evaluator, generated and loaded in memory for running only (the analysis of
 * `tmad check`, `tmad diff`): the generated code unformatted, as nobody reads it.
 */
export function loadChecked(checked: CheckedVersion): LoadedVersion {
  return loadVersionFiles(filesToLoad(checked));
}

/** The generated files loadChecked loads (a worker thread loads the same with loadVersionFiles). */
export function filesToLoad(checked: CheckedVersion): GeneratedFile[] {
  return withoutFormatting(() => generateVersion(checked));
}

export type { LoadedVersion } from "./run-generated.js";

export function loadGenerated(files: readonly GeneratedFile[]): VersionModule<unknown, Record<string, unknown>> {
  return loadVersionFiles(files).version;
}

export function loadVersionFiles(files: readonly GeneratedFile[]): LoadedVersion {
  return runGenerated(transpileGenerated(files));
}

/** A version's generated TypeScript files as CommonJS, by the name they are imported by (`rules.js`): what runGenerated runs. */
export function transpileGenerated(files: readonly GeneratedFile[]): [string, string][] {
  return files.filter((x) => x.path.endsWith(".ts")).map((f) => [f.path.split("/").pop()!.replace(/\.ts$/, ".js"), toCommonJs(f.content)]);
}
