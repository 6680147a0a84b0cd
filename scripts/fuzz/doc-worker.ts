/**
 * A worker thread of the fuzzer's rule-document stream: documents `start`, `start + stride`, … of
 * the seed's stream (./documents.ts; every 200th a mutated real version from rules/ instead), each
 * compiled (./doc-cases.ts; one in ten with the generated code formatted, as `tmad build` writes it);
 * what they generate is type-checked in batches (./typecheck.ts: many versions in one TypeScript
 * program, errors still per document), then loaded and run. Before each case it tells the main thread which one it is on, so a hang is
 * caught there (the main thread terminates the worker and starts another after the hung case).
 */
import { parentPort, workerData } from "node:worker_threads";
import { Rng } from "../../src/population/random.js";
import { applyMutation, ruleVersions, type Mutation } from "../fuzz.js";
import { generateDocument } from "./documents.js";
import { compileDocument, runGenerated } from "./doc-cases.js";
import { Progress } from "./progress.js";
import { BatchTypeChecker, type VersionFiles } from "./typecheck.js";

export interface DocWorkerSetup {
  readonly repo: string;
  readonly seed: number;
  readonly start: number;
  readonly stride: number;
  /** Random inputs each loaded version is evaluated on. */
  readonly inputs: number;
  /** Versions per type-checking program. */
  readonly batch: number;
  /** Progress (./progress.ts): a document's number while it is compiled or run, -1 - its number while its batch is type-checked. */
  readonly progress: SharedArrayBuffer;
}

export type DocWorkerMessage =
  | { readonly t: "done"; readonly index: number; readonly corpus: boolean; readonly wellFormed: boolean; readonly generated: boolean; readonly failures: readonly { kind: string; signature: string; detail: string }[]; readonly unexpected?: readonly string[]; readonly evaluations: number }
  | { readonly t: "typecheck"; readonly indexes: readonly number[] }
  | { readonly t: "checked"; readonly results: readonly { index: number; errors: readonly string[] }[] }
  | { readonly t: "ran"; readonly index: number; readonly failures: readonly { kind: string; signature: string; detail: string }[]; readonly evaluations: number }
  | { readonly t: "stopped" };

/** Case `index` of the stream: a generated document, or (every 200th: they cost ten) a mutated version of the corpus. */
export function documentCase(seed: number, index: number): { text: string; wellFormed: boolean; corpus: boolean; features: readonly string[] } {
  if (index % 200 !== 199) return { ...generateDocument(seed, index), corpus: false };
  const versions = ruleVersions();
  const rng = new Rng(seed, index, 0x636f72);
  const v = rng.pick(versions);
  // Only one-file versions stand alone (an amending version needs its base): mutate the base's index.md otherwise.
  const file = v.files.find((f) => f.path.endsWith("index.md")) ?? v.files[0];
  let text = v.base === undefined ? [file, ...v.files.filter((f) => f !== file)].map((f) => f.text).join("\n") : file.text;
  const n = rng.int(1, 4);
  for (let i = 0; i < n; i++) {
    const m: Mutation = rng.pick<Mutation>([
      { kind: "deleteToken", at: rng.int(0, 1e6) },
      { kind: "duplicateToken", at: rng.int(0, 1e6) },
      { kind: "swapTokens", at: rng.int(0, 1e6), other: rng.int(0, 1e6) },
      { kind: "insert", at: rng.int(0, 1e6), text: rng.pick(["not ", "and ", "(", ")", "@", "rule x when true then outcome = MIGRATE\n", "\n## 9.9 New\n", '"', "--"]) },
      { kind: "delete", at: rng.int(0, 1e6), length: rng.int(1, 40) },
    ]);
    text = applyMutation(text, m, rng.chance(0.8));
  }
  return { text, wellFormed: false, corpus: true, features: [`corpus ${v.id}`, `${n} mutation(s)`] };
}

/** Whether case `index` has its generated code formatted (one in ten: the formatter costs more than the rest of generation). */
export function formattedCase(index: number): boolean {
  return index % 10 === 3;
}

if (parentPort !== null && (workerData as { docWorker?: boolean } | undefined)?.docWorker === true) {
  const setup = (workerData as { setup: DocWorkerSetup }).setup;
  const port = parentPort;
  const post = (m: DocWorkerMessage): void => port.postMessage(m);
  const checker = new BatchTypeChecker(setup.repo);
  const progress = new Progress(setup.progress);
  let stopping = false;
  port.on("message", (m: { t: string }) => {
    if (m.t === "stop") stopping = true;
  });
  const pending: (VersionFiles & { index: number })[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    post({ t: "typecheck", indexes: pending.map((p) => p.index) });
    progress.begin(-1 - pending[0].index);
    const checked = checker.check(pending);
    progress.end();
    post({ t: "checked", results: pending.map((p) => ({ index: p.index, errors: checked.get(p.key) ?? [] })) });
    // What compiles is loaded and run, each under the watchdog as a case of its own.
    for (const p of pending) {
      if ((checked.get(p.key) ?? []).length > 0) continue;
      progress.begin(p.index);
      const ran = runGenerated(p.files, setup.seed ^ p.index, setup.inputs);
      progress.end();
      post({ t: "ran", index: p.index, failures: ran.failures, evaluations: ran.evaluations });
    }
    pending.length = 0;
  };
  for (let index = setup.start; !stopping; index += setup.stride) {
    progress.begin(index);
    const doc = documentCase(setup.seed, index);
    const outcome = compileDocument(`d${index}`, doc.text, doc.wellFormed, formattedCase(index));
    progress.end();
    post({ t: "done", index, corpus: doc.corpus, wellFormed: doc.wellFormed, generated: outcome.files !== undefined, failures: outcome.failures, ...(outcome.unexpectedErrors === undefined ? {} : { unexpected: outcome.unexpectedErrors }), evaluations: 0 });
    if (outcome.files !== undefined) pending.push({ index, key: `d${index}`, files: outcome.files });
    if (pending.length >= setup.batch) flush();
    // Let the stop message in.
    await new Promise((r) => setImmediate(r));
  }
  flush();
  post({ t: "stopped" });
}
