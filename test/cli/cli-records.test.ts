/**
 * End-to-end tests of the built CLI on installation records: eval's output formats, counts, exit
 * codes, standard input, --as-of; explain; the package used from plain JavaScript; population
 * scale with workers and broken records; tmad report's output folders; an interrupted eval.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, EXAMPLES, exampleLines, listFiles, removeTempDirs, root, tempDir, tmad, tmadIn } from "../helpers/cli.js";

afterAll(removeTempDirs);

describe("eval", { timeout: 60_000 }, () => {
  const N = exampleLines.length;

  it("prints one NDJSON line per input record, numbered 1..N in order, and a reconciling summary", () => {
    // As a program: its exit status, and the output written to the process's own stdout and stderr.
    const r = tmad(["eval", EXAMPLES, "--version", "20.v2"]);
    expect(r.status).toBe(1); // the examples include invalid records
    const out = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(out.length).toBe(N);
    expect(out.map((o) => o.record)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    expect(out.map((o) => o.installationId)).toEqual(exampleLines.map((l) => JSON.parse(l).id ?? null));
    const invalidIds = exampleLines.map((l) => JSON.parse(l).id).filter((id: string) => id.startsWith("INS-invalid-"));
    const invalid = out.filter((o) => o.status === "invalid");
    expect(invalid.map((o) => o.installationId)).toEqual(invalidIds);
    expect(invalid.slice(0, 3).map((o) => o.errors[0].path)).toEqual(["$.mpan", "$.cohort", "$.installedOn"]);
    expect(r.stderr).toContain(`${N} records = ${N - invalidIds.length} decisions + ${invalidIds.length} invalid`);
    expect(r.stderr).toMatch(/MIGRATE_PARTIAL=\d+/);
  });

  it("exits 0 for a file with only valid records", async () => {
    const dir = tempDir();
    const file = join(dir, "valid.ndjson");
    const valid = exampleLines.filter((l) => !JSON.parse(l).id.startsWith("INS-invalid-"));
    writeFileSync(file, `${valid.join("\n")}\n`);
    const r = await tmadIn(["eval", file, "--version", "20.v2"]);
    expect(r.status).toBe(0);
    expect(r.stdout.trimEnd().split("\n").length).toBe(valid.length);
    expect(r.stderr).toContain(`${valid.length} records = ${valid.length} decisions + 0 invalid`);
  });

  it("reads standard input with -", async () => {
    const r = await tmadIn(["eval", "-", "--version", "tmad-20.v2"], `${exampleLines[0]}\n`);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).installationId).toBe("INS-4.1-active-dual-fuel-foc");
  });

  it("--format json is a JSON array with the same records", async () => {
    const nd = await tmadIn(["eval", EXAMPLES, "--version", "20.v2"]);
    const js = await tmadIn(["eval", EXAMPLES, "--version", "20.v2", "--format", "json"]);
    expect(js.status).toBe(1);
    const arr = JSON.parse(js.stdout);
    expect(Array.isArray(arr)).toBe(true);
    expect(arr.length).toBe(N);
    expect(arr).toEqual(nd.stdout.trimEnd().split("\n").map((l) => JSON.parse(l)));
  });

  it("--format table prints a header and one row per record", async () => {
    const r = await tmadIn(["eval", EXAMPLES, "--version", "20.v2", "--format", "table"]);
    expect(r.status).toBe(1);
    const rows = r.stdout.trimEnd().split("\n");
    expect(rows[0].split("\t")).toEqual(["record", "installation", "status", "result", "clause", "rule"]);
    expect(rows.length).toBe(N + 1);
    const row = rows.find((l) => l.includes("INS-4.26A-mds-gsme-firmware-failed"))!;
    expect(row.split("\t")).toEqual(["12", "INS-4.26A-mds-gsme-firmware-failed", "decided", "MIGRATE_PARTIAL", "4.26A", "migrate_partial_moc_mds"]);
    expect(rows.find((l) => l.includes("INS-invalid-unknown-cohort"))).toContain("invalid\t$.cohort:");
  });

  it("an unknown --format exits 2", async () => {
    expect((await tmadIn(["eval", EXAMPLES, "--version", "20.v2", "--format", "xml"])).status).toBe(2);
  });

  it("--out FILE writes the file, prints nothing on stdout and leaves no temp file", async () => {
    const dir = tempDir();
    const out = join(dir, "decisions.ndjson");
    const r = await tmadIn(["eval", EXAMPLES, "--version", "20.v2", "--out", out]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(readdirSync(dir)).toEqual(["decisions.ndjson"]);
    expect(readFileSync(out, "utf8")).toBe((await tmadIn(["eval", EXAMPLES, "--version", "20.v2"])).stdout);
  });

  it("a line of garbage yields an invalid-json record and the batch goes on", async () => {
    const dir = tempDir();
    const file = join(dir, "mixed.ndjson");
    const badMpan = exampleLines.find((l) => JSON.parse(l).id === "INS-invalid-mpan-check-digit")!;
    writeFileSync(file, [exampleLines[0], "", "{not json at all", "   ", exampleLines[1], "[1,2", badMpan].join("\n"));
    const r = await tmadIn(["eval", file, "--version", "20.v2"]);
    expect(r.status).toBe(1);
    const out = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(out.map((o) => o.record)).toEqual([1, 3, 5, 6, 7]);
    expect(out[0].status).toBe("decided");
    expect(out[1]).toMatchObject({ status: "invalid", installationId: null, errors: [{ code: "invalid-json", path: "$" }] });
    expect(out[2].installationId).toBe("INS-4.1-dormant-prepared-moc-secure");
    expect(out[3].errors[0].code).toBe("invalid-json");
    expect(out[4]).toMatchObject({ status: "invalid", installationId: "INS-invalid-mpan-check-digit" });
    expect(r.stderr).toContain("5 records = 2 decisions + 3 invalid");
  });

  it("--trace adds each rule's trace", async () => {
    const r = await tmadIn(["eval", "-", "--version", "20.v2", "--trace"], exampleLines[11]);
    const o = JSON.parse(r.stdout);
    expect(o.trace.rules.length).toBeGreaterThan(5);
    expect(o.trace.rules.find((x: any) => x.rule === o.rule).condition.value).toBe(true);
  });

  it("--as-of with no designated version in force exits 2 with a message", async () => {
    const r = await tmadIn(["eval", EXAMPLES, "--as-of", "2020-01-01"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("no designated version is in force on 2020-01-01");
    expect(r.stdout).toBe("");
  });

  it("--as-of picks 19.0 before the re-designation and 20.v2 after it, and says so in each decision", async () => {
    for (const [asOf, id] of [
      ["2022-04-01", "tmad-19.0"],
      ["2022-07-01", "tmad-20.v2"],
    ]) {
      const r = await tmadIn(["eval", EXAMPLES, "--as-of", asOf]);
      const out = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
      const decided = out.filter((o) => o.status !== "invalid");
      expect(decided.length).toBeGreaterThan(40);
      for (const o of decided) expect([o.versionId, o.asOf]).toEqual([id, asOf]);
      expect(r.stderr).toContain(`${id} (in force on ${asOf})`);
    }
  });

  it("19.0 cites no clause that exists only from 20.v1", async () => {
    const r = await tmadIn(["eval", EXAMPLES, "--version", "19.0"]);
    const cited = new Set(r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l)).flatMap((o) => [o.clause, o.result?.excludedCategory]).filter((c) => typeof c === "string"));
    for (const c of ["4.1A", "4.1B", "4.1C", "4.26A", "4.26B", "4.26C", "18.9", "18.10", "18.11", "18.12", "18.13"]) expect(cited.has(c), c).toBe(false);
  });

  it("--version and --as-of together: the named version, with the facts known by the date", async () => {
    // The GSME's firmware upgrade failed six times a day from 1 April 2022 for 18 days; as of 9 April, 54 had.
    const record = JSON.parse(exampleLines.find((l) => l.includes('"INS-4.26A-mds-gsme-firmware-failed"'))!);
    record.devices[1].firmwareAttempts = Array.from({ length: 108 }, (_, k) => ({
      at: `${new Date(Date.parse("2022-04-01T00:00:00Z") + (Math.floor(k / 36) * 6 * 24 + (k % 36) * 4) * 3_600_000).toISOString().slice(0, 19)}Z`,
      outcome: "FAILED",
    }));
    const all = JSON.parse((await tmadIn(["eval", "-", "--version", "20.v1"], JSON.stringify(record))).stdout);
    expect([all.result.outcome, all.asOf, all.factsIgnored]).toEqual(["MIGRATE_PARTIAL", null, undefined]);
    const r = await tmadIn(["eval", "-", "--version", "20.v1", "--as-of", "2022-04-09"], JSON.stringify(record));
    expect(r.status).toBe(0);
    const then = JSON.parse(r.stdout);
    expect([then.versionId, then.asOf, then.result.outcome, then.factsIgnored, then.reviewOn]).toEqual(["tmad-20.v1", "2022-04-09", "PENDING", 54, "2022-04-18"]);
    expect(r.stderr).toContain("tmad-20.v1 (facts as of 2022-04-09)");
    const explained = (await tmadIn(["explain", "-", "--version", "20.v1", "--as-of", "2022-04-09"], JSON.stringify(record))).stdout;
    expect(explained).toContain("Facts as known on 2022-04-09: 54 dated after it ignored");
    expect(explained).toContain("Review on 2022-04-18");
  });

  it("an --as-of that is not a calendar date exits 2 and says why", async () => {
    for (const [date, why] of [
      ["2022-06-31", "June 2022 has 30 days"],
      ["2023-02-31", "February 2023 has 28 days"],
    ]) {
      for (const args of [["--as-of", date], ["--version", "20.v2", "--as-of", date]]) {
        const r = await tmadIn(["eval", EXAMPLES, ...args]);
        expect(r.status).toBe(2);
        expect(r.stderr).toContain(`--as-of: as-of date "${date}" is not a calendar date: ${why}`);
        expect(r.stdout).toBe("");
      }
    }
  });

  it("an unknown version exits 2", async () => {
    const r = await tmadIn(["eval", EXAMPLES, "--version", "99.v9"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no version "99.v9"');
  });

  it("no version exits 2", async () => {
    const r = await tmadIn(["eval", EXAMPLES]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--version");
  });

  it("a missing input file exits 2", async () => {
    expect((await tmadIn(["eval", "no-such-file.ndjson", "--version", "20.v2"])).status).toBe(2);
  });
});

describe("explain", { timeout: 60_000 }, () => {
  it("--id X shows that record only", async () => {
    const r = await tmadIn(["explain", EXAMPLES, "--version", "20.v2", "--id", "INS-4.26A-mds-gsme-firmware-failed"]);
    expect(r.status).toBe(0);
    expect(r.stdout.match(/\(record \d+\)/g)).toEqual(["(record 12)"]);
    expect(r.stdout).toContain("Installation INS-4.26A-mds-gsme-firmware-failed");
    expect(r.stdout).toContain("clause 4.26A");
    expect(r.stdout).toContain("our own paraphrase");
    expect(r.stdout.replace(/\s+/g, " ")).toContain("GSME 90-B3-D5-1F-30-1B-00-02: firmware attempts: 108 failed on 21 calendar days (10 Jan 2022 08:00 – 30 Jan 2022 04:00)");
  });

  it("--id of an invalid record names the field path and exits 1", async () => {
    const r = await tmadIn(["explain", EXAMPLES, "--version", "20.v2", "--id", "INS-invalid-missing-installedOn"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("$.installedOn");
  });

  it("an --id not in the input exits 1", async () => {
    const r = await tmadIn(["explain", EXAMPLES, "--version", "20.v2", "--id", "INS-nope"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no record with id "INS-nope"');
  });

  it("without --id explains every record", async () => {
    const r = await tmadIn(["explain", EXAMPLES, "--version", "20.v2"]);
    expect(r.status).toBe(1);
    expect(r.stdout.match(/^Installation .* \(record \d+\)$/gm)!.length).toBe(exampleLines.length);
  });

  it("--format json gives one Explanation per record; --id stops reading at the record it finds", async () => {
    // Standard input stays open after the record sought: the command must end without reading on.
    const child = spawn(process.execPath, [CLI, "explain", "-", "--version", "20.v2", "--id", JSON.parse(exampleLines[1]).id, "--format", "json"], { cwd: root });
    let stdout = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString("utf8")));
    child.stdin.write(`${exampleLines[0]}\n${exampleLines[1]}\n`);
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill();
        resolve(-1);
      }, 20_000);
      child.on("exit", (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    child.stdin.destroy();
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const e = JSON.parse(lines[0]);
    expect(e).toMatchObject({ record: 2, installationId: JSON.parse(exampleLines[1]).id, status: "decided" });
    expect(typeof e.summary).toBe("string");
  });
});

describe("library API", { timeout: 60_000 }, () => {
  it("works from plain JavaScript (ESM) through the package name", async () => {
    const script = `
      import { readFileSync } from "node:fs";
      import { evaluate, explain, loadVersion } from "tmad";
      import { manifest } from "tmad/generated/tmad-20.v2";
      const record = JSON.parse(readFileSync("${EXAMPLES}", "utf8").split("\\n")[10]);
      const outcome = await evaluate(record, { version: "20.v2", trace: true });
      const version = await loadVersion({ version: "tmad-20.v2" });
      const explanation = await explain(record, { version: "20.v2" });
      console.log(JSON.stringify({ ok: outcome.ok, clause: outcome.decision.clause, traced: outcome.trace.rules.length, id: version.manifest.id, same: manifest.id, explains: explanation.decidedBy.clause.number }));
    `;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ ok: true, clause: "18.13", id: "tmad-20.v2", same: "tmad-20.v2", explains: "18.13" });
    expect(out.traced).toBeGreaterThan(5);
  });
});

describe("population scale: eval streaming and report", { timeout: 120_000 }, () => {
  /** A population made from the sample records, repeated with fresh ids, with broken records mixed in. */
  function population(n: number): { file: string; valid: number; broken: number } {
    const valid = exampleLines.filter((l) => !JSON.parse(l).id.startsWith("INS-invalid-"));
    const lines: string[] = [];
    let broken = 0;
    for (let i = 0; i < n; i++) {
      if (i % 97 === 13) {
        lines.push(["{truncated", '{"id":"dup","id":"again"}', "[".repeat(100) + "]".repeat(100), '{"__proto__":{}}'][broken % 4]);
        broken++;
        continue;
      }
      const r = JSON.parse(valid[i % valid.length]);
      r.id = `P-${String(i).padStart(6, "0")}`;
      lines.push(JSON.stringify(r));
    }
    const file = join(tempDir(), "population.ndjson");
    writeFileSync(file, `${lines.join("\n")}\n`);
    return { file, valid: n - broken, broken };
  }

  // The commands read records in batches of about 256 KiB (src/cli/eval.ts, src/report/run.ts), about
  // 90 sample records; a pool has at most 4 batches out per worker. 1,200 records are 14 batches,
  // more than two workers hold at once, with every kind of broken record (one every 97 lines).
  it("keeps input order with workers, and reconciles counts with broken records mixed in", async () => {
    const p = population(1200);
    expect(statSync(p.file).size).toBeGreaterThan(12 * 2 ** 18);
    const single = await tmadIn(["eval", p.file, "--version", "20.v2", "--workers", "0"]);
    const parallel = await tmadIn(["eval", p.file, "--version", "20.v2", "--workers", "2"]);
    expect(parallel.stdout).toBe(single.stdout);
    const out = parallel.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(out.map((o) => o.record)).toEqual(Array.from({ length: 1200 }, (_, i) => i + 1));
    expect(out.filter((o) => o.status === "invalid").length).toBe(p.broken);
    expect(parallel.stderr).toContain(`1200 records = ${p.valid} decisions + ${p.broken} invalid`);
    const codes = new Set(out.filter((o) => o.status === "invalid").flatMap((o) => o.errors.map((e: { code: string }) => e.code)));
    for (const code of ["duplicate-key", "forbidden-key", "invalid-json", "too-deep"]) expect(codes.has(code), code).toBe(true);
  });

  it("reports an oversized record without reading it whole, and goes on", async () => {
    const file = join(tempDir(), "big.ndjson");
    writeFileSync(file, `${exampleLines[0]}\n{"id":"${"x".repeat(3_000_000)}"}\n${exampleLines[1]}\n`);
    const r = await tmadIn(["eval", file, "--version", "20.v2", "--workers", "1"]);
    const out = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(out.map((o) => o.status)).toEqual(["decided", "invalid", "decided"]);
    expect(out[1].errors[0].code).toBe("too-large");
    expect(out[1].errors[0].message).toContain("--max-record-bytes");
  });

  it("writes --out through a temporary file and CSV with a header", async () => {
    const p = population(500);
    const target = join(tempDir(), "decisions.csv");
    const r = await tmadIn(["eval", p.file, "--version", "20.v2", "--format", "csv", "--out", target]);
    expect(r.stdout).toBe("");
    const text = readFileSync(target, "utf8");
    expect(text.endsWith("\r\n")).toBe(true); // RFC 4180 line ends
    const lines = text.trimEnd().split("\r\n");
    expect(lines[0]).toBe("record,installationId,status,outcome,excludedCategory,deregister,notifySupplier,clause,rule,versionId,asOf,factsIgnored,reviewOn,errors");
    expect(lines.length).toBe(501);
    expect(readdirSync(dirname(target)).filter((f) => f.includes(".tmad-tmp-"))).toEqual([]);
  });

  it("tmad report --out writes a folder per supplier whose totals equal the population (worker threads)", async () => {
    // 400 records: 5 batches (see above) over the two worker threads, 4 of them broken, each sample record several times.
    const p = population(400);
    expect(statSync(p.file).size).toBeGreaterThan(4 * 2 ** 18);
    const dir = join(tempDir(), "report");
    const r = await tmadIn(["report", p.file, "--as-of", "2022-07-01", "--out", dir, "--workers", "2"]);
    expect(r.status).toBe(1); // broken records are reported, and counted
    expect(r.stderr).toContain(`400 records = ${p.valid} decisions + ${p.broken} invalid`);
    const index = readFileSync(join(dir, "suppliers.csv"), "utf8").trimEnd().split("\r\n").slice(1);
    expect(index.reduce((n, line) => n + Number(line.split(",").at(-2)), 0)).toBe(p.valid);
    for (const line of index) {
      const folder = line.split(",").at(-3)!;
      expect(listFiles(join(dir, folder))).toEqual(["installations.csv", "report.xlsx", "summary.csv", "summary.md"]);
    }
    expect(readFileSync(join(dir, "invalid.csv"), "utf8").trimEnd().split("\r\n")).toHaveLength(p.broken + 1);
  });
});

