/**
 * Single-file outputs (`--out FILE` of eval, diff, generate) through the Sink, and the CLI where it
 * is the point: a target that is not a regular file is written in place, never replaced; temporary
 * files are named so they can be recognised and stale ones are removed; backpressure leaks no
 * listeners; a failed write says what failed; a closed pipe ends the run quietly.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sink } from "../../src/cli/sink.js";
import { tmadIn } from "../helpers/cli.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CLI = join(root, "dist", "src", "cli", "main.js");
const temps: string[] = [];
function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), "tmad-sink-"));
  temps.push(d);
  return d;
}
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

/** The pid of a process that has exited: a temporary file named with it is stale. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(r.stdout);
}

describe("Sink: a file target", () => {
  it("writes through a recognisable temporary name beside the target and renames it into place", async () => {
    const dir = scratch();
    const target = join(dir, "out.ndjson");
    const sink = new Sink(target);
    // Larger than the stream's buffer, so the write waits until the file is open and written.
    const text = "a".repeat(64 * 1024);
    await sink.write(text);
    expect(readdirSync(dir)).toEqual([`.out.ndjson.tmad-tmp-${process.pid}`]);
    await sink.close();
    expect(readdirSync(dir)).toEqual(["out.ndjson"]);
    expect(readFileSync(target, "utf8")).toBe(text);
  });

  it("removes stale temporary files of the same target left by killed runs, and nothing else", async () => {
    const dir = scratch();
    const target = join(dir, "out.ndjson");
    const stale = `.out.ndjson.tmad-tmp-${deadPid()}`;
    const keep = [".out.ndjson.tmad-tmp-notapid", ".other.ndjson.tmad-tmp-1", "out.ndjson.tmp-1", "mine.txt"];
    for (const f of [stale, ...keep]) writeFileSync(join(dir, f), "x".repeat(1000));
    const sink = new Sink(target);
    await sink.write("b\n");
    await sink.close();
    expect(readdirSync(dir).sort()).toEqual([...keep, "out.ndjson"].sort());
  });

  it("leaks no listeners however often a write waits for the file to drain", async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on("warning", onWarning);
    try {
      const target = join(scratch(), "big.ndjson");
      const sink = new Sink(target);
      const chunk = "x".repeat(64 * 1024);
      for (let i = 0; i < 40; i++) await sink.write(chunk);
      await sink.close();
      await new Promise((r) => setTimeout(r, 10));
      expect(statSync(target).size).toBe(40 * chunk.length);
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.map((w) => w.name)).not.toContain("MaxListenersExceededWarning");
  });

  it("writes a target that is not a regular file (a named pipe) in place, and leaves it a pipe", async () => {
    const dir = scratch();
    const fifo = join(dir, "pipe");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const reader = spawn("cat", [fifo], { stdio: ["ignore", "pipe", "ignore"] });
    let got = "";
    reader.stdout.on("data", (d: Buffer) => (got += d.toString()));
    const exited = new Promise<void>((r) => reader.on("exit", () => r()));
    try {
      const sink = new Sink(fifo);
      await sink.write("through the pipe\n");
      await sink.close();
      // Before the fix, the pipe was replaced by a regular file and `cat` waited for ever.
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    } finally {
      reader.kill();
    }
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(got).toBe("through the pipe\n");
    expect(readdirSync(dir)).toEqual(["pipe"]);
  });

  it("writes through a symbolic link to the file it names, and keeps the link", async () => {
    const dir = scratch();
    writeFileSync(join(dir, "real.ndjson"), "old\n");
    symlinkSync("real.ndjson", join(dir, "link.ndjson"));
    const sink = new Sink(join(dir, "link.ndjson"));
    await sink.write("new\n");
    await sink.close();
    expect(lstatSync(join(dir, "link.ndjson")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, "real.ndjson"), "utf8")).toBe("new\n");
  });

  it("refuses a folder, and says what failed when the folder of the target does not exist", async () => {
    const dir = scratch();
    await expect(async () => {
      const s = new Sink(dir);
      await s.write("x");
    }).rejects.toThrow(/is a folder/);
    const s = new Sink(join(dir, "missing", "out.ndjson"));
    await expect(s.write("x").then(() => s.close())).rejects.toThrow(/cannot write .*missing\/out\.ndjson: no such file or folder \(ENOENT\)/);
  });
});

describe("the CLI's single-file outputs", { timeout: 60_000 }, () => {
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error("run `npm run build` first (npm test does)");
  });

  /**
   * A character device made for the test (the same device numbers as /dev/null or /dev/full) in a
   * scratch folder, so that a regression replaces only that node, never the machine's own devices.
   * Needs root (mknod); undefined otherwise.
   */
  function device(name: string, minor: number): string | undefined {
    const path = join(scratch(), name);
    const r = spawnSync("mknod", ["-m", "666", path, "c", "1", String(minor)]);
    if (r.status !== 0) {
      console.log(`skipped: cannot create a device node for the test (mknod needs root): ${r.stderr?.toString().trim()}`);
      return undefined;
    }
    return path;
  }

  it("--out to a null device writes into the device and leaves it a device", async () => {
    const target = device("null", 3);
    if (target === undefined) return;
    const r = await tmadIn(["eval", "examples/installations.ndjson", "--version", "20.v2", "--out", target]);
    expect(r.status, r.stderr).toBe(1); // the examples include invalid records
    expect(r.stderr).toMatch(/records = /);
    expect(lstatSync(target).isCharacterDevice()).toBe(true);
    expect(readdirSync(dirname(target))).toEqual(["null"]);
  });

  it("a full device says what failed (no space left), exits 2 and leaves the device as it was", async () => {
    const target = device("full", 7);
    if (target === undefined) return;
    const r = await tmadIn(["eval", "examples/installations.ndjson", "--version", "20.v2", "--out", target]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`tmad eval: cannot write ${target}: no space left on the device (ENOSPC)\n`);
    expect(lstatSync(target).isCharacterDevice()).toBe(true);
    expect(readdirSync(dirname(target))).toEqual(["full"]);
  });

  it("`… | head -1` stops quietly with exit 0", async () => {
    const dir = scratch();
    const input = join(dir, "many.ndjson");
    const line = readFileSync(join(root, "examples/installations.ndjson"), "utf8").split("\n")[0];
    writeFileSync(input, `${line}\n`.repeat(20_000));
    const child = spawn(process.execPath, [CLI, "eval", input, "--version", "20.v2"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    // Read one line, then close the pipe as `head -1` does.
    await new Promise<void>((resolve) => {
      let got = "";
      child.stdout.on("data", (d: Buffer) => {
        got += d.toString();
        if (got.includes("\n")) {
          child.stdout.destroy();
          resolve();
        }
      });
    });
    const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });
});
