/**
 * tmad as a library: load a TMAD version's generated evaluator by id or by date, validate and
 * evaluate records, and explain decisions, without the CLI.
 *
 *     import { evaluate, explain, loadVersion } from "tmad";
 *     const outcome = await evaluate(record, { version: "20.v2", trace: true });
 */
import { versions } from "../generated/index.js";
import { evaluateRecord, selectVersion, type RecordOutcome, type VersionEntry, type VersionModule, type VersionSelector } from "./runtime/index.js";
import { renderExplanation } from "./explain.js";

export * from "./runtime/index.js";
export { renderExplanation } from "./explain.js";
export { versions };

export type LoadOptions = VersionSelector;
export type EvaluateOptions = VersionSelector & { readonly trace?: boolean };

/** The version module chosen by id (`20.v2`, `tmad-20.v2`) or by date (designated version in force). */
export async function loadVersion(selector: LoadOptions): Promise<VersionModule<any, any>> {
  const entry: VersionEntry = selectVersion(versions, selector);
  return entry.load();
}

/**
 * Validates and evaluates one record: `{ version }` with every fact, `{ asOf }` with the version in
 * force on that date and the facts known by it, `{ version, asOf }` a named version with the facts
 * known by the date. The Decision records both; a waiting decision carries `reviewOn`.
 */
export async function evaluate(record: unknown, options: EvaluateOptions): Promise<RecordOutcome> {
  const version = await loadVersion(options);
  return evaluateRecord(version, record, { asOf: options.asOf ?? null, trace: options.trace === true });
}

/** A readable explanation of one record's decision: outcome, deciding clause and text, conditions and facts. */
export async function explain(record: unknown, options: VersionSelector): Promise<string> {
  const version = await loadVersion(options);
  const asOf = options.asOf ?? null;
  return renderExplanation(version, evaluateRecord(version, record, { asOf, trace: true }));
}
