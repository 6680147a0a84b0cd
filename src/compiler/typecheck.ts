/**
 * Type-checking generated code before it is written: `tmad build` never exits 0 on code that does
 * not compile. Takes generated files (one or more versions, and the registry); gives TypeScript's
 * errors, each as `path:line: message`, empty when the code compiles. The check runs in memory
 * with ts-morph (already loaded for generation), against the runtime's own types: its sources
 * when running from src/, its declaration files when running from dist/.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Project, ts } from "ts-morph";
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
 * `only`: the paths whose errors are wanted (default: every file); the others are context.
 * `strictUnused`: also report locals nothing uses (the generator's tests ask for it: generated code
 * carries no dead declarations).
 */
export function typeCheckGenerated(files: readonly GeneratedFile[], only?: ReadonlySet<string>, strictUnused = false): string[] {
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
  for (const f of runtimeTypes()) project.createSourceFile(`/p/src/runtime/${f.name}`, f.text);
  const wanted = files.filter((f) => only === undefined || only.has(f.path)).map((f) => project.createSourceFile(`/p/generated/${f.path}`, f.content));
  for (const f of files) if (only !== undefined && !only.has(f.path)) project.createSourceFile(`/p/generated/${f.path}`, f.content);
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
}
