/**
 * The version-keyed types of the registry (generated/index.ts): for every built version, its
 * module's type under its id and its number, so that the library's `evaluate(record, { version:
 * "20.v2" })` returns a Decision typed with that version's result (a misspelt field fails to
 * type-check). Takes the versions' metadata; gives TypeScript declarations (text).
 */
import type { ExtractedVersion } from "../extract/index.js";

export function versionTypes(versions: readonly ExtractedVersion[]): string {
  const built = versions.filter((v) => v.meta !== undefined).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const entries = built.flatMap((v) => {
    const type = `typeof import(${JSON.stringify(`./${v.id}/index.js`)}).version`;
    const keys = [...new Set([v.id, v.meta!.version])];
    return keys.map((k) => `  ${JSON.stringify(k)}: ${type};`);
  });
  return [
    "/** Each built version's module type, by id and by number (e.g. `tmad-20.v2` and `20.v2`). */",
    `export interface VersionModules {\n${entries.join("\n")}${entries.length > 0 ? "\n" : ""}}`,
    "",
  ].join("\n");
}
