/**
 * The published JSON Schemas (draft 2020-12), as shipped in the package: `installation` (the input
 * record, generated per version by `tmad build` into generated/<version>/), and the hand-kept
 * `decision`, `trace`, `explanation` and `diff-report` under schemas/. Each carries a `$id`
 * (`urn:tmad:schema:<kind>:<version>`) and an `x-tmad` annotation with its kind and schema version.
 * Takes a kind (and a version, for `installation`); gives the schema's text.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { versions } from "../generated/index.js";
import { selectVersion, type VersionSelector } from "./runtime/index.js";

export const SCHEMA_KINDS = ["installation", "decision", "trace", "explanation", "diff-report"] as const;
export type SchemaKind = (typeof SCHEMA_KINDS)[number];

/** The package's root folder: the nearest one up from this module holding schemas/ (src/ and dist/src/ alike). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, "schemas", "decision.schema.json")) && existsSync(join(dir, "package.json"))) return dir;
    dir = dirname(dir);
  }
  throw new Error("internal: the schemas/ folder of the tmad package was not found");
}

/** Where a schema is: its file in the package. `installation` needs a version (by id, number or date). */
export function schemaPath(kind: SchemaKind, selector?: VersionSelector): string {
  const root = packageRoot();
  if (kind === "installation") {
    if (selector === undefined) throw new Error("the installation schema is per version: say which (--version V or --as-of DATE)");
    return join(root, "generated", selectVersion(versions, selector).id, "installation.schema.json");
  }
  return join(root, "schemas", `${kind}.schema.json`);
}

/** A schema's text, exactly as shipped. */
export function schemaText(kind: SchemaKind, selector?: VersionSelector): string {
  return readFileSync(schemaPath(kind, selector), "utf8");
}