describe("tmad report --out never destroys what it did not write (issue 9)", { timeout: 60_000 }, () => {
  const small = (): string => {
    const file = join(tempDir(), "small.ndjson");
    writeFileSync(file, `${exampleLines.slice(0, 12).join("\n")}\n`);
    return file;
  };

  it("refuses a folder holding the user's files, and leaves them as they were", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "mine.txt"), "keep me");
    const r = await tmadIn(["report", small(), "--version", "20.v2", "--out", dir, "--force"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("not empty and was not written by tmad");
    expect(readdirSync(dir)).toEqual(["mine.txt"]);
    expect(readFileSync(join(dir, "mine.txt"), "utf8")).toBe("keep me");
  });

  it("`--out ..` refuses the parent folder instead of emptying it", async () => {
    const parent = tempDir();
    writeFileSync(join(parent, "thesis.md"), "years of work");
    const cwd = join(parent, "work");
    cpSync(small(), join(parent, "work", "small.ndjson"));
    const r = tmad(["report", "small.ndjson", "--version", "20.v2", "--out", "..", "--force"], undefined, { cwd });
    expect(r.status).toBe(2);
    expect(readFileSync(join(parent, "thesis.md"), "utf8")).toBe("years of work");
    expect(readdirSync(cwd)).toEqual(["small.ndjson"]);
  });

  it("reuses an earlier report's folder only with --force, replacing just its own files", async () => {
    const dir = join(tempDir(), "out");
    const input = small();
    expect((await tmadIn(["report", input, "--version", "20.v2", "--out", dir])).status).toBe(0);
    const before = listFiles(dir);
    expect(before).toContain(".tmad-output.json");
    const again = await tmadIn(["report", input, "--version", "20.v2", "--out", dir]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain("add --force");
    const forced = await tmadIn(["report", input, "--version", "20.v2", "--out", dir, "--force"]);
    expect(forced.status).toBe(0);
    expect(listFiles(dir)).toEqual(before);
    writeFileSync(join(dir, "suppliers", "notes.txt"), "mine");
    const foreign = await tmadIn(["report", input, "--version", "20.v2", "--out", dir, "--force"]);
    expect(foreign.status).toBe(2);
    expect(foreign.stderr).toContain("suppliers/notes.txt");
    expect(readFileSync(join(dir, "suppliers", "notes.txt"), "utf8")).toBe("mine");
  });
});

describe("interrupted output", { timeout: 60_000 }, () => {
  it("an eval stopped by SIGINT leaves neither the target nor its temporary file", async () => {
    // Records arrive on standard input, which stays open: the run is mid-way, its temporary file
    // open, for as long as the test needs (before, a 200,000-record file generated here kept the
    // run busy long enough, at more CPU time than the rest of this file).
    const dir = tempDir();
    const target = join(dir, "decisions.ndjson");
    const child = spawn(process.execPath, [CLI, "eval", "-", "--version", "20.v2", "--workers", "1", "--out", target], { cwd: root });
    const exited = new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    child.stdin.write(`${exampleLines.join("\n")}\n`);
    // Wait until the temporary file exists, i.e. the run is writing, then interrupt it.
    const writing = (): boolean => readdirSync(dir).some((f) => f.includes(".tmad-tmp-"));
    for (let i = 0; i < 400 && !writing(); i++) await new Promise((r) => setTimeout(r, 25));
    expect(writing()).toBe(true);
    child.kill("SIGINT");
    const code = await exited;
    child.stdin.destroy();
    expect(code).toBe(130);
    expect(readdirSync(dir)).toEqual([]);
  });
});
