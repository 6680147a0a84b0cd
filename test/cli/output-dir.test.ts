import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { csvField, csvTable } from "../../src/cli/csv.js";
import { OUTPUT_MARKER, OutputDir } from "../../src/cli/output-dir.js";

function scratch(): string {
  return mkdtempSync(join(tmpdir(), "tmad-outdir-"));
}

describe("output folders", () => {
  it("creates a missing folder, writes files and a marker listing them", () => {
    const dir = join(scratch(), "a", "b");
    const out = OutputDir.open(dir, "report", false);
    out.write("summary.csv", "x\r\n");
    out.write("suppliers/one.csv", "y\r\n");
    out.commit();
    expect(readdirSync(dir).sort()).toEqual([OUTPUT_MARKER, "summary.csv", "suppliers"]);
    expect(JSON.parse(readFileSync(join(dir, OUTPUT_MARKER), "utf8"))).toEqual({ tool: "tmad", command: "report", files: ["summary.csv", "suppliers/one.csv"] });
  });

  it("refuses a folder holding a user's files, even with --force, and leaves them untouched", () => {
    const dir = scratch();
    writeFileSync(join(dir, "thesis.docx"), "precious");
    expect(() => OutputDir.open(dir, "report", true)).toThrow(/not empty and was not written by tmad/);
    expect(readFileSync(join(dir, "thesis.docx"), "utf8")).toBe("precious");
  });

  it("refuses a file, and a folder another command wrote", () => {
    const root = scratch();
    writeFileSync(join(root, "f"), "x");
    expect(() => OutputDir.open(join(root, "f"), "report", true)).toThrow(/not a folder/);
    const site = OutputDir.open(join(root, "site"), "site", false);
    site.write("index.html", "<p>");
    site.commit();
    expect(() => OutputDir.open(join(root, "site"), "report", true)).toThrow(/written by `tmad site`/);
  });

  it("reuses its own earlier output only with --force, removing only its own stale files", () => {
    const dir = scratch();
    const first = OutputDir.open(dir, "report", false);
    first.write("suppliers/gone.csv", "old");
    first.write("summary.csv", "old");
    first.commit();
    expect(() => OutputDir.open(dir, "report", false)).toThrow(/add --force/);
    const second = OutputDir.open(dir, "report", true);
    second.write("summary.csv", "new");
    second.commit();
    expect(readFileSync(join(dir, "summary.csv"), "utf8")).toBe("new");
    expect(existsSync(join(dir, "suppliers"))).toBe(false);
  });

  it("refuses an earlier output folder into which the user put a file of their own", () => {
    const dir = scratch();
    const first = OutputDir.open(dir, "report", false);
    first.write("summary.csv", "old");
    first.commit();
    mkdirSync(join(dir, "notes"));
    writeFileSync(join(dir, "notes", "mine.txt"), "mine");
    expect(() => OutputDir.open(dir, "report", true)).toThrow(/files tmad did not write \(notes\/mine.txt\)/);
  });

  it("a failed run removes the folders it made and what it wrote there, and nothing else", () => {
    const root = scratch();
    const dir = join(root, "new", "site");
    const out = OutputDir.open(dir, "site", false);
    out.write("versions/a.html", "<p>");
    out.discard();
    expect(existsSync(join(root, "new"))).toBe(false);
    expect(readdirSync(root)).toEqual([]);

    // An empty folder the user made stays, as do a previous run's files in a folder it wrote.
    const mine = join(root, "mine");
    mkdirSync(mine);
    const first = OutputDir.open(mine, "site", false);
    first.write("index.html", "one");
    first.commit();
    const again = OutputDir.open(mine, "site", true);
    again.write("extra.html", "two");
    again.discard();
    expect(readFileSync(join(mine, "index.html"), "utf8")).toBe("one");
    expect(existsSync(join(mine, "extra.html"))).toBe(false);
    expect(() => OutputDir.open(mine, "site", true)).not.toThrow();
    expect(existsSync(mine)).toBe(true);
  });

  it("never writes outside the folder", () => {
    const out = OutputDir.open(join(scratch(), "o"), "report", false);
    expect(() => out.write("../escape.csv", "x")).toThrow(/not a plain relative path/);
    expect(() => out.write("/etc/passwd", "x")).toThrow(/not a plain relative path/);
  });
});

describe("CSV fields", () => {
  it("neutralises values a spreadsheet would run as formulas (OWASP)", () => {
    expect(csvField("=cmd|' /C calc'!A0")).toBe(`"'=cmd|' /C calc'!A0"`);
    expect(csvField("@SUM(1+1)")).toBe(`"'@SUM(1+1)"`);
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField("+1")).toBe(`"'+1"`);
    expect(csvField("-2")).toBe(`"'-2"`);
    expect(csvField("\tx")).toBe(`"'\tx"`);
  });

  it("quotes per RFC 4180 and leaves numbers and plain text alone", () => {
    expect(csvField("a,b")).toBe(`"a,b"`);
    expect(csvField('say "hi"')).toBe(`"say ""hi"""`);
    expect(csvField("line\nbreak")).toBe(`"line\nbreak"`);
    expect(csvField(-3)).toBe("-3");
    expect(csvField("Northfield Energy Ltd")).toBe("Northfield Energy Ltd");
    expect(csvField(null)).toBe("");
    expect(csvTable(["a", "b"], [[1, "x"]])).toBe("a,b\r\n1,x\r\n");
  });
});
