/**
 * End-to-end tests of the built CLI on rule versions: tmad test and show, tmad diff's exit codes,
 * formats and --out (the diff itself on the corpus: test/compiler/diff-corpus.test.ts), review
 * pins across check, build --strict and pin, and check --watch, all on the small demo fixtures.
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../src/compiler/diagnostics/diagnostic.js";
import { compileVersion } from "../../src/compiler/pipeline.js";
import { readVersion } from "../../src/compiler/source/versions.js";
import { CLI, removeTempDirs, root, tempDir, tmadIn } from "../helpers/cli.js";

afterAll(removeTempDirs);

describe("tmad test and tmad show", { timeout: 60_000 }, () => {
  const DEMO = "test/fixtures/versions";

  it("runs the examples beside the clauses of each version and prints the coverage", async () => {
    const r = await tmadIn(["test", `${DEMO}/demo-1.0`, `${DEMO}/demo-1.1`]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("demo-1.0: 6 examples, 6 passed, 0 failed");
    expect(r.stdout).toContain("rule exclude_failed: fired in 2, near misses 1");
    expect(r.stdout).toContain("✓ migrate over exclude_failed (migration wins over exclusion)");
    expect(r.stdout).toContain("· migrate over exclude_failed: not exercised");
    expect(r.stdout.trimEnd().split("\n").pop()).toBe("examples: 13 passed, 0 failed");
  });

  it("fails and names the clause when a clause has no example", async () => {
    const dir = join(tempDir(), "demo-1.0");
    cpSync(join(root, DEMO, "demo-1.0"), dir, { recursive: true });
    const file = join(dir, "index.md");
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.slice(0, text.lastIndexOf("```tmad-example")));
    const r = await tmadIn(["test", dir]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("clause 3.1 (Default) has no example");
    expect(r.stdout).toContain("✗ 3.1    Default: 0 examples");
  });

  it("fails a wrong example and says what differed", async () => {
    const dir = join(tempDir(), "demo-1.0");
    cpSync(join(root, DEMO, "demo-1.0"), dir, { recursive: true });
    const file = join(dir, "index.md");
    writeFileSync(file, readFileSync(file, "utf8").replace("expect: { outcome: MIGRATE, rule: migrate }", "expect: { outcome: EXCLUDED, rule: migrate }"));
    const r = await tmadIn(["test", dir]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('outcome: expected "EXCLUDED", got "MIGRATE"');
    expect(r.stdout.trimEnd().split("\n").pop()).toBe("examples: 5 passed, 1 failed");
  });

  it("shows an amending version whole", async () => {
    const r = await tmadIn(["show", `${DEMO}/demo-1.1`]);
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

  it("exits 1 when behaviour changed, with the JSON schema named", async () => {
    const r = await tmadIn(["diff", `${DEMO}/demo-1.0`, `${DEMO}/demo-1.1`, "--format", "json"]);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.schema).toBe("tmad-diff/2");
    expect(report.verdict).toBe("changed");
    expect(report.document.clauses.map((c: { number: string }) => c.number)).toEqual(["2.1", "2.2"]);
  });

  it("exits 0 for a wording-only edit and reports the drift", async () => {
    const r = await tmadIn(["diff", `${DEMO}/demo-1.0`, `${DEMO}/demo-1.0-reworded`]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("clause 2.1: the text changed but its rules (exclude_failed) did not");
    expect(r.stdout).toContain("Verdict: no behaviour changed.");
  });

  it("exits 2 for an unknown version or bad options", async () => {
    expect((await tmadIn(["diff", "no-such-version", `${DEMO}/demo-1.0`])).status).toBe(2);
    expect((await tmadIn(["diff", `${DEMO}/demo-1.0`])).status).toBe(2);
    expect((await tmadIn(["diff", `${DEMO}/demo-1.0`, `${DEMO}/demo-1.1`, "--format", "pdf"])).status).toBe(2);
  });

  it("counts --population in worker threads with the report of one thread; --workers must be a number", async () => {
    const run = (workers: string) => tmadIn(["diff", "tmad-19.0", "tmad-20.v2", "--population", "examples/installations.ndjson", "--workers", workers, "--format", "json", "--ids"]);
    const [one, two] = [await run("0"), await run("2")];
    expect([one.status, two.status]).toEqual([1, 1]);
    expect(JSON.parse(two.stdout).population.records).toBeGreaterThan(0);
    expect(two.stdout).toBe(one.stdout);
    expect((await run("two")).status).toBe(2);
  });

  it("writes --out atomically", async () => {
    const out = join(tempDir(), "report.md");
    const r = await tmadIn(["diff", `${DEMO}/demo-1.0`, `${DEMO}/demo-1.1`, "--format", "markdown", "--out", out]);
    expect(r.status).toBe(1);
    expect(readFileSync(out, "utf8")).toContain("## 1. Document changes");
    expect(readdirSync(dirname(out))).toEqual(["report.md"]);
  });
});

/**
 * Review pins and watch on the demo fixtures (demo-1.1 amends demo-1.0): the same commands and
 * outcomes as on the corpus, at a fraction of the compile time of its three-version chain.
 */
