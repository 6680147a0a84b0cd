/**
 * The rows of the benchmark table. `bench/run.ts` runs every row in order and prints what each
 * returns. Add a row by appending to `rows` (see END-TO-END ROWS below).
 */
import { checkDiffRows } from "./check-diff.js";
import { endToEndRows } from "./end-to-end.js";
import { evaluatorRows } from "./evaluators.js";
import { inputStageRows } from "./input-stages.js";
import { lspRows } from "./lsp.js";
import { streamingRows } from "./streaming.js";

/** One line of the printed table. */
export interface Measurement {
  readonly benchmark: string;
  readonly value: string;
  readonly unit: string;
  readonly note?: string;
}

export interface Row {
  readonly name: string;
  run(): Promise<readonly Measurement[]>;
}

export const rows: Row[] = [
  { name: "evaluators (in process, pre-parsed, pre-validated records)", run: evaluatorRows },
  { name: "input stages (in process: depth and duplicate keys, JSON.parse, validation, evaluation, CPU per record)", run: inputStageRows },
  { name: "end to end (the built CLI: generate, eval with 1 and 2 workers, build)", run: endToEndRows },
  { name: "streaming (tmad eval --workers 2 against the minimal streaming script, bench/minimal-eval.mjs)", run: streamingRows },
  { name: "language server (re-check per keystroke on the corpus)", run: lspRows },
  { name: "check and diff (the built CLI; corpus, population, synthetic versions of 120 and 1,200 rules)", run: checkDiffRows },
];
