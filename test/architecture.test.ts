/**
 * Dependency rules, checked over import specifiers (and, for the runtime's boundary, by the
 * type-checker itself on a copy of the sources with a forbidden import planted):
 * - src/runtime/ imports only its own files (relative paths inside src/runtime) and `node:` builtins,
 *   so generated evaluators and the library never pull in the compiler or third-party packages;
 * - generated/ imports only the runtime (paths resolving inside src/runtime) and other generated files.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { specifiers } from "./helpers/imports.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (p.endsWith(".ts")) out.push(p);
  }
  return out;
}

function inside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === "" || (!rel.startsWith("..") && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel));
}

const runtimeDir = join(root, "src", "runtime");
const generatedDir = join(root, "generated");
const runtimeFiles = tsFiles(runtimeDir);
const generatedFiles = tsFiles(generatedDir);

describe("specifier scanner", () => {
  it("finds static, re-export, side-effect and dynamic imports, not comments", () => {
    const src = [
      'import { a } from "./a.js";',
      'import type * as rt from "../rt/index.js";',
      "import {\n  b,\n  c,\n} from './bc.js';",
      'export * from "./model.js";',
      'export { x } from "./x.js";',
      'import "./side.js";',
      'const m = () => import("./lazy.js");',
      '// import { no } from "./comment.js";',
      '/** import("./doc.js") */',
    ].join("\n");
    expect(specifiers(src).sort()).toEqual(["../rt/index.js", "./a.js", "./bc.js", "./lazy.js", "./model.js", "./side.js", "./x.js"].sort());
  });
});

describe("src/runtime imports only itself and node: builtins", () => {
  it("has files to check", () => {
    expect(runtimeFiles.length).toBeGreaterThan(3);
  });
  for (const file of runtimeFiles) {
    it(relative(root, file), () => {
      for (const s of specifiers(readFileSync(file, "utf8"))) {
        if (s.startsWith("node:")) continue;
        expect(s.startsWith("./") || s.startsWith("../"), `${s} is not relative`).toBe(true);
        expect(inside(resolve(dirname(file), s), runtimeDir), `${s} leaves src/runtime`).toBe(true);
      }
    });
  }
});

describe("generated/ imports only the runtime and generated files", () => {
  it("has files to check", () => {
    expect(generatedFiles.map((f) => relative(generatedDir, f).split(sep).join("/"))).toContain("index.ts");
    expect(generatedFiles.length).toBeGreaterThan(2);
  });
  for (const file of generatedFiles) {
    it(relative(root, file), () => {
      const specs = specifiers(readFileSync(file, "utf8"));
      expect(specs.length).toBeGreaterThan(0);
      for (const s of specs) {
        expect(s.startsWith("./") || s.startsWith("../"), `${s} is not a relative path`).toBe(true);
        const target = resolve(dirname(file), s);
        expect(inside(target, runtimeDir) || inside(target, generatedDir), `${s} resolves outside src/runtime and generated/`).toBe(true);
      }
    });
  }
});

/** The top-level part of src/ a file belongs to: `cli`, `compiler`, `runtime`, `population`, or the file. */
function part(file: string): string {
  const rel = relative(join(root, "src"), file).split(sep);
  return rel.length > 1 ? rel[0] : rel[0].replace(/\.ts$/, "");
}

/** The layers of src/ that must not depend on each other in a circle. */
const LAYERS = new Set(["cli", "compiler", "runtime", "population"]);

describe("the layers of src/ (cli, compiler, runtime, population) depend on each other without cycles", () => {
  const edges = new Map<string, Set<string>>();
  for (const file of tsFiles(join(root, "src"))) {
    for (const s of specifiers(readFileSync(file, "utf8"))) {
      if (!s.startsWith(".")) continue;
      const target = resolve(dirname(file), s);
      if (!inside(target, join(root, "src"))) continue;
      const from = part(file);
      const to = part(target);
      if (from !== to && LAYERS.has(from) && LAYERS.has(to)) edges.set(from, new Set([...(edges.get(from) ?? []), to]));
    }
  }

  it("has parts that import each other", () => {
    expect(edges.get("cli")?.has("compiler")).toBe(true);
    expect(edges.get("cli")?.has("population")).toBe(true);
  });

  it("no cycle (e.g. cli → population → cli)", () => {
    const cycles: string[] = [];
    const visit = (node: string, path: string[]): void => {
      if (path.includes(node)) {
        cycles.push([...path.slice(path.indexOf(node)), node].join(" → "));
        return;
      }
      for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
    };
    for (const node of edges.keys()) visit(node, []);
    expect(cycles).toEqual([]);
  });
});

