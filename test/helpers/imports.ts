/** Reading import specifiers out of TypeScript source, for the dependency tests. */

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
