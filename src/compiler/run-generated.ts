/**
 * Runs a version's generated code, already transpiled to CommonJS (load.ts transpileGenerated), with
 * a `require` that serves the other generated files and the runtime. Imports nothing but the runtime,
 * so a worker thread that runs a version (src/cli/diff-worker.ts) loads neither the compiler nor
 * TypeScript.
 */
import * as runtime from "../runtime/index.js";
import type { VersionModule } from "../runtime/index.js";

/** A loaded version: its module, and each rule's condition by rule id. */
export interface LoadedVersion {
  readonly version: VersionModule<unknown, Record<string, unknown>>;
  /** Whether each rule applies to a validated record (the generated `conditions`). */
  readonly conditions: ReadonlyMap<string, (record: unknown) => boolean>;
}

/** The runtime's exports as a plain object (a module namespace is slower to read from). */
const plainRuntime: Record<string, unknown> = { ...runtime };

/** `sources`: each generated file's CommonJS code by the name it is imported by (`rules.js`). */
export function runGenerated(sources: Iterable<readonly [string, string]>): LoadedVersion {
  const code = new Map(sources);
  // What a module exports, as a plain object once the module has run: esbuild's CommonJS exports
  // are getters, and every read of an imported name through one (the evaluator reads its enums and
  // the runtime's helpers per record) cost about a tenth of a population diff.
  const cache = new Map<string, { exports: Record<string, unknown>; plain?: Record<string, unknown> }>();
  const load = (specifier: string): unknown => {
    if (specifier.endsWith("/src/runtime/index.js")) return plainRuntime;
    const name = specifier.replace(/^\.\//, "");
    const cached = cache.get(name);
    if (cached !== undefined) return cached.plain ?? cached.exports;
    const text = code.get(name);
    if (text === undefined) throw new Error(`internal: generated code imports ${specifier}, which was not generated`);
    const module: { exports: Record<string, unknown>; plain?: Record<string, unknown> } = { exports: {} };
    cache.set(name, module);
    // The code is what our own generator just wrote from checked rules; it is run, not trusted input.
    new Function("require", "module", "exports", text)(load, module, module.exports);
    // While it runs, a module importing it back (a cycle) gets the live exports; after, a copy.
    module.plain = { ...module.exports };
    return module.plain;
  };
  const index = load("./index.js") as { version: VersionModule<unknown, Record<string, unknown>>; conditions: Readonly<Record<string, (record: unknown) => boolean>> };
  return { version: index.version, conditions: new Map(Object.entries(index.conditions)) };
}
