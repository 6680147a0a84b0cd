/**
 * The rows of the benchmark table. `bench/run.ts` runs every row in order and prints what each
 * returns. Add a row by appending to `rows` (see END-TO-END ROWS below).
 */
import { evaluatorRows } from "./evaluators.js";

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
  // END-TO-END ROWS: to be added here, each a Row whose run() returns its Measurements:
  //   - `tmad eval` on 1,000,000 records, 1 worker (records/s)
  //   - `tmad eval` on 1,000,000 records, 2 workers (records/s)
  //   - peak RSS of those runs
  //   - `tmad build` of all three versions, cold
];
