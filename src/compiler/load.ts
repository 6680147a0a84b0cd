/**
 * Loads a version's generated files in memory, without writing them or building dist/: each file is
 * transpiled to CommonJS and run with a `require` that serves the other generated files and the
 * runtime. `tmad test` uses it so examples always run against the rules as they are on disk.
 */
import { ts } from "ts-morph";
import * as runtime from "../runtime/index.js";
import type { VersionModule } from "../runtime/index.js";
import type { GeneratedFile } from "./generate/index.js";

/** A loaded version: its module, and the exports of its rules file (each rule's condition function). */
export interface LoadedVersion {
  readonly version: VersionModule<unknown, Record<string, unknown>>;
  readonly rules: Readonly<Record<string, unknown>>;
}

export function loadGenerated(files: readonly GeneratedFile[]): VersionModule<unknown, Record<string, unknown>> {
  return loadGeneratedWithRules(files).version;
}

export function loadGeneratedWithRules(files: readonly GeneratedFile[]): LoadedVersion {
  const sources = new Map<string, string>();
  for (const f of files.filter((x) => x.path.endsWith(".ts"))) {
    const name = f.path.split("/").pop()!.replace(/\.ts$/, ".js");
    const js = ts.transpileModule(f.content, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: false } }).outputText;
    sources.set(name, js);
  }
  const cache = new Map<string, { exports: Record<string, unknown> }>();
  const load = (specifier: string): unknown => {
    if (specifier.endsWith("/src/runtime/index.js")) return runtime;
    const name = specifier.replace(/^\.\//, "");
    const cached = cache.get(name);
    if (cached !== undefined) return cached.exports;
    const code = sources.get(name);
    if (code === undefined) throw new Error(`internal: generated code imports ${specifier}, which was not generated`);
    const module = { exports: {} as Record<string, unknown> };
    cache.set(name, module);
    // The code is what our own generator just wrote from checked rules; it is run, not trusted input.
    new Function("require", "module", "exports", code)(load, module, module.exports);
    return module.exports;
  };
  const version = (load("./index.js") as { version: VersionModule<unknown, Record<string, unknown>> }).version;
  return { version, rules: load("./rules.js") as Record<string, unknown> };
}
