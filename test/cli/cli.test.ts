/**
 * End-to-end tests of the built CLI (`node dist/src/cli/main.js`) through child processes, run from
 * the repository root: help and usage errors, build --check, check diagnostics, eval output formats,
 * counts and exit codes, explain, and deterministic builds.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CLI = join(root, "dist", "src", "cli", "main.js");
const EXAMPLES = "examples/installations.ndjson";
const exampleLines = readFileSync(join(root, EXAMPLES), "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "");

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function tmad(args: readonly string[], input?: string): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: root, encoding: "utf8", input, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const temps: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "tmad-cli-test-"));
  temps.push(d);
  return d;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split("\\").join("/"));
    }
  };
  walk(dir);
  return out;
}

/** Newest modification time of the TypeScript the CLI is compiled from. */
function newestSource(): number {
  let newest = 0;
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (name.endsWith(".ts")) newest = Math.max(newest, st.mtimeMs);
    }
  };
  for (const d of ["src", "grammar", "generated"]) walk(join(root, d));
  return newest;
}

beforeAll(() => {
  // `npm test` builds first; a plain `vitest` run after an edit must not test a stale dist/.
  if (!existsSync(CLI) || statSync(CLI).mtimeMs < newestSource()) {
    const r = spawnSync("npm", ["run", "build"], { cwd: root, encoding: "utf8", shell: process.platform === "win32" });
    if (r.status !== 0) throw new Error(`tsc failed:\n${r.stdout}\n${r.stderr}`);
  }
}, 300_000);

afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