describe("review pins", { timeout: 120_000 }, () => {
  it("editing the text of a clause without tmad pin warns in check and fails build --strict; tmad pin clears it", async () => {
    const dir = tempDir();
    for (const v of ["demo-1.0", "demo-1.1"]) cpSync(join(root, "test/fixtures/versions", v), join(dir, v), { recursive: true });
    const v1 = join(dir, "demo-1.0");
    // Before and after, through the library (what `tmad check --skip-analysis` prints as "0 errors, 0 warnings").
    const findings = (): string[] => compileVersion(readVersion(v1), "pins").diagnostics.map(formatDiagnostic);
    expect(findings()).toEqual([]);
    const file = join(v1, "index.md");
    writeFileSync(file, readFileSync(file, "utf8").replace("persistently failed meter are excluded,", "persistently failed meter after the whole retry regime are excluded,"));
    const warned = await tmadIn(["check", "--skip-analysis", v1]);
    expect(warned.status).toBe(0);
    expect(warned.stdout).toMatch(/warning TMAD7001: clause 2\.1 text changed since its rules were reviewed \(rule exclude_failed\); the change: .*\{\+after the whole retry regime\+\}/);
    const out = join(dir, "generated");
    const strict = await tmadIn(["build", "--strict", "--out", out, v1]);
    expect(strict.status).toBe(1);
    expect(existsSync(out)).toBe(false);
    expect((await tmadIn(["pin", v1])).stdout).toContain("tmad pin: demo-1.0: 2 rules pinned (1 pin(s) renewed)");
    expect(findings()).toEqual([]);
    // --strict now passes: the pins were the only warnings (stopped there; building and writing are tested in cli.test.ts).
    expect((await tmadIn(["build", "--strict", "--stop-after", "pins", "--out", out, v1])).status).toBe(0);
  });
});

describe("watch", { timeout: 60_000 }, () => {
  it("check --watch re-checks on save and prints only what changed", async () => {
    const dir = tempDir();
    for (const v of ["demo-1.0", "demo-1.1"]) cpSync(join(root, "test/fixtures/versions", v), join(dir, v), { recursive: true });
    const child = spawn(process.execPath, [CLI, "check", "--watch", join(dir, "demo-1.0"), join(dir, "demo-1.1")], { cwd: root });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const waitFor = async (text: string): Promise<void> => {
      for (let i = 0; i < 200 && !out.includes(text); i++) await new Promise((r) => setTimeout(r, 100));
      expect(out).toContain(text);
    };
    try {
      await waitFor("watching 2 version(s)");
      // An error in the base version is an error of the version that amends it too.
      const file = join(dir, "demo-1.0", "index.md");
      const text = readFileSync(file, "utf8");
      writeFileSync(file, text.replace("satisfies not m.dormant", "satisfies not m.dromant"));
      await waitFor("demo-1.1: 1 error, 0 warnings");
      expect(out).toMatch(/\+ .*demo-1\.0\/index\.md:\d+:\d+ - error TMAD3002: record Meter has no field `dromant`/);
      writeFileSync(file, text);
      await waitFor("- ");
      await waitFor("demo-1.1: 0 errors, 0 warnings (");
    } finally {
      child.kill("SIGINT");
    }
  });
});