describe("the type-checker refuses a runtime that imports the compiler", () => {
  // A copy of the project's sources with one import planted in src/runtime: the runtime's composite
  // project, tsconfig.runtime.json, must fail (TS6307: the compiler's file is not part of it), and
  // succeed without it. The copy leaves out generated/, whose type-check is most of the project's
  // cost: that generated code imports only the runtime is the build's own `tsc -b tsconfig.json`
  // (which builds the runtime's project first); here, the mechanism. The project is checked in this
  // process by the project's TypeScript, its config read as `tsc -p tsconfig.runtime.json` reads it,
  // instead of by two tsc processes (~2.4 CPU-seconds each); the second program reuses the first's
  // unchanged files (parsed once, see cachingHost), and its check is the planted file's (where
  // TS6307 is reported) and the project's own errors.
  const copy = mkdtempSync(join(tmpdir(), "tmad-boundary-"));
  for (const p of ["src", "grammar", "tsconfig.json", "tsconfig.runtime.json", "package.json"]) cpSync(join(root, p), join(copy, p), { recursive: true });
  symlinkSync(join(root, "node_modules"), join(copy, "node_modules"), "dir");
  let previous: ts.Program | undefined;
  /**
   * The files both programs read (the standard library, @types/node, the runtime), parsed and bound
   * once: a program given an old one reuses its files only when its root files are the same, and the
   * planted file is a new root.
   */
  const parsed = new Map<string, ts.SourceFile>();
  let host: ts.CompilerHost | undefined;
  const cachingHost = (options: ts.CompilerOptions): ts.CompilerHost => {
    if (host !== undefined) return host;
    const base = ts.createCompilerHost(options);
    host = {
      ...base,
      getSourceFile: (name, language, onError, create) => {
        let sf = parsed.get(name);
        if (sf === undefined) {
          sf = base.getSourceFile(name, language, onError, create);
          if (sf !== undefined) parsed.set(name, sf);
        }
        return sf;
      },
    };
    return host;
  };
  /**
   * `tsc -p tsconfig.runtime.json` in the copy: whether it fails, and the errors it prints; with
   * `only`, the project's errors (options, syntax, global) and the type errors of that file alone
   * (TS6307 is reported on the import that reaches outside the project), not those of the files a
   * first check has already found clean.
   */
  const tsc = (only?: string): { failed: boolean; output: string } => {
    const host: ts.ParseConfigFileHost = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n")); } };
    const config = ts.getParsedCommandLineOfConfigFile(join(copy, "tsconfig.runtime.json"), undefined, host)!;
    const program = ts.createProgram({ rootNames: config.fileNames, options: config.options, projectReferences: config.projectReferences, oldProgram: previous, host: cachingHost(config.options) });
    previous = program;
    const file = only === undefined ? undefined : program.getSourceFile(join(copy, only));
    if (only !== undefined && file === undefined) throw new Error(`${only} is not in the project`);
    const diagnostics = [
      ...config.errors,
      ...(file === undefined ? ts.getPreEmitDiagnostics(program) : [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics(), ...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics(file)]),
    ];
    const output = ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => copy, getNewLine: () => "\n" });
    return { failed: diagnostics.some((d) => d.category === ts.DiagnosticCategory.Error), output };
  };
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  // The control: without the planted file the same diagnostics are none (the project's options,
  // global and syntax errors, and the type errors of the runtime's entry, which imports every module
  // of it). The whole project's type-check is the build's: `tsc -b tsconfig.json`, before the suite
  // in npm test and in global-setup when dist/ is stale, builds tsconfig.runtime.json first.
  it("compiles as it is", () => {
    expect(tsc("src/runtime/index.ts")).toEqual({ failed: false, output: "" });
  }, 120_000);

  it("fails with a planted src/runtime → src/compiler import", () => {
    writeFileSync(join(copy, "src", "runtime", "planted.ts"), 'import type { Span } from "../compiler/source/span.js";\nexport type Planted = Span;\n');
    const r = tsc("src/runtime/planted.ts");
    expect(r.failed).toBe(true);
    expect(r.output).toContain("TS6307");
    expect(r.output).toContain("src/compiler/source/span.ts");
  }, 120_000);
});
