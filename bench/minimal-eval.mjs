// The baseline `tmad eval` is measured against (issue 13): the least a streaming evaluation can do.
// Reads an NDJSON file, cuts it into chunks of whole lines, and has N worker threads JSON.parse each
// line, evaluate it with the generated 20.v2 evaluator (no validation, no limits, no as-of, no
// review date) and JSON.stringify the decision; the main thread writes the chunks' output in input
// order. Plain JavaScript over the built generated code, so it runs as `node` runs the CLI.
//
//   node bench/minimal-eval.mjs INPUT.ndjson OUTPUT.ndjson [WORKERS=2]
import { createReadStream, createWriteStream } from "node:fs";
import { Worker, isMainThread, parentPort } from "node:worker_threads";

const CHUNK = 1 << 18;
const IN_FLIGHT = 4;

if (isMainThread) {
  const [input, output, n = "2"] = process.argv.slice(2);
  const workers = Array.from({ length: Number(n) }, () => new Worker(new URL(import.meta.url)));
  const out = createWriteStream(output);
  const done = new Map(); // seq -> output text
  const waiting = []; // resolvers of sends waiting for room
  let sent = 0;
  let next = 0;
  const flush = () => {
    for (let t = done.get(next); t !== undefined; t = done.get(next)) {
      done.delete(next++);
      if (t.length > 0) out.write(t);
    }
    while (waiting.length > 0 && sent - next < IN_FLIGHT * workers.length) waiting.shift()();
  };
  for (const w of workers) w.on("message", ({ seq, text }) => (done.set(seq, text), flush()));
  const send = async (bytes) => {
    if (sent - next >= IN_FLIGHT * workers.length) await new Promise((r) => waiting.push(r));
    const seq = sent++;
    workers[seq % workers.length].postMessage({ seq, bytes }, [bytes.buffer]);
  };
  let rest = Buffer.alloc(0);
  for await (const piece of createReadStream(input, { highWaterMark: CHUNK })) {
    const b = rest.length === 0 ? piece : Buffer.concat([rest, piece]);
    const end = b.lastIndexOf(10) + 1;
    rest = Buffer.from(b.subarray(end));
    if (end > 0) await send(new Uint8Array(b.subarray(0, end)));
  }
  if (rest.length > 0) await send(new Uint8Array(rest));
  while (next < sent) await new Promise((r) => setTimeout(r, 1));
  await new Promise((r) => out.end(r));
  await Promise.all(workers.map((w) => w.terminate()));
} else {
  const { version } = await import("../dist/generated/tmad-20.v2/index.js");
  const decoder = new TextDecoder();
  parentPort.on("message", ({ seq, bytes }) => {
    const lines = decoder.decode(bytes).split("\n");
    let text = "";
    for (const line of lines) if (line.length > 0) text += `${JSON.stringify(version.evaluate(JSON.parse(line), null))}\n`;
    parentPort.postMessage({ seq, text });
  });
}
