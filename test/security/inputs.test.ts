/**
 * Hostile input through the CLI (issue 6, part 5): `tmad eval FILE --version 20.v2`, run in this
 * process through the built command line (test/helpers/cli.ts, tmadIn), on files that are too
 * large, truncated, empty, binary, nested too deeply, with duplicate
 * or forbidden keys. Each bad record gets one clear error record with its code, the records around
 * it still get decisions, and the exit status is 1 (0 for an empty input). Needs dist/ (npm test
 * builds it first).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { tmadIn } from "../helpers/cli.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const valid = readFileSync(join(root, "examples/installations.ndjson"), "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .filter((l) => !l.includes('"cohort":"NOPE"'))
  .slice(0, 3);

const dir = mkdtempSync(join(tmpdir(), "tmad-hostile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Output {
  record: number;
  status: string;
  errors?: { code: string; path: string; message: string }[];
}

async function evalFile(name: string, content: string | Buffer, extra: readonly string[] = []): Promise<{ status: number | null; outputs: Output[]; stderr: string }> {
  const file = join(dir, name);
  writeFileSync(file, content);
  const r = await tmadIn(["eval", file, "--version", "20.v2", ...extra]);
  const outputs = r.stdout
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Output);
  return { status: r.status, outputs, stderr: r.stderr };
}

/** The first error code of each output, or its status for a decision. */
function codes(outputs: readonly Output[]): string[] {
  return outputs.map((o) => (o.status === "invalid" ? (o.errors?.[0]?.code ?? "?") : "decision"));
}

function summary(stderr: string): string {
  return /(\d+ records = \d+ decisions \+ \d+ invalid)/.exec(stderr)?.[1] ?? stderr;
}

