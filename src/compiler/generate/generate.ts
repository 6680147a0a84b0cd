/**
 * Stage 4, generate: CheckedVersion → GeneratedFile[].
 *
 * Emits, with ts-morph, one folder per version under generated/: `model.ts` (the declared types and
 * the input schema), `manifest.ts` (version metadata, each clause's text and SHA-256, rules, trace
 * sites, the timeline of dated facts), `rules.ts` (parameters, definitions and rules as plain typed
 * functions, the conditions by rule id, the evaluator and its traced variant), `index.ts` (the
 * VersionModule) and `installation.schema.json` (the input record as a JSON Schema). The
 * CheckedVersion is the only input: every type, reference and value comes from the checker.
 * Output is a pure function of it: sorted where order is free, no timestamps, byte-identical.
 */
import type { CheckedVersion } from "../check/index.js";
import { installationSchemaFile } from "../schema/installation.js";
import { ExpressionEmitter, SourceText } from "./expressions.js";
import type { GenerateOptions } from "./passes.js";
import { indexFile } from "./index-file.js";
import { manifestFile } from "./manifest-file.js";
import { modelFile } from "./model-file.js";
import type { GeneratedFile } from "./render.js";
import { rulesFile } from "./rules-file.js";

export function generateVersion(version: CheckedVersion): GeneratedFile[] {
  return generateVersionWith(version, {});
}

/** generateVersion with some optimisation passes left out (passes.ts): the tests compare both. */
export function generateVersionWith(version: CheckedVersion, options: GenerateOptions): GeneratedFile[] {
  const emitter = new ExpressionEmitter(version, new SourceText(version.files), options);
  const rules = rulesFile(version, emitter, options);
  return [modelFile(version), manifestFile(version, emitter.sites), rules, indexFile(version), installationSchemaFile(version)];
}
