/**
 * End-to-end tests of the built CLI (`node dist/src/cli/main.js`) through child processes, run from
 * the repository root, for what only the command line does: help and usage errors, exit codes,
 * stdout/stderr framing, files written. The commands that compile: build (--check, --out, stages),
 * check diagnostics as text and JSON, and the published schemas. What `tmad test` prints for an
 * amendment that replaces a parameter is asserted in test/compiler/amendments.test.ts. What the library does is tested
 * through the library (test/compiler, test/runtime, …); see also cli-records and cli-versions.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, EXAMPLES, listFiles, removeTempDirs, root, tempDir, tmad, tmadIn } from "../helpers/cli.js";

afterAll(removeTempDirs);

describe("help and usage", { timeout: 60_000 }, () => {
  it("the built CLI is executable, so `npx tmad` runs it", () => {
    // What npx runs: the package's bin entry, as a program (its #! line starts node).
    const bin = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { bin: Record<string, string> }).bin.tmad;
    expect(join(root, bin)).toBe(CLI);
    expect(statSync(CLI).mode & 0o111).not.toBe(0);
    expect(readFileSync(CLI, "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");
    const r = spawnSync(CLI, ["--help"], { cwd: root, encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Usage: tmad <command>");
  });

  // The rest run the command line in this process (tmadIn: the exit code main.js would set); the
  // test above and "an unknown command exits 2" are the programs whose exit status the shell sees.
  it("--help exits 0 and lists the commands", async () => {
    const r = await tmadIn(["--help"]);
    expect(r.status).toBe(0);
    for (const c of ["build", "check", "eval", "explain"]) expect(r.stdout).toContain(c);
  });

  for (const c of ["build", "check", "eval", "explain"]) {
    it(`${c} --help exits 0 with its usage`, async () => {
      const r = await tmadIn([c, "--help"]);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`tmad ${c}`);
    });
  }

  it("no command exits 2 with the help", async () => {
    const r = await tmadIn([]);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain("Commands:");
  });

  it("an unknown command exits 2", () => {
    const r = tmad(["frobnicate"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown command "frobnicate"');
  });

  it("an unknown option exits 2", async () => {
    const r = await tmadIn(["eval", EXAMPLES, "--version", "20.v2", "--bogus"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--bogus");
  });
});

/**
 * The build's command-line wiring on the small demo fixtures: each command that compiles costs a
 * few CPU-seconds in its own process, so these run on a two-clause version. That the repository's
 * generated/ is what the rules produce is `npm test`'s own step `node dist/src/cli/main.js build
 * --check` (the same command and exit code this file ran on the corpus before); that tmad-20.v2
 * checks without errors is asserted through the library (test/compiler/stages.test.ts), and its
 * planted errors below go through the command.
 */
const DEMO = "test/fixtures/versions/demo-1.0";
const DEMO_AMENDED = "test/fixtures/versions/demo-1.1";

