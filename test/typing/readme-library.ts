import { readFileSync } from "node:fs";
import { evaluate, evaluateStream, explain, renderExplanationText } from "../../src/index.js";
import type { Installation } from "../../generated/tmad-20.v2/index.js";

const record: Installation = JSON.parse(readFileSync("examples/installations.ndjson", "utf8").split("\n")[12]);

// One record. Named by id or number, the version types the result: `outcome` is "MIGRATE" | "EXCLUDED" | …
const outcome = await evaluate(record, { version: "20.v2" });
if (outcome.ok) console.log(outcome.decision.result?.outcome, outcome.decision.clause);
// @ts-expect-error a misspelt field does not compile
const misspelt = outcome.ok ? outcome.decision.result?.outcom : undefined;

// As on a date: a named version with only the facts known by then; a PENDING decision says when it can change.
const then = await evaluate(record, { version: "20.v1", asOf: "2022-05-01" });
if (then.ok) console.log(then.decision.reviewOn);

// Why, for people: a structure (summary, reasons with the facts read, clause text) and its text.
const why = await explain(record, { version: "20.v2" });
console.log(why.summary);
console.log(renderExplanationText(why));

// A whole NDJSON file or stream, on the CLI's parallel pipeline (worker threads), in input order.
for await (const { record: line, outcome } of evaluateStream("examples/installations.ndjson", { version: "20.v2", workers: 2 })) {
  if (!outcome.ok) console.log(`line ${line}: ${outcome.errors[0].message}`);
}
