// CPU per record of reading tmad-20.v2 records: JSON.parse alone, parseRaw as it was (JSON.parse
// and the generated check: the validator hidden from the SchemaReader), the SchemaReader's shape
// test alone, and the SchemaReader (src/cli/schema-reader.ts). Interleaved rounds, medians; the
// reader's value is first compared with parseRaw's on every line it answers.
//
//   npm run build && node bench/schema-reader.mjs FILE [LINES]
import { readFileSync } from "node:fs";
import { SchemaReader } from "../dist/src/cli/schema-reader.js";
import { DEFAULT_LIMITS, parseRaw } from "../dist/src/cli/records.js";
import { loadVersion } from "../dist/src/index.js";

const version = await loadVersion({ version: "20.v2" });
const v = version.validator;
const reader = SchemaReader.for(v.schema);
const hidden = { depth: v.depth, accounted: (x) => v.accounted(x), get textLength() { return v.textLength; } };
// Each line a string of its own, as the CLI's pieces give them (not slices of one big string).
const lines = readFileSync(process.argv[2], "latin1").split("\n").filter((l) => l.length > 0).slice(0, Number(process.argv[3] ?? 50000)).map((l) => (" " + l).slice(1));
let answered = 0;
for (const l of lines) {
  const read = reader.read(l);
  if (read === undefined) continue;
  answered++;
  const old = parseRaw({ record: 1, text: l }, DEFAULT_LIMITS, hidden);
  if (old.valid !== true || JSON.stringify(old.value) !== JSON.stringify(read)) throw new Error(`disagree: ${l.slice(0, 200)}`);
}
console.log(`the reader answered ${answered} of ${lines.length} lines, all as parseRaw without it`);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e3; };
const subjects = {
  "JSON.parse": () => { for (const l of lines) JSON.parse(l); },
  "parseRaw without the reader (JSON.parse + generated check)": () => { for (const l of lines) parseRaw({ record: 1, text: l }, DEFAULT_LIMITS, hidden); },
  "the reader's shape test alone": () => { for (const l of lines) reader.shape.test(l); },
  "SchemaReader": () => { for (const l of lines) reader.read(l); },
};
const results = Object.fromEntries(Object.keys(subjects).map((k) => [k, []]));
for (let round = 0; round < 7; round++) {
  for (const [name, f] of Object.entries(subjects)) {
    const t = cpu();
    f();
    results[name].push(((cpu() - t) * 1e3) / lines.length);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (const [name, xs] of Object.entries(results)) console.log(`${name}: ${median(xs).toFixed(2)} CPU-µs/record (rounds ${xs.map((x) => x.toFixed(2)).join(" ")})`);
const old = median(results["parseRaw without the reader (JSON.parse + generated check)"]);
console.log(`parseRaw without ÷ SchemaReader: ${(old / median(results.SchemaReader)).toFixed(2)}; JSON.parse ÷ SchemaReader: ${(median(results["JSON.parse"]) / median(results.SchemaReader)).toFixed(2)}`);