describe("build and check", { timeout: 120_000 }, () => {
  it("check exits 0 on a version without errors", async () => {
    const r = await tmadIn(["check", "--skip-analysis", DEMO_AMENDED]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("demo-1.1: 0 errors");
    expect(r.stdout).not.toContain(" error ");
  });

  it("check on a copy with three planted errors reports each at file:line:col with its code and a hint", async () => {
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

    const r = await tmadIn(["check", join(dir, "tmad-20.v2")]);
    expect(r.status).toBe(1);
    const out = r.stdout;
    expect(out).toContain(`18-excluded-categories.md:${field}:${col(field, "cohrot")} - error TMAD3002: record Installation has no field \`cohrot\`\n    hint: did you mean \`cohort\`?`);
    expect(out).toContain(`18-excluded-categories.md:${member}:${col(member, "MOC_MSD")} - error TMAD3003: \`MOC_MSD\` is not a member of enum Cohort\n    hint: did you mean \`MOC_MDS\`?`);
    expect(out).toContain(`18-excluded-categories.md:${syntax}:3 - error TMAD2003: expected 'then' but found 'thn'`);
    expect(out).toMatch(/tmad-20\.v2: \d+ errors?/);
  });

  it("check --format json gives the diagnostics as data", async () => {
    const r = await tmadIn(["check", DEMO_AMENDED, "--format", "json", "--skip-analysis"]);
    expect(r.status).toBe(0);
    const parsed = JSON.parse(r.stdout);
    expect(parsed.versions.map((v: { id: string }) => v.id)).toEqual(["demo-1.1"]);
    expect(parsed.versions[0].diagnostics.filter((d: any) => d.severity === "error")).toEqual([]);
  });

  it("check on a directory that does not exist exits 2", async () => {
    const r = await tmadIn(["check", "no/such/dir"]);
    expect(r.status).toBe(2);
  });

  it("build --out writes what build --check then finds up to date, and --check fails on an edited file", async () => {
    // --check compiles again in memory: a separate build gives the bytes the first one wrote.
    const out = join(tempDir(), "generated");
    const built = await tmadIn(["build", "--out", out, DEMO]);
    expect(built.stderr).toBe("");
    expect(built.status).toBe(0);
    const [, count, written] = /^tmad build: 1 version\(s\), (\d+) files, (\d+) written\n$/.exec(built.stdout) ?? [];
    expect(written).toBe(count);
    const files = listFiles(out);
    expect(files).toContain("index.ts");
    expect(files).toContain("demo-1.0/rules.ts");
    const checked = await tmadIn(["build", "--check", "--out", out, DEMO]);
    expect(checked.stderr).toBe("");
    expect(checked.status).toBe(0);
    expect(checked.stdout).toBe(`tmad build --check: ${count} generated files up to date\n`);
    writeFileSync(join(out, "demo-1.0", "rules.ts"), `${readFileSync(join(out, "demo-1.0", "rules.ts"), "utf8")}// edited\n`);
    const stale = await tmadIn(["build", "--check", "--out", out, DEMO]);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain(`${out}/demo-1.0/rules.ts: differs from what the rules produce`);
    expect(stale.stderr).toContain("1 generated file(s) out of date");
  });
});

describe("build stages from the command line", { timeout: 120_000 }, () => {
  it("build --timings prints each stage's time; --stop-after stops there and writes nothing; an unknown stage is a usage error", async () => {
    const out = join(tempDir(), "generated");
    const timed = await tmadIn(["build", "--timings", "--stop-after", "typecheck", "--out", out, DEMO]);
    expect(timed.status).toBe(0);
    expect(timed.stdout).toContain("tmad build: stopped after typecheck");
    expect(timed.stderr).toMatch(/stage\s+extract\s+parse\s+check\s+pins\s+generate\n/);
    expect(timed.stderr).toMatch(/demo-1\.0\s+\d+ ms\s+\d+ ms\s+\d+ ms\s+\d+ ms\s+\d+ ms\n/);
    expect(timed.stderr).toMatch(/typecheck\s+\d+ ms/);
    expect(existsSync(out)).toBe(false);
    const parsed = await tmadIn(["build", "--stop-after", "parse", "--out", out, DEMO]);
    expect(parsed.status).toBe(0);
    expect(parsed.stdout).toContain("stopped after parse");
    expect(existsSync(out)).toBe(false);
    expect((await tmadIn(["build", "--stop-after", "lex", DEMO])).status).toBe(2);
  });
});

describe("tmad schema and the package's published schemas", { timeout: 60_000 }, () => {
  it("prints each schema as shipped; the installation schema needs a version", async () => {
    const inst = await tmadIn(["schema", "installation", "--version", "20.v2"]);
    expect(inst.status).toBe(0);
    expect(inst.stdout).toBe(readFileSync(join(root, "generated/tmad-20.v2/installation.schema.json"), "utf8"));
    expect((await tmadIn(["schema", "installation", "--as-of", "2022-07-01"])).stdout).toBe(inst.stdout);
    for (const kind of ["decision", "trace", "explanation", "diff-report"]) {
      const r = await tmadIn(["schema", kind]);
      expect(r.status, kind).toBe(0);
      expect(r.stdout).toBe(readFileSync(join(root, "schemas", `${kind}.schema.json`), "utf8"));
    }
    expect((await tmadIn(["schema", "diff"])).stdout).toBe((await tmadIn(["schema", "diff-report"])).stdout);
    expect((await tmadIn(["schema", "installation"])).status).toBe(2);
    expect((await tmadIn(["schema", "nonsense"])).status).toBe(2);
  });

  it("two command lines run at once in one process keep their output apart (runCli's streams)", async () => {
    const kinds = ["decision", "trace", "explanation", "diff-report"];
    const runs = await Promise.all(kinds.map((kind) => tmadIn(["schema", kind])));
    for (const [i, kind] of kinds.entries()) expect(runs[i].stdout, kind).toBe(readFileSync(join(root, "schemas", `${kind}.schema.json`), "utf8"));
    const [bad, good] = await Promise.all([tmadIn(["schema", "nonsense"]), tmadIn(["eval", "-", "--version", "20.v2", "--workers", "0"], readFileSync(join(root, EXAMPLES), "utf8").split("\n")[0])]);
    expect([bad.status, bad.stdout]).toEqual([2, ""]);
    expect(bad.stderr).toContain("tmad schema: name one schema");
    expect(good.stderr).not.toContain("tmad schema");
    expect(good.stderr).toContain("tmad eval: tmad-20.v2: 1 records = 1 decisions + 0 invalid");
    expect(JSON.parse(good.stdout).installationId).toBe("INS-4.1-active-dual-fuel-foc");
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
