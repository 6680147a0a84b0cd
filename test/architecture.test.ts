/**
 * Dependency rules, checked over import specifiers:
 * - src/runtime/ imports only its own files (relative paths inside src/runtime) and `node:` builtins,
 *   so generated evaluators and the library never pull in the compiler or third-party packages;
 * - generated/ imports only the runtime (paths resolving inside src/runtime) and other generated files.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

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

/** Every module specifier: `import … from "x"`, `export … from "x"`, `import "x"`, `import("x")`. */
export function specifiers(source: string): string[] {
  // Drop comments first so that an example in a doc comment is not taken for an import.
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^"'`;]*?\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) found.push(m[1]);
  return found;
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