describe("help and usage", { timeout: 60_000 }, () => {
  it("the built CLI is executable, so `npx tmad` runs it", () => {
    expect(statSync(CLI).mode & 0o111).not.toBe(0);
    const r = spawnSync("npx", ["tmad", "--help"], { cwd: root, encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Usage: tmad <command>");
  });

  it("--help exits 0 and lists the commands", () => {
    const r = tmad(["--help"]);
    expect(r.status).toBe(0);
    for (const c of ["build", "check", "eval", "explain"]) expect(r.stdout).toContain(c);
  });

  for (const c of ["build", "check", "eval", "explain"]) {
    it(`${c} --help exits 0 with its usage`, () => {
      const r = tmad([c, "--help"]);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`tmad ${c}`);
    });
  }

  it("no command exits 2 with the help", () => {
    const r = tmad([]);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain("Commands:");
  });

  it("an unknown command exits 2", () => {
    const r = tmad(["frobnicate"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown command "frobnicate"');
  });

  it("an unknown option exits 2", () => {
    const r = tmad(["eval", EXAMPLES, "--version", "20.v2", "--bogus"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--bogus");
  });
});

describe("build and check", { timeout: 120_000 }, () => {
  it("build --check exits 0 on the repository", () => {
    const r = tmad(["build", "--check"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("up to date");
  });

  it("check rules/tmad-20.v2 exits 0", () => {
    const r = tmad(["check", "rules/tmad-20.v2"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("tmad-20.v2: ");
    expect(r.stdout).not.toContain(" error ");
  });

  it("check on a copy with three planted errors reports each at file:line:col with its code and a hint", () => {
    const dir = tempDir();
    // 20.v2 amends 20.v1, which amends 19.0: copy the chain so the bases resolve.
    for (const v of ["tmad-19.0", "tmad-20.v1", "tmad-20.v2"]) cpSync(join(root, "rules", v), join(dir, v), { recursive: true });
    const file = join(dir, "tmad-20.v1", "18-excluded-categories.md");
    const lines = readFileSync(file, "utf8").split("\n");
    /** Plants an error on the first line (after `after`) containing `from`; returns its 1-based line number. */
    const plant = (from: string, to: string, after = 0): number => {
      const i = lines.findIndex((l, n) => n >= after && l.includes(from));
      expect(i, `a line containing ${from}`).toBeGreaterThanOrEqual(0);
      lines[i] = lines[i].replace(from, to);
      return i + 1;
    };
    const field = plant("when installation.cohort = IOC", "when installation.cohrot = IOC"); // unknown field
    const member = plant("installation.cohort = MOC_MDS", "installation.cohort = MOC_MSD"); // enum member typo
    const syntax = plant("  then outcome = EXCLUDED, excludedCategory = clause 18.13", "  thn outcome = EXCLUDED, excludedCategory = clause 18.13"); // syntax error
    writeFileSync(file, lines.join("\n"));
    const col = (line: number, text: string): number => lines[line - 1].indexOf(text) + 1;

    const r = tmad(["check", join(dir, "tmad-20.v2")]);
    expect(r.status).toBe(1);
    const out = r.stdout;
    expect(out).toContain(`18-excluded-categories.md:${field}:${col(field, "cohrot")} - error TMAD3002: record Installation has no field \`cohrot\`\n    hint: did you mean \`cohort\`?`);
    expect(out).toContain(`18-excluded-categories.md:${member}:${col(member, "MOC_MSD")} - error TMAD3003: \`MOC_MSD\` is not a member of enum Cohort\n    hint: did you mean \`MOC_MDS\`?`);
    expect(out).toContain(`18-excluded-categories.md:${syntax}:3 - error TMAD2003: expected 'then' but found 'thn'`);
    expect(out).toMatch(/tmad-20\.v2: \d+ errors?/);
  });

  it("check --format json gives the diagnostics as data", () => {
    const r = tmad(["check", "rules/tmad-20.v2", "--format", "json"]);
    expect(r.status).toBe(0);
    const parsed = JSON.parse(r.stdout);
    expect(parsed.versions[0].id).toBe("tmad-20.v2");
    expect(parsed.versions[0].diagnostics.filter((d: any) => d.severity === "error")).toEqual([]);
  });

  it("check on a directory that does not exist exits 2", () => {
    const r = tmad(["check", "no/such/dir"]);
    expect(r.status).toBe(2);
  });

  it("build is deterministic: two builds into separate --out dirs are byte-identical", () => {
    const a = tempDir();
    const b = tempDir();
    const ra = tmad(["build", "--out", a]);
    const rb = tmad(["build", "--out", b]);
    expect(ra.status, ra.stderr).toBe(0);
    expect(rb.status, rb.stderr).toBe(0);
    const fa = listFiles(a);
    const fb = listFiles(b);
    expect(fa).toEqual(fb);
    expect(fa).toContain("index.ts");
    expect(fa).toContain("tmad-20.v2/rules.ts");
    for (const f of fa) expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
    // And the same as the committed generated/.
    for (const f of fa) expect(readFileSync(join(a, f)).equals(readFileSync(join(root, "generated", f))), `generated/${f}`).toBe(true);
  });
});

describe("eval", { timeout: 60_000 }, () => {
  const N = exampleLines.length;

  it("prints one NDJSON line per input record, numbered 1..N in order, and a reconciling summary", () => {
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

  it("exits 0 for a file with only valid records", () => {
    const dir = tempDir();
    const file = join(dir, "valid.ndjson");
    const valid = exampleLines.filter((l) => !JSON.parse(l).id.startsWith("INS-invalid-"));
    writeFileSync(file, `${valid.join("\n")}\n`);
    const r = tmad(["eval", file, "--version", "20.v2"]);
    expect(r.status).toBe(0);
    expect(r.stdout.trimEnd().split("\n").length).toBe(valid.length);
    expect(r.stderr).toContain(`${valid.length} records = ${valid.length} decisions + 0 invalid`);
  });

  it("reads standard input with -", () => {
    const r = tmad(["eval", "-", "--version", "tmad-20.v2"], `${exampleLines[0]}\n`);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).installationId).toBe("INS-4.1-active-dual-fuel-foc");
  });

  it("--format json is a JSON array with the same records", () => {
    const nd = tmad(["eval", EXAMPLES, "--version", "20.v2"]);
    const js = tmad(["eval", EXAMPLES, "--version", "20.v2", "--format", "json"]);
    expect(js.status).toBe(1);
    const arr = JSON.parse(js.stdout);
    expect(Array.isArray(arr)).toBe(true);
    expect(arr.length).toBe(N);
    expect(arr).toEqual(nd.stdout.trimEnd().split("\n").map((l) => JSON.parse(l)));
  });

  it("--format table prints a header and one row per record", () => {
    const r = tmad(["eval", EXAMPLES, "--version", "20.v2", "--format", "table"]);
    expect(r.status).toBe(1);
    const rows = r.stdout.trimEnd().split("\n");
    expect(rows[0].split("\t")).toEqual(["record", "installation", "status", "result", "clause", "rule"]);
    expect(rows.length).toBe(N + 1);
    const row = rows.find((l) => l.includes("INS-4.26A-mds-gsme-firmware-failed"))!;
    expect(row.split("\t")).toEqual(["12", "INS-4.26A-mds-gsme-firmware-failed", "decided", "MIGRATE_PARTIAL", "4.26A", "migrate_partial_moc_mds"]);
    expect(rows.find((l) => l.includes("INS-invalid-unknown-cohort"))).toContain("invalid\t$.cohort:");
  });

  it("an unknown --format exits 2", () => {
    expect(tmad(["eval", EXAMPLES, "--version", "20.v2", "--format", "xml"]).status).toBe(2);
  });

  it("--out FILE writes the file, prints nothing on stdout and leaves no temp file", () => {
    const dir = tempDir();
    const out = join(dir, "decisions.ndjson");
    const r = tmad(["eval", EXAMPLES, "--version", "20.v2", "--out", out]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(readdirSync(dir)).toEqual(["decisions.ndjson"]);
    expect(readFileSync(out, "utf8")).toBe(tmad(["eval", EXAMPLES, "--version", "20.v2"]).stdout);
  });

  it("a line of garbage yields an invalid-json record and the batch goes on", () => {
    const dir = tempDir();
    const file = join(dir, "mixed.ndjson");
    const badMpan = exampleLines.find((l) => JSON.parse(l).id === "INS-invalid-mpan-check-digit")!;
    writeFileSync(file, [exampleLines[0], "", "{not json at all", "   ", exampleLines[1], "[1,2", badMpan].join("\n"));
    const r = tmad(["eval", file, "--version", "20.v2"]);
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

  it("--trace adds each rule's trace", () => {
    const r = tmad(["eval", "-", "--version", "20.v2", "--trace"], exampleLines[11]);
    const o = JSON.parse(r.stdout);
    expect(o.trace.rules.length).toBeGreaterThan(5);
    expect(o.trace.rules.find((x: any) => x.rule === o.rule).condition.value).toBe(true);
  });

  it("--as-of with no designated version in force exits 2 with a message", () => {
    const r = tmad(["eval", EXAMPLES, "--as-of", "2020-01-01"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("no designated version is in force on 2020-01-01");
    expect(r.stdout).toBe("");
  });

  it("--as-of picks 19.0 before the re-designation and 20.v2 after it, and says so in each decision", () => {
    for (const [asOf, id] of [
      ["2022-04-01", "tmad-19.0"],
      ["2022-07-01", "tmad-20.v2"],
    ]) {
      const r = tmad(["eval", EXAMPLES, "--as-of", asOf]);
      const out = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
      const decided = out.filter((o) => o.status !== "invalid");
      expect(decided.length).toBeGreaterThan(40);
      for (const o of decided) expect([o.versionId, o.asOf]).toEqual([id, asOf]);
      expect(r.stderr).toContain(`${id} (in force on ${asOf})`);
    }
  });

  it("19.0 cites no clause that exists only from 20.v1", () => {
    const r = tmad(["eval", EXAMPLES, "--version", "19.0"]);
    const cited = new Set(r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l)).flatMap((o) => [o.clause, o.result?.excludedCategory]).filter((c) => typeof c === "string"));
    for (const c of ["4.1A", "4.1B", "4.1C", "4.26A", "4.26B", "4.26C", "18.9", "18.10", "18.11", "18.12", "18.13"]) expect(cited.has(c), c).toBe(false);
  });

  it("--version and --as-of together: the named version, with the facts known by the date", () => {
    // The GSME's firmware upgrade failed six times a day from 1 April 2022 for 18 days; as of 9 April, 54 had.
    const record = JSON.parse(exampleLines.find((l) => l.includes('"INS-4.26A-mds-gsme-firmware-failed"'))!);
    record.devices[1].firmwareAttempts = Array.from({ length: 108 }, (_, k) => ({
      at: `${new Date(Date.parse("2022-04-01T00:00:00Z") + (Math.floor(k / 36) * 6 * 24 + (k % 36) * 4) * 3_600_000).toISOString().slice(0, 19)}Z`,
      outcome: "FAILED",
    }));
    const all = JSON.parse(tmad(["eval", "-", "--version", "20.v1"], JSON.stringify(record)).stdout);
    expect([all.result.outcome, all.asOf, all.factsIgnored]).toEqual(["MIGRATE_PARTIAL", null, undefined]);
    const r = tmad(["eval", "-", "--version", "20.v1", "--as-of", "2022-04-09"], JSON.stringify(record));
    expect(r.status).toBe(0);
    const then = JSON.parse(r.stdout);
    expect([then.versionId, then.asOf, then.result.outcome, then.factsIgnored, then.reviewOn]).toEqual(["tmad-20.v1", "2022-04-09", "PENDING", 54, "2022-04-18"]);
    expect(r.stderr).toContain("tmad-20.v1 (facts as of 2022-04-09)");
    const explained = tmad(["explain", "-", "--version", "20.v1", "--as-of", "2022-04-09"], JSON.stringify(record)).stdout;
    expect(explained).toContain("Facts as known on 2022-04-09: 54 dated after it ignored");
    expect(explained).toContain("Review on 2022-04-18");
  });

  it("an --as-of that is not a calendar date exits 2 and says why", () => {
    for (const [date, why] of [
      ["2022-06-31", "June 2022 has 30 days"],
      ["2023-02-31", "February 2023 has 28 days"],
    ]) {
      for (const args of [["--as-of", date], ["--version", "20.v2", "--as-of", date]]) {
        const r = tmad(["eval", EXAMPLES, ...args]);
        expect(r.status).toBe(2);
        expect(r.stderr).toContain(`--as-of: as-of date "${date}" is not a calendar date: ${why}`);
        expect(r.stdout).toBe("");
      }
    }
  });

  it("an unknown version exits 2", () => {
    const r = tmad(["eval", EXAMPLES, "--version", "99.v9"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no version "99.v9"');
  });

  it("no version exits 2", () => {
    const r = tmad(["eval", EXAMPLES]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--version");
  });

  it("a missing input file exits 2", () => {
    expect(tmad(["eval", "no-such-file.ndjson", "--version", "20.v2"]).status).toBe(2);
  });
});

describe("explain", { timeout: 60_000 }, () => {
  it("--id X shows that record only", () => {
    const r = tmad(["explain", EXAMPLES, "--version", "20.v2", "--id", "INS-4.26A-mds-gsme-firmware-failed"]);
    expect(r.status).toBe(0);
    expect(r.stdout.match(/\(record \d+\)/g)).toEqual(["(record 12)"]);
    expect(r.stdout).toContain("Installation INS-4.26A-mds-gsme-firmware-failed");
    expect(r.stdout).toContain("clause 4.26A");
    expect(r.stdout).toContain("our own paraphrase");
    expect(r.stdout.replace(/\s+/g, " ")).toContain("GSME 90-B3-D5-1F-30-1B-00-02: firmware attempts: 108 failed on 21 calendar days (10 Jan 2022 08:00 – 30 Jan 2022 04:00)");
  });

  it("--id of an invalid record names the field path and exits 1", () => {
    const r = tmad(["explain", EXAMPLES, "--version", "20.v2", "--id", "INS-invalid-missing-installedOn"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("$.installedOn");
  });

  it("an --id not in the input exits 1", () => {
    const r = tmad(["explain", EXAMPLES, "--version", "20.v2", "--id", "INS-nope"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no record with id "INS-nope"');
  });

  it("without --id explains every record", () => {
    const r = tmad(["explain", EXAMPLES, "--version", "20.v2"]);
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
  it("works from plain JavaScript (ESM) through the package name", () => {
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

describe("tmad test and tmad show", { timeout: 60_000 }, () => {
  const DEMO = "test/fixtures/versions";

  it("runs the examples beside the clauses of each version and prints the coverage", () => {
    const r = tmad(["test", `${DEMO}/demo-1.0`, `${DEMO}/demo-1.1`]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("demo-1.0: 6 examples, 6 passed, 0 failed");
    expect(r.stdout).toContain("rule exclude_failed: fired in 2, near misses 1");
    expect(r.stdout).toContain("✓ migrate over exclude_failed (migration wins over exclusion)");
    expect(r.stdout).toContain("· migrate over exclude_failed: not exercised");
    expect(r.stdout.trimEnd().split("\n").pop()).toBe("examples: 13 passed, 0 failed");
  });

  it("fails and names the clause when a clause has no example", () => {
    const dir = join(tempDir(), "demo-1.0");
    cpSync(join(root, DEMO, "demo-1.0"), dir, { recursive: true });
    const file = join(dir, "index.md");
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.slice(0, text.lastIndexOf("```tmad-example")));
    const r = tmad(["test", dir]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("clause 3.1 (Default) has no example");
    expect(r.stdout).toContain("✗ 3.1    Default: 0 examples");
  });

  it("fails a wrong example and says what differed", () => {
    const dir = join(tempDir(), "demo-1.0");
    cpSync(join(root, DEMO, "demo-1.0"), dir, { recursive: true });
    const file = join(dir, "index.md");
    writeFileSync(file, readFileSync(file, "utf8").replace("expect: { outcome: MIGRATE, rule: migrate }", "expect: { outcome: EXCLUDED, rule: migrate }"));
    const r = tmad(["test", dir]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('outcome: expected "EXCLUDED", got "MIGRATE"');
    expect(r.stdout.trimEnd().split("\n").pop()).toBe("examples: 5 passed, 1 failed");
  });

  it("shows an amending version whole", () => {
    const r = tmad(["show", `${DEMO}/demo-1.1`]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Inserted: 2.2. Substituted: 2.1. Repealed: none.");
    expect(r.stdout).toContain("## 1.1 Migration");
    expect(r.stdout).toContain(`<!-- from ${DEMO}/demo-1.0/index.md:`);
    expect(r.stdout).toContain("a meter not seen since 2020");
    expect(r.stdout).not.toContain("Sites with a persistently failed meter are excluded, unless they migrate.\n");
  });
});

describe("tmad diff", { timeout: 60_000 }, () => {
  const DEMO = "test/fixtures/versions";

  it("exits 1 when behaviour changed, with the JSON schema named", () => {
    const r = tmad(["diff", `${DEMO}/demo-1.0`, `${DEMO}/demo-1.1`, "--format", "json"]);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.schema).toBe("tmad-diff/2");
    expect(report.verdict).toBe("changed");
    expect(report.document.clauses.map((c: { number: string }) => c.number)).toEqual(["2.1", "2.2"]);
  });

  it("exits 0 for a wording-only edit and reports the drift", () => {
    const r = tmad(["diff", `${DEMO}/demo-1.0`, `${DEMO}/demo-1.0-reworded`]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("clause 2.1: the text changed but its rules (exclude_failed) did not");
    expect(r.stdout).toContain("Verdict: no behaviour changed.");
  });

  it("exits 2 for an unknown version or bad options", () => {
    expect(tmad(["diff", "no-such-version", `${DEMO}/demo-1.0`]).status).toBe(2);
    expect(tmad(["diff", `${DEMO}/demo-1.0`]).status).toBe(2);
    expect(tmad(["diff", `${DEMO}/demo-1.0`, `${DEMO}/demo-1.1`, "--format", "pdf"]).status).toBe(2);
  });

  it("writes --out atomically", () => {
    const out = join(tempDir(), "report.md");
    const r = tmad(["diff", `${DEMO}/demo-1.0`, `${DEMO}/demo-1.1`, "--format", "markdown", "--out", out]);
    expect(r.status).toBe(1);
    expect(readFileSync(out, "utf8")).toContain("## 1. Document changes");
    expect(readdirSync(dirname(out))).toEqual(["report.md"]);
  });
});

describe("tmad diff on the corpus", { timeout: 120_000 }, () => {
  it("20.v1 → 20.v2: exactly one amended clause, 4.26A, widened, with a witness found by the search", () => {
    const r = tmad(["diff", "tmad-20.v1", "tmad-20.v2", "--format", "json"]);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.document.clauses.map((c: any) => [c.kind, c.number])).toEqual([["amended", "4.26A"]]);
    expect(report.document.clauses[0].words.some((w: any) => w.op === "+" && w.text.includes("configuration"))).toBe(true);
    expect(report.rules.map((c: any) => [c.rule, c.kind, c.condition])).toEqual([["migrate_partial_moc_mds", "changed", "widened"]]);
    const w = report.behaviour[0].witness;
    expect(w.facts.length).toBeGreaterThanOrEqual(1);
    expect([w.a.result.outcome, w.a.clause]).toEqual(["EXCLUDED", "18.10"]);
    expect([w.b.result.outcome, w.b.clause]).toEqual(["MIGRATE_PARTIAL", "4.26A"]);
  });

  it("19.0 → 20.v2 with a population: every added clause listed, transitions add up to the records", () => {
    const r = tmad(["diff", "tmad-19.0", "tmad-20.v2", "--population", EXAMPLES, "--format", "json", "--ids"]);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    const added = report.document.clauses.filter((c: any) => c.kind === "added").map((c: any) => c.number);
    expect(added).toEqual(["4.1A", "4.1B", "4.1C", "4.26A", "4.26B", "4.26C", "18.9", "18.10", "18.11", "18.12", "18.13"]);
    const p = report.population;
    const N = exampleLines.length;
    expect(p.records).toBe(N);
    expect(p.transitions.reduce((n: number, t: any) => n + t.count, 0) + p.invalid.length).toBe(N);
    expect(p.transitions.flatMap((t: any) => t.ids).length).toBe(p.evaluated);
    expect(p.reportBy).toEqual([
      { name: "supplier", path: "responsibleSupplier.name" },
      { name: "cohort", path: "cohort" },
    ]);
    const toPartial = p.transitions.find((t: any) => t.to === "MIGRATE_PARTIAL 4.26A");
    expect(toPartial.causes).toContain("4.26A");
    expect(Object.keys(toPartial.by.cohort)).toEqual(["MOC_MDS"]);
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

  it("keeps input order with workers, and reconciles counts with broken records mixed in", () => {
    const p = population(3000);
    const single = tmad(["eval", p.file, "--version", "20.v2", "--workers", "0"]);
    const parallel = tmad(["eval", p.file, "--version", "20.v2", "--workers", "2"]);
    expect(parallel.stdout).toBe(single.stdout);
    const out = parallel.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(out.map((o) => o.record)).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
    expect(out.filter((o) => o.status === "invalid").length).toBe(p.broken);
    expect(parallel.stderr).toContain(`3000 records = ${p.valid} decisions + ${p.broken} invalid`);
    const codes = new Set(out.filter((o) => o.status === "invalid").flatMap((o) => o.errors.map((e: { code: string }) => e.code)));
    for (const code of ["duplicate-key", "forbidden-key", "invalid-json", "too-deep"]) expect(codes.has(code), code).toBe(true);
  });

  it("reports an oversized record without reading it whole, and goes on", () => {
    const file = join(tempDir(), "big.ndjson");
    writeFileSync(file, `${exampleLines[0]}\n{"id":"${"x".repeat(3_000_000)}"}\n${exampleLines[1]}\n`);
    const r = tmad(["eval", file, "--version", "20.v2", "--workers", "1"]);
    const out = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(out.map((o) => o.status)).toEqual(["decided", "invalid", "decided"]);
    expect(out[1].errors[0].code).toBe("too-large");
    expect(out[1].errors[0].message).toContain("--max-record-bytes");
  });

  it("writes --out through a temporary file and CSV with a header", () => {
    const p = population(500);
    const target = join(tempDir(), "decisions.csv");
    const r = tmad(["eval", p.file, "--version", "20.v2", "--format", "csv", "--out", target]);
    expect(r.stdout).toBe("");
    const text = readFileSync(target, "utf8");
    expect(text.endsWith("\r\n")).toBe(true); // RFC 4180 line ends
    const lines = text.trimEnd().split("\r\n");
    expect(lines[0]).toBe("record,installationId,status,outcome,excludedCategory,deregister,notifySupplier,clause,rule,versionId,asOf,factsIgnored,reviewOn,errors");
    expect(lines.length).toBe(501);
    expect(readdirSync(dirname(target)).filter((f) => f.includes(".tmad-tmp-"))).toEqual([]);
  });

  it("tmad report --out writes a folder per supplier whose totals equal the population (worker threads)", () => {
    const p = population(1000);
    const dir = join(tempDir(), "report");
    const r = tmad(["report", p.file, "--as-of", "2022-07-01", "--out", dir, "--workers", "2"]);
    expect(r.status).toBe(1); // broken records are reported, and counted
    expect(r.stderr).toContain(`1000 records = ${p.valid} decisions + ${p.broken} invalid`);
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

  it("refuses a folder holding the user's files, and leaves them as they were", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "mine.txt"), "keep me");
    const r = tmad(["report", small(), "--version", "20.v2", "--out", dir, "--force"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("not empty and was not written by tmad");
    expect(readdirSync(dir)).toEqual(["mine.txt"]);
    expect(readFileSync(join(dir, "mine.txt"), "utf8")).toBe("keep me");
  });

  it("`--out ..` refuses the parent folder instead of emptying it", () => {
    const parent = tempDir();
    writeFileSync(join(parent, "thesis.md"), "years of work");
    const cwd = join(parent, "work");
    cpSync(small(), join(parent, "work", "small.ndjson"));
    const r = spawnSync(process.execPath, [CLI, "report", "small.ndjson", "--version", "20.v2", "--out", "..", "--force"], { cwd, encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(readFileSync(join(parent, "thesis.md"), "utf8")).toBe("years of work");
    expect(readdirSync(cwd)).toEqual(["small.ndjson"]);
  });

  it("reuses an earlier report's folder only with --force, replacing just its own files", () => {
    const dir = join(tempDir(), "out");
    const input = small();
    expect(tmad(["report", input, "--version", "20.v2", "--out", dir]).status).toBe(0);
    const before = listFiles(dir);
    expect(before).toContain(".tmad-output.json");
    const again = tmad(["report", input, "--version", "20.v2", "--out", dir]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain("add --force");
    const forced = tmad(["report", input, "--version", "20.v2", "--out", dir, "--force"]);
    expect(forced.status).toBe(0);
    expect(listFiles(dir)).toEqual(before);
    writeFileSync(join(dir, "suppliers", "notes.txt"), "mine");
    const foreign = tmad(["report", input, "--version", "20.v2", "--out", dir, "--force"]);
    expect(foreign.status).toBe(2);
    expect(foreign.stderr).toContain("suppliers/notes.txt");
    expect(readFileSync(join(dir, "suppliers", "notes.txt"), "utf8")).toBe("mine");
  });
});

describe("tmad schema and the package's published schemas", { timeout: 60_000 }, () => {
  it("prints each schema as shipped; the installation schema needs a version", () => {
    const inst = tmad(["schema", "installation", "--version", "20.v2"]);
    expect(inst.status).toBe(0);
    expect(inst.stdout).toBe(readFileSync(join(root, "generated/tmad-20.v2/installation.schema.json"), "utf8"));
    expect(tmad(["schema", "installation", "--as-of", "2022-07-01"]).stdout).toBe(inst.stdout);
    for (const kind of ["decision", "trace", "explanation", "diff-report"]) {
      const r = tmad(["schema", kind]);
      expect(r.status, kind).toBe(0);
      expect(r.stdout).toBe(readFileSync(join(root, "schemas", `${kind}.schema.json`), "utf8"));
    }
    expect(tmad(["schema", "diff"]).stdout).toBe(tmad(["schema", "diff-report"]).stdout);
    expect(tmad(["schema", "installation"]).status).toBe(2);
    expect(tmad(["schema", "nonsense"]).status).toBe(2);
  });

  it("the package ships them (npm pack) and exports them by path", () => {
    const pack = spawnSync("npm", ["pack", "--dry-run", "--ignore-scripts", "--json"], { cwd: root, encoding: "utf8" });
    const packed = new Set((JSON.parse(pack.stdout)[0].files as { path: string }[]).map((f) => f.path));
    for (const f of ["schemas/decision.schema.json", "schemas/trace.schema.json", "schemas/explanation.schema.json", "schemas/diff-report.schema.json", "generated/tmad-20.v2/installation.schema.json", "dist/src/index.js", "dist/src/cli/main.js", "dist/src/cli/eval-worker.js", "dist/generated/tmad-20.v2/index.js"]) {
      expect(packed.has(f), f).toBe(true);
    }
    const script = `console.log(JSON.stringify([import.meta.resolve("tmad/schemas/decision.schema.json"), import.meta.resolve("tmad/generated/tmad-20.v2/installation.schema.json"), import.meta.resolve("tmad/generated/tmad-20.v2")]))`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
    const [decision, installation, module] = JSON.parse(r.stdout) as string[];
    expect(decision.endsWith("/schemas/decision.schema.json")).toBe(true);
    expect(installation.endsWith("/generated/tmad-20.v2/installation.schema.json")).toBe(true);
    expect(module.endsWith("/dist/generated/tmad-20.v2/index.js")).toBe(true);
  });
});

describe("review pins", { timeout: 120_000 }, () => {
  it("editing the text of 4.26A without tmad pin warns in check and fails build --strict; tmad pin clears it", () => {
    const dir = tempDir();
    for (const v of ["tmad-19.0", "tmad-20.v1", "tmad-20.v2"]) cpSync(join(root, "rules", v), join(dir, v), { recursive: true });
    const v2 = join(dir, "tmad-20.v2");
    expect(tmad(["check", "--skip-analysis", v2]).stdout).toContain("tmad-20.v2: 0 errors, 0 warnings");
    const file = join(v2, "04-26-partial-migration.md");
    writeFileSync(file, readFileSync(file, "utf8").replace("has persistently failed;", "has persistently failed after the whole retry regime;"));
    const warned = tmad(["check", "--skip-analysis", v2]);
    expect(warned.status).toBe(0);
    expect(warned.stdout).toMatch(/warning TMAD7001: clause 4\.26A text changed since its rules were reviewed \(rule migrate_partial_moc_mds\); the change: .*\[-failed;-\] \{\+failed after the whole retry regime;\+\}/);
    const out = join(dir, "generated");
    const strict = tmad(["build", "--strict", "--out", out, v2]);
    expect(strict.status).toBe(1);
    expect(existsSync(out)).toBe(false);
    expect(tmad(["pin", v2]).stdout).toContain("12 rules pinned (1 pin(s) renewed)");
    expect(tmad(["check", "--skip-analysis", v2]).stdout).toContain("tmad-20.v2: 0 errors, 0 warnings");
    expect(tmad(["build", "--strict", "--out", out, v2]).status).toBe(0);
  });
});

describe("watch", { timeout: 60_000 }, () => {
  it("check --watch re-checks on save and prints only what changed", async () => {
    const dir = tempDir();
    for (const v of ["tmad-19.0", "tmad-20.v1", "tmad-20.v2"]) cpSync(join(root, "rules", v), join(dir, v), { recursive: true });
    const child = spawn(process.execPath, [CLI, "check", "--watch", join(dir, "tmad-20.v1"), join(dir, "tmad-20.v2")], { cwd: root });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const waitFor = async (text: string): Promise<void> => {
      for (let i = 0; i < 200 && !out.includes(text); i++) await new Promise((r) => setTimeout(r, 100));
      expect(out).toContain(text);
    };
    try {
      await waitFor("watching 2 version(s)");
      const file = join(dir, "tmad-20.v1", "18-excluded-categories.md");
      const text = readFileSync(file, "utf8");
      writeFileSync(file, text.replace("when installation.cohort = IOC", "when installation.cohrot = IOC"));
      await waitFor("tmad-20.v2: 1 error, 0 warnings");
      expect(out).toMatch(/\+ .*18-excluded-categories\.md:\d+:\d+ - error TMAD3002: record Installation has no field `cohrot`/);
      writeFileSync(file, text);
      await waitFor("- ");
      await waitFor("tmad-20.v2: 0 errors, 0 warnings (");
    } finally {
      child.kill("SIGINT");
    }
  });
});

describe("interrupted output", { timeout: 60_000 }, () => {
  it("an eval stopped by SIGINT leaves neither the target nor its temporary file", async () => {
    const dir = tempDir();
    const input = join(dir, "pop.ndjson");
    const gen = tmad(["generate", "--count", "200000", "--seed", "3", "--out", input]);
    expect(gen.status).toBe(0);
    const target = join(dir, "decisions.ndjson");
    const child = spawn(process.execPath, [CLI, "eval", input, "--version", "20.v2", "--workers", "1", "--out", target], { cwd: root });
    // Wait until the temporary file exists, i.e. the run is writing, then interrupt it.
    for (let i = 0; i < 200 && !readdirSync(dir).some((f) => f.includes(".tmad-tmp-")); i++) await new Promise((r) => setTimeout(r, 25));
    child.kill("SIGINT");
    const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    expect(code).toBe(130);
    expect(readdirSync(dir).sort()).toEqual(["pop.ndjson"]);
  });
});

describe("build stages and amendments from the command line", { timeout: 120_000 }, () => {
  it("build --timings prints each stage's time; --stop-after stops there and writes nothing; an unknown stage is a usage error", () => {
    const out = join(tempDir(), "generated");
    const timed = tmad(["build", "--timings", "--stop-after", "typecheck", "--out", out, "rules/tmad-20.v2"]);
    expect(timed.status).toBe(0);
    expect(timed.stdout).toContain("tmad build: stopped after typecheck");
    expect(timed.stderr).toMatch(/stage\s+extract\s+parse\s+check\s+pins\s+generate\n/);
    expect(timed.stderr).toMatch(/tmad-20\.v2\s+\d+ ms\s+\d+ ms\s+\d+ ms\s+\d+ ms\s+\d+ ms\n/);
    expect(timed.stderr).toMatch(/typecheck\s+\d+ ms/);
    expect(existsSync(out)).toBe(false);
    const parsed = tmad(["build", "--stop-after", "parse", "--out", out, "rules/tmad-20.v2"]);
    expect(parsed.status).toBe(0);
    expect(parsed.stdout).toContain("stopped after parse");
    expect(existsSync(out)).toBe(false);
    expect(tmad(["build", "--stop-after", "lex", "rules/tmad-20.v2"]).status).toBe(2);
  });

  it("test, check and build an amendment that replaces a parameter; show marks the replacement", () => {
    const fixture = "test/fixtures/versions/tmad-20.v3-firmware";
    const tested = tmad(["test", fixture]);
    expect(tested.status).toBe(0);
    expect(tested.stdout).toMatch(/tmad-20\.v3-firmware: \d+ examples, \d+ passed, 23 changed by this amendment, 0 failed/);
    expect(tested.stdout).toContain("depends on parameter firmwareAttemptsPerCycle, which this version replaces");
    // (The analysis of a plain `tmad check` takes half a minute here; it finds nothing either.)
    expect(tmad(["check", "--skip-analysis", fixture]).stdout).toContain("tmad-20.v3-firmware: 0 errors, 0 warnings");
    const out = join(tempDir(), "generated");
    expect(tmad(["build", "--out", out, fixture]).status).toBe(0);
    expect(existsSync(join(out, "tmad-20.v3-firmware", "rules.ts"))).toBe(true);
    const shown = tmad(["show", fixture]);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toContain("-- replaced by tmad-20.v3-firmware: see test/fixtures/versions/tmad-20.v3-firmware/index.md:26");
  });
});
