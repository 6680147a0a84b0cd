/**
 * The library's evaluateStream: the CLI's pipeline (src/cli/stream.ts) behind an async iterator.
 * Outcomes equal evaluate()'s, in input order, for a byte stream cut at arbitrary places, with
 * broken lines reported and counted; a consumer that stops early ends the run.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { evaluate, evaluateStream } from "../../src/index.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const text = readFileSync(join(root, "examples/installations.ndjson"), "utf8");

async function* chunks(s: string, size: number): AsyncGenerator<string> {
  for (let i = 0; i < s.length; i += size) yield s.slice(i, i + size);
}

describe("evaluateStream", () => {
  it("gives evaluate()'s outcome for every record, in input order, from a stream cut anywhere", async () => {
    const input = `${text}{not json\n`;
    const got: { record: number; ok: boolean; id: string | null; clause: string | null }[] = [];
    for await (const { record, outcome } of evaluateStream(chunks(input, 777), { version: "20.v2", workers: 0 })) {
      got.push({ record, ok: outcome.ok, id: outcome.ok ? outcome.decision.installationId : outcome.installationId, clause: outcome.ok ? outcome.decision.clause : null });
    }
    const lines = input.split("\n").filter((l) => l.trim() !== "");
    expect(got.map((g) => g.record)).toEqual(lines.map((_, i) => i + 1));
    for (const [i, line] of lines.entries()) {
      let expected: { ok: boolean; clause: string | null };
      try {
        const o = await evaluate(JSON.parse(line), { version: "20.v2" });
        expected = { ok: o.ok, clause: o.ok ? o.decision.clause : null };
      } catch {
        expected = { ok: false, clause: null };
      }
      expect({ ok: got[i].ok, clause: got[i].clause }, `line ${i + 1}`).toEqual(expected);
    }
    expect(got.at(-1)).toMatchObject({ ok: false, id: null });
  });

  it("stops when the consumer stops", async () => {
    const many = Array.from({ length: 40 }, () => text).join("");
    let seen = 0;
    for await (const item of evaluateStream(chunks(many, 1 << 16), { version: "20.v2", workers: 0 })) {
      seen = item.record;
      if (seen === 3) break;
    }
    expect(seen).toBe(3);
  });
});