describe("hostile input records through `tmad eval`", () => {
  it("the valid records alone give decisions and exit 0", async () => {
    const r = await evalFile("valid.ndjson", `${valid.join("\n")}\n`);
    expect(codes(r.outputs)).toEqual(["decision", "decision", "decision"]);
    expect(r.status).toBe(0);
  });

  it("a 50 MB single-line record is too-large; the run goes on", async () => {
    const huge = `{"id":"huge","pad":"${"x".repeat(50 * 1024 * 1024)}"}`;
    const r = await evalFile("huge.ndjson", `${valid[0]}\n${huge}\n${valid[1]}\n`);
    expect(codes(r.outputs)).toEqual(["decision", "too-large", "decision"]);
    expect(r.outputs[1].record).toBe(2);
    expect(r.outputs[1].errors?.[0]?.message).toMatch(/over the limit of 1048576/);
    expect(r.status).toBe(1);
    expect(summary(r.stderr)).toBe("3 records = 2 decisions + 1 invalid");
  }, 120_000);

  it("a truncated final line (no newline) is invalid-json", async () => {
    const r = await evalFile("truncated.ndjson", `${valid[0]}\n${valid[1]}\n${valid[2].slice(0, 80)}`);
    expect(codes(r.outputs)).toEqual(["decision", "decision", "invalid-json"]);
    expect(r.outputs[2].record).toBe(3);
    expect(r.status).toBe(1);
  });

  it("an empty file gives no output, exit 0 and a summary of 0 records", async () => {
    const r = await evalFile("empty.ndjson", "");
    expect(r.outputs).toEqual([]);
    expect(r.status).toBe(0);
    expect(summary(r.stderr)).toBe("0 records = 0 decisions + 0 invalid");
  });

  it("binary garbage (random bytes with NUL) gives error records, one per line, and the run goes on", async () => {
    // A fixed pseudo-random sequence, so the case is the same every run.
    let s = 12345;
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) {
      s = (s * 1103515245 + 12345) >>> 0;
      bytes[i] = (s >>> 16) & 0xff;
    }
    bytes[10] = 0;
    bytes[11] = 0;
    const content = Buffer.concat([Buffer.from(`${valid[0]}\n`), bytes, Buffer.from(`\n${valid[1]}\n`)]);
    const garbageLines = bytes
      .toString("utf8")
      .replace(/\r(?=\n|$)/g, "")
      .split("\n")
      .filter((l) => l.trim() !== "").length;
    const r = await evalFile("garbage.ndjson", content);
    const c = codes(r.outputs);
    expect(c[0]).toBe("decision");
    expect(c[c.length - 1]).toBe("decision");
    const middle = c.slice(1, -1);
    expect(middle.length).toBe(garbageLines);
    for (const code of middle) expect(["invalid-json", "too-deep", "duplicate-key"]).toContain(code);
    expect(middle).toContain("invalid-json");
    expect(r.status).toBe(1);
  });

  it("100,000 levels of nesting are too-deep, without a stack overflow", async () => {
    const lists = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const objects = `${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`;
    const r = await evalFile("deep.ndjson", `${valid[0]}\n${lists}\n${objects}\n${valid[1]}\n`);
    expect(codes(r.outputs)).toEqual(["decision", "too-deep", "too-deep", "decision"]);
    expect(r.outputs[1].errors?.[0]?.message).toMatch(/more than 32 levels/);
    expect(r.stderr).not.toMatch(/RangeError|Maximum call stack/);
    expect(r.status).toBe(1);
  });

  it("duplicate keys are duplicate-key, also when written with escapes", async () => {
    const dup = valid[0].replace(/^\{/, '{"id":"first",');
    const escaped = valid[0].replace(/^\{/, '{"\\u0069d":"first",');
    const r = await evalFile("dup.ndjson", `${dup}\n${escaped}\n${valid[1]}\n`);
    expect(codes(r.outputs)).toEqual(["duplicate-key", "duplicate-key", "decision"]);
    expect(r.outputs[0].errors?.[0]?.message).toMatch(/"id" appears twice/);
    expect(r.status).toBe(1);
  });

  it("`__proto__`, `constructor` and `prototype` keys are forbidden-key, at any depth", async () => {
    const top = valid[0].replace(/^\{/, '{"__proto__":{"isAdmin":true},');
    const nested = valid[0].replace('"responsibleSupplier":{', '"responsibleSupplier":{"constructor":{"prototype":1},');
    const r = await evalFile("proto.ndjson", `${top}\n${nested}\n${valid[1]}\n`);
    expect(codes(r.outputs)).toEqual(["forbidden-key", "forbidden-key", "decision"]);
    expect(r.outputs[0].errors?.[0]?.path).toBe("$.__proto__");
    expect(r.outputs[1].errors?.[0]?.path).toBe("$.responsibleSupplier.constructor");
    expect(r.status).toBe(1);
  });

  it("an NDJSON file whose first line starts with `[` is read line by line, not as one array", async () => {
    const r = await evalFile("first-line-array.ndjson", `[1,2]\n${valid[0]}\n${valid[1]}\n`);
    expect(codes(r.outputs)).toEqual(["not-an-object", "decision", "decision"]);
    expect(summary(r.stderr)).toBe("3 records = 2 decisions + 1 invalid");
  });

  it("a JSON array on standard input, after a byte order mark, gives one output per element", async () => {
    const input = `\ufeff[\n${valid.join(",\n")}\n]\n`;
    const r = await tmadIn(["eval", "-", "--version", "20.v2"], input);
    expect(codes(r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as Output))).toEqual(["decision", "decision", "decision"]);
    expect(r.status).toBe(0);
  });

  it("a JSON array element 200,000 levels deep is too-deep, and the run goes on", async () => {
    const deep = `${"[".repeat(200_000)}${"]".repeat(200_000)}`;
    const r = await evalFile("deep-array.json", `[\n${valid[0]},\n${deep},\n${valid[1]}\n]\n`);
    expect(codes(r.outputs)).toEqual(["decision", "too-deep", "decision"]);
    expect(r.stderr).not.toMatch(/RangeError|Maximum call stack|internal error/);
    expect(r.status).toBe(1);
  });

  it("--max-record-bytes lowers the size limit", async () => {
    const small = '{"id":"x"}';
    const r = await evalFile("limit.ndjson", `${small}\n${valid[0]}\n`, ["--max-record-bytes", "100"]);
    expect(codes(r.outputs)).toEqual(["missing-field", "too-large"]);
    expect(r.outputs[1].errors?.[0]?.message).toMatch(/over the limit of 100 \(--max-record-bytes\)/);
    expect(r.status).toBe(1);
    const raised = await evalFile("limit2.ndjson", `${valid[0]}\n`, ["--max-record-bytes", String(valid[0].length)]);
    expect(codes(raised.outputs)).toEqual(["decision"]);
  });

  it("--max-depth lowers and raises the depth limit", async () => {
    // The record nests `depth` deep: the record, `devices`, a device, its attempts, an attempt.
    const depthOf = (v: unknown): number => (typeof v === "object" && v !== null ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0);
    const depth = depthOf(JSON.parse(valid[1]));
    expect(depth).toBe(5);
    const low = await evalFile("depth.ndjson", `${valid[1]}\n`, ["--max-depth", String(depth - 1)]);
    expect(codes(low.outputs)).toEqual(["too-deep"]);
    expect(low.outputs[0].errors?.[0]?.message).toMatch(/more than 4 levels/);
    const ok = await evalFile("depth2.ndjson", `${valid[1]}\n`, ["--max-depth", String(depth)]);
    expect(codes(ok.outputs)).toEqual(["decision"]);
    const deep = `${"[".repeat(40)}${"]".repeat(40)}`;
    const high = await evalFile("depth3.ndjson", `${deep}\n`, ["--max-depth", "64"]);
    expect(codes(high.outputs)).toEqual(["not-an-object"]);
    expect((await evalFile("depth4.ndjson", `${valid[1]}\n`, ["--max-depth", "0"])).status).toBe(2);
  });
});
