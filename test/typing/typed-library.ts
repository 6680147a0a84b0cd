/**
 * Compiled by `npm run typecheck` (tsconfig.test.json), never run: the library's types. A version
 * named by id or number types the Decision's result with that version's declared fields, so a
 * misspelt field is an error; the `@ts-expect-error` lines fail the typecheck if it ever compiles.
 */
import { evaluate, evaluateStream, explain, loadVersion, type Explanation } from "../../src/index.js";
import type { Decision as Decision20v2, Outcome } from "../../generated/tmad-20.v2/index.js";

export async function typedByNumber(record: unknown): Promise<Outcome | undefined> {
  const o = await evaluate(record, { version: "20.v2" });
  if (!o.ok) return undefined;
  const d = o.decision;
  // @ts-expect-error `outcom` is not a field of 20.v2's Decision
  void d.result?.outcom;
  const r: Decision20v2 | null = d.result;
  return r?.outcome;
}

export async function typedById(record: unknown): Promise<readonly string[]> {
  const o = await evaluate(record, { version: "tmad-20.v2", trace: true });
  // @ts-expect-error `deregistered` is not a field either
  if (o.ok) void o.decision.result?.deregistered;
  return o.ok ? (o.decision.result?.deregister ?? []) : [];
}

export async function byDateIsAnyVersion(record: unknown): Promise<void> {
  const o = await evaluate(record, { asOf: "2022-07-01" });
  // Any version's result: still no such field.
  // @ts-expect-error `outcom` is in no version
  if (o.ok) void o.decision.result?.outcom;
}

export async function versionModuleIsTyped(): Promise<void> {
  const v = await loadVersion({ version: "20.v2" });
  // @ts-expect-error the manifest has no `versoin`
  void v.manifest.versoin;
}

export async function streamAndExplanation(): Promise<Explanation> {
  for await (const { outcome } of evaluateStream("-", { version: "19.0" })) {
    // @ts-expect-error 19.0's Decision has no `outcom` either
    if (outcome.ok) void outcome.decision.result?.outcom;
  }
  return explain({}, { version: "20.v2" });
}
