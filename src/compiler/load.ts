/**
 * Loads a version's generated files in memory, without writing them or building dist/: each file is
 * transpiled to CommonJS and run with a `require` that serves the other generated files and the
 * runtime. `tmad test` uses it so examples always run against the rules as they are on disk.
 */
import { createRequire } from "node:module";
import { ts } from "ts-morph";
import * as runtime from "../runtime/index.js";
import type { VersionModule } from "../runtime/index.js";
import type { CheckedVersion } from "./check/index.js";
import { generateVersion, withoutFormatting, type GeneratedFile } from "./generate/index.js";

/** The runtime's exports as a plain object (a module namespace is slower to read from). */
const plainRuntime: Record<string, unknown> = { ...runtime };

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
  return loadVersionFiles(withoutFormatting(() => generateVersion(checked)));
}

/** A loaded version: its module, and each rule's condition by rule id. */
export interface LoadedVersion {
  readonly version: VersionModule<unknown, Record<string, unknown>>;
  /** Whether each rule applies to a validated record (the generated `conditions`). */
  readonly conditions: ReadonlyMap<string, (record: unknown) => boolean>;
}

export function loadGenerated(files: readonly GeneratedFile[]): VersionModule<unknown, Record<string, unknown>> {
  return loadVersionFiles(files).version;
}

export function loadVersionFiles(files: readonly GeneratedFile[]): LoadedVersion {
  const sources = new Map<string, string>();
  for (const f of files.filter((x) => x.path.endsWith(".ts"))) {
    const name = f.path.split("/").pop()!.replace(/\.ts$/, ".js");
    sources.set(name, toCommonJs(f.content));
  }
  // What a module exports, as a plain object once the module has run: esbuild's CommonJS exports
  // are getters, and every read of an imported name through one (the evaluator reads its enums and
  // the runtime's helpers per record) cost about a tenth of a population diff.
  const cache = new Map<string, { exports: Record<string, unknown>; plain?: Record<string, unknown> }>();
  const load = (specifier: string): unknown => {
    if (specifier.endsWith("/src/runtime/index.js")) return plainRuntime;
    const name = specifier.replace(/^\.\//, "");
    const cached = cache.get(name);
    if (cached !== undefined) return cached.plain ?? cached.exports;
    const code = sources.get(name);
    if (code === undefined) throw new Error(`internal: generated code imports ${specifier}, which was not generated`);
    const module: { exports: Record<string, unknown>; plain?: Record<string, unknown> } = { exports: {} };
    cache.set(name, module);
    // The code is what our own generator just wrote from checked rules; it is run, not trusted input.
    new Function("require", "module", "exports", code)(load, module, module.exports);
    // While it runs, a module importing it back (a cycle) gets the live exports; after, a copy.
    module.plain = { ...module.exports };
    return module.plain;
  };
  const index = load("./index.js") as { version: VersionModule<unknown, Record<string, unknown>>; conditions: Readonly<Record<string, (record: unknown) => boolean>> };
  return { version: index.version, conditions: new Map(Object.entries(index.conditions)) };
}
