/**
 * Type-checking generated TypeScript in batches, in memory: many versions' generated files and the
 * runtime (src/runtime) in one TypeScript program, with the strictness of the repository's
 * tsconfig.json, so a build that would not compile is found without writing a file. The standard
 * library and the runtime are parsed once and reused by every batch; only the generated files are
 * parsed and checked each time.
 *
 * Nothing is emitted: the fuzzer loads what compiles as `tmad check` and `tmad test` do
 * (src/compiler/load.ts, esbuild), far faster than TypeScript's emitter (which took as long as the
 * check itself).
 *
 * Takes: batches of { key, files } (key: any folder-safe name). Gives: per key, its errors as
 * `path:line:col: message`.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import type { GeneratedFile } from "../../src/compiler/generate/index.js";

const ROOT = "/tmad-fuzz";

export interface VersionFiles {
  readonly key: string;
  readonly files: readonly GeneratedFile[];
}

export class BatchTypeChecker {
  private readonly options: ts.CompilerOptions = {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: false,
    lib: ["lib.es2022.d.ts"],
    types: [],
    declaration: false,
    sourceMap: false,
    removeComments: false,
    skipLibCheck: true,
    noImplicitOverride: true,
    noFallthroughCasesInSwitch: true,
    exactOptionalPropertyTypes: false,
    noUncheckedIndexedAccess: false,
  };
  private readonly base = ts.createCompilerHost(this.options);
  /** Parsed once: the standard library and the runtime. */
  private readonly cache = new Map<string, ts.SourceFile>();
  private readonly runtime = new Map<string, string>();

  constructor(repo: string) {
    const dir = join(repo, "src", "runtime");
    for (const f of readdirSync(dir).filter((n) => n.endsWith(".ts"))) this.runtime.set(`${ROOT}/src/runtime/${f}`, readFileSync(join(dir, f), "utf8"));
  }

  check(batch: readonly VersionFiles[]): Map<string, string[]> {
    const generated = new Map<string, string>();
    const owner = new Map<string, string>();
    const other = new Map<string, string[]>();
    for (const v of batch) {
      const problems: string[] = [];
      for (const f of v.files) {
        const name = f.path.split("/").pop()!;
        // Files that are not TypeScript (a JSON Schema of the input) must at least be what they say.
        if (!name.endsWith(".ts")) {
          if (name.endsWith(".json")) {
            try {
              JSON.parse(f.content);
            } catch (e) {
              problems.push(`${v.key}/${name}: not valid JSON: ${(e as Error).message}`);
            }
          }
          continue;
        }
        const path = `${ROOT}/generated/${v.key}/${name}`;
        generated.set(path, f.content);
        owner.set(path, v.key);
      }
      other.set(v.key, problems);
    }
    const read = (p: string): string | undefined => generated.get(p) ?? this.runtime.get(p);
    const host: ts.CompilerHost = {
      ...this.base,
      fileExists: (p) => read(p) !== undefined || (!p.startsWith(ROOT) && this.base.fileExists(p)),
      readFile: (p) => read(p) ?? (p.startsWith(ROOT) ? undefined : this.base.readFile(p)),
      directoryExists: (d) => d.startsWith(ROOT) || (this.base.directoryExists?.(d) ?? true),
      realpath: (p) => p,
      getSourceFile: (p, language) => {
        const text = generated.get(p);
        if (text !== undefined) return ts.createSourceFile(p, text, language, true);
        let cached = this.cache.get(p);
        if (cached === undefined) {
          const runtime = this.runtime.get(p);
          cached = runtime !== undefined ? ts.createSourceFile(p, runtime, language, true) : this.base.getSourceFile(p, language);
          if (cached !== undefined) this.cache.set(p, cached);
        }
        return cached;
      },
    };
    const program = ts.createProgram([...generated.keys()], this.options, host);
    const errors = new Map<string, string[]>(batch.map((v) => [v.key, [...(other.get(v.key) ?? [])]]));
    for (const d of program.getGlobalDiagnostics()) for (const list of errors.values()) list.push(`global: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    for (const [path, key] of owner) {
      const sf = program.getSourceFile(path);
      if (sf === undefined) {
        errors.get(key)!.push(`${path}: not in the program`);
        continue;
      }
      const seen = new Set<string>();
      for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
        const at = d.start === undefined ? "" : (({ line, character }) => `:${line + 1}:${character + 1}`)(sf.getLineAndCharacterOfPosition(d.start));
        const text = `${path.slice(ROOT.length + "/generated/".length)}${at}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
        if (!seen.has(text)) errors.get(key)!.push(text);
        seen.add(text);
      }
    }
    return errors;
  }
}
