/**
 * `tmad schema <kind> [--version V | --as-of DATE]`: prints a published JSON Schema (src/schemas.ts):
 * the input record of a version (`installation`, generated from its declarations), or the hand-kept
 * schema of the Decision (`decision`: an output record of `tmad eval`), the `trace`, the
 * `explanation` or the `diff-report`.
 */
import { SCHEMA_KINDS, schemaText, type SchemaKind } from "../schemas.js";
import type { VersionSelector } from "../runtime/index.js";
import { UsageError } from "./usage.js";
import { cliIo } from "./io.js";

export async function runSchema(args: readonly string[], values: Record<string, unknown>): Promise<number> {
  const [kind, ...extra] = args;
  const alias: Record<string, SchemaKind> = { diff: "diff-report" };
  const k = kind === undefined ? undefined : (alias[kind] ?? kind);
  if (k === undefined || extra.length > 0 || !(SCHEMA_KINDS as readonly string[]).includes(k)) throw new UsageError(`name one schema: ${SCHEMA_KINDS.join(", ")}`);
  const version = values.version as string | undefined;
  const asOf = values["as-of"] as string | undefined;
  if (version !== undefined && asOf !== undefined) throw new UsageError("give either --version or --as-of, not both");
  const selector: VersionSelector | undefined = version !== undefined ? { version } : asOf !== undefined ? { asOf } : undefined;
  if (k === "installation" && selector === undefined) throw new UsageError("the installation schema is generated per version: add --version V (e.g. 20.v2) or --as-of DATE");
  if (k !== "installation" && selector !== undefined) throw new UsageError(`the ${k} schema is the same for every version: drop --version / --as-of`);
  cliIo().stdout.write(schemaText(k as SchemaKind, selector));
  return 0;
}
