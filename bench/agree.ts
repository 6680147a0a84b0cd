/**
 * The generated 20.v2 evaluator against the hand-written one (bench/handwritten-20v2.ts) on many
 * generated records, streamed (memory flat): every Decision must be the same, `fired` and all.
 *   npx tsx bench/agree.ts [count=1000000] [seed=1]
 * Exit 1 at the first record on which they differ, with both decisions. test/bench/handwritten.test.ts
 * runs the same comparison on a smaller sample in `npm test`.
 */
import { isDeepStrictEqual } from "node:util";
import { generateInstallations } from "../src/population/generate.js";
import version from "../generated/tmad-20.v2/index.js";
import { evaluate as handwritten } from "./handwritten-20v2.js";

const count = Number(process.argv[2] ?? 1_000_000);
const seed = Number(process.argv[3] ?? 1);
const started = Date.now();
let compared = 0;
let invalid = 0;
for (const line of generateInstallations({ count, seed })) {
  const checked = version.validator.validate(JSON.parse(line));
  if (!checked.ok) {
    invalid++;
    continue;
  }
  const generated = version.evaluate(checked.value, null);
  const hand = handwritten(checked.value, null);
  if (!isDeepStrictEqual({ ...generated }, { ...hand })) {
    console.error(`record ${compared + invalid + 1} (${checked.value.id}): the evaluators differ\ngenerated: ${JSON.stringify(generated)}\nhand-written: ${JSON.stringify(hand)}`);
    process.exit(1);
  }
  compared++;
  if (compared % 100_000 === 0) process.stderr.write(`${compared.toLocaleString("en-GB")} records agree\n`);
}
console.log(`${compared.toLocaleString("en-GB")} records (seed ${seed}${invalid > 0 ? `, ${invalid} invalid left out` : ""}): the generated and hand-written evaluators agree on every Decision; ${((Date.now() - started) / 1000).toFixed(1)} s`);
