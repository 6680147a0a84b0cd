/**
 * Type-checking generated code before it is written: `tmad build` never exits 0 on code that does
 * not compile. Takes generated files (one or more versions, and the registry); gives TypeScript's
 * errors, each as `path:line: message`, empty when the code compiles. The check runs in memory
 * with ts-morph (already loaded for generation), against the runtime's own types: its sources
 * when running from src/, its declaration files when running from dist/.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Project, ts, type SourceFile } from "ts-morph";
import type { GeneratedFile } from "./generate/index.js";

/** The runtime's type sources beside this module: `.ts` in src/, `.d.ts` in dist/. */
function runtimeTypes(): { name: string; text: string }[] {
  const dir = fileURLToPath(new URL("../runtime/", import.meta.url));
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir);
  const declarations = names.filter((n) => n.endsWith(".d.ts"));
  const chosen = declarations.length > 0 ? declarations : names.filter((n) => n.endsWith(".ts"));
  return chosen.map((name) => ({ name, text: readFileSync(`${dir}/${name}`, "utf8") }));
}

/**
 * A manifest this large (a version of a thousand rules: megabytes of clause texts and trace sites)
 * has its data type-checked where it is made, not here: TypeScript takes seconds a megabyte to check
 * a literal against its type (8 of the 19 CPU-seconds a 1,200-rule build spent type-checking), while
 * the generator builds `manifest` as a value that `satisfies Manifest` and the sites as TraceSite[]
 * (generate/manifest-file.ts), so the compiler of the generator has already checked their shape, and
 * JSON.stringify writes them. The whole file is still parsed (with a syntax error anywhere it is
 * checked as it is); the other files are checked against the declared types. Smaller manifests (the corpus's, every
 * test's) are checked in full.
 */
export const MANIFEST_CHECKED_BY_TYPE_ABOVE = 1_000_000;

/**
 * A large manifest.ts with its exported constants' initializers replaced by `null!` (their declared
 * types stay); undefined when the file does not parse (then it is checked as it is, and its syntax
 * errors reported).
 */
function manifestDeclarations(content: string): string | undefined {
  const sf = ts.createSourceFile("manifest.ts", content, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  // TypeScript keeps a file's syntax errors on it; where it does not say, take none as unknown.
  const parseErrors = (sf as { parseDiagnostics?: readonly unknown[] }).parseDiagnostics;
  if (parseErrors === undefined || parseErrors.length > 0) return undefined;
  const cuts: { start: number; end: number }[] = [];
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st)) continue;
    for (const d of st.declarationList.declarations) if (d.initializer !== undefined && d.type !== undefined) cuts.push({ start: d.initializer.getStart(sf), end: d.initializer.getEnd() });
  }
  let out = content;
  for (const c of cuts.reverse()) out = `${out.slice(0, c.start)}null!${out.slice(c.end)}`;
  return out;
}

/** A project of the runtime's types, kept for the next check (see checker()). */
interface Checker {
  readonly project: Project;
  /** The runtime's sources it holds, by name, to see whether they changed since. */
  readonly runtime: ReadonlyMap<string, string>;
}

const checkers = new Map<boolean, Checker>();

/**
 * The project a check runs in: made once per process (for each setting of noUnusedLocals) and kept.
 * Each check adds the generated files and removes them after; what stays is the standard library
 * and the runtime, parsed and bound once instead of once a check (about a third of a small version's
 * check: the language server, the tests and the fuzzer's replay check many times in one process). A
 * runtime whose sources changed on disk since gets a new project.
 */
function checker(strictUnused: boolean): Project {
  const runtime = new Map(runtimeTypes().map((f) => [f.name, f.text]));
  const kept = checkers.get(strictUnused);
  if (kept !== undefined && kept.runtime.size === runtime.size && [...runtime].every(([name, text]) => kept.runtime.get(name) === text)) return kept.project;
  const project = new Project({
    useInMemoryFileSystem: true,
    compilerOptions: {
      strict: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ["lib.es2022.d.ts"],
      noEmit: true,
      skipLibCheck: true,
      types: [],
      noUnusedLocals: strictUnused,
    },
  });
  for (const [name, text] of runtime) project.createSourceFile(`/p/src/runtime/${name}`, text);
  checkers.set(strictUnused, { project, runtime });
  return project;
}

/**
 * `only`: the paths whose errors are wanted (default: every file); the others are context.
 * `strictUnused`: also report locals nothing uses (the generator's tests ask for it: generated code
 * carries no dead declarations).
 */
export function typeCheckGenerated(files: readonly GeneratedFile[], only?: ReadonlySet<string>, strictUnused = false): string[] {
  const project = checker(strictUnused);
  const byType = (f: GeneratedFile): boolean => f.path.endsWith("/manifest.ts") && f.content.length > MANIFEST_CHECKED_BY_TYPE_ABOVE;
  const source = (f: GeneratedFile): string => (byType(f) ? manifestDeclarations(f.content) ?? f.content : f.content);
  const added: SourceFile[] = [];
  const add = (f: GeneratedFile): SourceFile => {
    const sf = project.createSourceFile(`/p/generated/${f.path}`, source(f));
    added.push(sf);
    return sf;
  };
  try {
    const wanted = files.filter((f) => only === undefined || only.has(f.path)).map(add);
    for (const f of files) if (only !== undefined && !only.has(f.path)) add(f);
    const generated = (path: string): boolean => path.startsWith("/p/generated/");
    const program = project.getProgram();
    const diagnostics = [...program.getGlobalDiagnostics(), ...wanted.flatMap((sf) => [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)])];
    return diagnostics
      .filter((d) => d.getCategory() === ts.DiagnosticCategory.Error)
      .map((d) => {
        const path = d.getSourceFile()?.getFilePath() ?? "";
        const where = generated(path) ? path.slice("/p/generated/".length) : path;
        return `${where}:${d.getLineNumber() ?? 0}: ${ts.flattenDiagnosticMessageText(d.compilerObject.messageText, " ")}`;
      });
  } finally {
    // The next check sees only its own files.
    for (const sf of added) project.removeSourceFile(sf);
  }
}
