/**
 * tmad as a library: load a TMAD version's generated evaluator by id or by date, validate and
 * evaluate records (one at a time, or a whole NDJSON stream on the CLI's parallel pipeline), and
 * explain decisions, without the CLI.
 *
 *     import { evaluate, explain, renderExplanationText } from "tmad";
 *     const outcome = await evaluate(record, { version: "20.v2" });
 *     if (outcome.ok) outcome.decision.result?.outcome;      // typed with 20.v2's Decision
 *     console.log(renderExplanationText(await explain(record, { version: "20.v2" })));
 *
 * Chosen by id or number (`"20.v2"`), a version's Decision is typed with its declared result
 * (VersionModules in generated/index.ts); chosen by date, it is any version's.
 */
import { versions, type VersionModules } from "../generated/index.js";
import { buildExplanation } from "./explanation/build.js";
import type { Explanation } from "./explanation/types.js";
import { evaluateRecord, selectVersion, type TraceLevel, type RecordOutcome, type VersionEntry, type VersionModule, type VersionSelector } from "./runtime/index.js";

export * from "./runtime/index.js";
export { buildExplanation, quoteClause, renderExplanation, renderExplanationText, type ExplainOptions } from "./explain.js";
export type * from "./explanation/types.js";
export { versions, type VersionModules };

/** A version by id or number, as the registry knows it: `"20.v2"`, `"tmad-20.v2"`, … */
export type KnownVersion = keyof VersionModules;
/** The result (the declared `decision` type) of a known version. */
export type ResultOf<V extends KnownVersion> = VersionModules[V] extends VersionModule<any, infer R> ? R : never;
/** The input record type of a known version. */
export type InputOf<V extends KnownVersion> = VersionModules[V] extends VersionModule<infer I, any> ? I : never;
/** The result of any built version: what a version chosen by date (or by a name not known when compiling) gives. */
export type AnyResult = ResultOf<KnownVersion>;

export type LoadOptions = VersionSelector;
/** `trace`: `true` (or `complete`) for a complete trace, `evaluated` for the evaluation as it went (see Trace.explored). */
export type EvaluateOptions = VersionSelector & { readonly trace?: boolean | TraceLevel };

/** The version module chosen by id (`20.v2`, `tmad-20.v2`) or by date (designated version in force). */
export async function loadVersion<V extends KnownVersion>(selector: { readonly version: V }): Promise<VersionModules[V]>;
export async function loadVersion(selector: LoadOptions): Promise<VersionModule<unknown, AnyResult>>;
export async function loadVersion(selector: LoadOptions): Promise<VersionModule<any, any>> {
  const entry: VersionEntry = selectVersion(versions, selector);
  return entry.load();
}

/**
 * Validates and evaluates one record: `{ version }` with every fact, `{ asOf }` with the version in
 * force on that date and the facts known by it, `{ version, asOf }` a named version with the facts
 * known by the date. The Decision records both; a waiting decision carries `reviewOn`. Named by a
 * known version, the Decision's result is typed with that version's decision type.
 */
export async function evaluate<V extends KnownVersion>(record: unknown, options: { readonly version: V; readonly asOf?: string; readonly trace?: boolean | TraceLevel }): Promise<RecordOutcome<ResultOf<V>>>;
export async function evaluate(record: unknown, options: EvaluateOptions): Promise<RecordOutcome<AnyResult>>;
export async function evaluate(record: unknown, options: EvaluateOptions): Promise<RecordOutcome<any>> {
  const version = await loadVersion(options);
  return evaluateRecord(version, record, { asOf: options.asOf ?? null, trace: options.trace ?? false });
}

/**
 * The explanation of one record's decision, as a structure (the outcome with its labels, the
 * deciding clause's text, the reasons and facts, a plain-English summary); `renderExplanationText`
 * makes text of it. `notes: true` adds the authors' notes to the clause text.
 */
export async function explain(record: unknown, options: VersionSelector & { readonly notes?: boolean }): Promise<Explanation> {
  const version = await loadVersion(options);
  const asOf = options.asOf ?? null;
  return buildExplanation(version, evaluateRecord(version, record, { asOf, trace: true }), { notes: options.notes === true });
}

export { evaluateStream, type StreamOptions, type StreamItem } from "./stream.js";
export { SCHEMA_KINDS, schemaPath, schemaText, type SchemaKind } from "./schemas.js";
