/**
 * A synthetic large version, to measure how `tmad check` and `tmad diff` grow with the number of
 * rules: (copies K, output directory) → two standalone version directories, `synthetic-a` (K
 * renamed copies of every rule of tmad-20.v1, 12 rules each) and `synthetic-b` (the same of
 * tmad-20.v2), so the diff between them has K changed rules. K = 100 gives 1,200 rules.
 *
 * How the copies stay apart: the data model gains `region: Region` (members R0 … R{K-1}) on the
 * Installation, and copy k of every rule applies only where `installation.region = Rk`, so two
 * copies never both apply and precedence stays within a copy (`unless x` in copy k names x_ck).
 * Copy k's clauses are numbered 1k.… (100 + k, then the original number: 104.26A is copy 4's
 * 4.26A). Data model, parameters and definitions are shared, written once; the original clauses
 * stay too (decisions name them, e.g. `excludedCategory = clause 18.5`) with the default under 1.4.
 * The named installations are kept (in region R0); every example is copied into each copy with
 * `region: Rk` patched in (its `cites` dropped, as the copy's clause numbers differ), so each copy's
 * rules have examples as the corpus's do.
 *
 *   npx tsx bench/synthetic.ts [--copies K] [--out DIR]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { readVersion } from "../src/cli/build.js";
import { parseDocument, stringify } from "yaml";
import { extractWithBase } from "../src/compiler/pipeline.js";

/** A rules block cut into its top-level declarations (a declaration starts at column 0). */
function declarations(code: string): string[] {
  const out: string[] = [];
  for (const line of code.split("\n")) {
    if (/^\S/.test(line) && !line.startsWith("--")) out.push(line);
    else if (out.length > 0) out[out.length - 1] += `\n${line}`;
    else out.push(line);
  }
  return out.map((d) => d.trimEnd()).filter((d) => d.trim() !== "");
}

function versionText(sourceDir: string, copies: number, version: string): { index: string; copies: string[] } {
  const extracted = extractWithBase(readVersion(sourceDir)).version;
  const shared: string[] = [];
  const rules = new Map<string, { clause: string; text: string }>();
  const defaults: string[] = [];
  const examples: Record<string, unknown>[] = [];
  for (const block of extracted.blocks) {
    if (block.kind === "example") {
      // Named installations only, in region R0; examples are not copied.
      if (/^define:/m.test(block.code)) shared.push(`\`\`\`tmad-example\n${block.code.replace(/"cohort":/g, '"region": "R0", "cohort":').trimEnd()}\n\`\`\``);
      else examples.push(parseDocument(block.code).toJS() as Record<string, unknown>);
      continue;
    }
    const kept: string[] = [];
    for (const d of declarations(block.code)) {
      if (d.startsWith("rule ")) rules.set(/^rule (\w+)/.exec(d)![1], { clause: block.clause ?? "", text: d });
      else if (d.startsWith("default")) defaults.push(d);
      else kept.push(d.replace(/^record Installation\n/, "record Installation\n  region: Region\n"));
    }
    if (kept.length > 0) shared.push(`\`\`\`tmad\n${kept.join("\n\n")}\n\`\`\``);
  }
  const regions = Array.from({ length: copies }, (_, k) => `R${k}`);
  const names = [...rules.keys()];
  const front = `---\ndocument: SYNTHETIC\nversion: "${version}"\ntitle: A synthetic version for benchmarks\nstatus: designated\npublished: 2022-01-01\neffectiveFrom: 2022-01-01\nsource: "bench/synthetic.ts: ${copies} copies of the rules of ${extracted.id}"\nparaphrase: "Generated for benchmarks; not TMAD wording."\n---\n`;
  const clauses = extracted.clauses.map((c) => `## ${c.number} ${c.title}\n\n${c.text}\n${c.number === "1.4" ? `\n\`\`\`tmad\n${defaults.join("\n\n")}\n\`\`\`\n` : ""}`);
  const index = `${front}\n# Synthetic version: ${copies} copies of ${extracted.id}\n\n\`\`\`tmad\nenum Region\n${regions.map((r) => `  ${r}`).join("\n")}\n\`\`\`\n\n${shared.join("\n\n")}\n\n# Original clauses\n\n${clauses.join("\n")}`;
  const copyFiles = regions.map((region, k) => {
    const sections = [...rules].map(([name, r]) => {
      // The rule and the rules its precedence names become this copy's (conditions name no rules).
      let text = r.text.replace(/\b\w+\b/g, (w) => (names.includes(w) ? `${w}_c${k}` : w));
      text = text.replace(/\n  when ([\s\S]*?)\n  then /, (_m, cond: string) => `\n  when installation.region = ${region}\n   and (${cond.replace(/\n/g, "\n   ")})\n  then `);
      return `## ${100 + k}.${r.clause} Copy ${k} of ${r.clause}\n\n\`\`\`tmad\n${text}\n\`\`\`\n`;
    });
    const copied = examples.map((e) => {
      const { cites: _cites, "not-cites": _notCites, ...rest } = e;
      const patch = typeof rest.patch === "object" && rest.patch !== null ? rest.patch : {};
      const example = { ...rest, example: `${String(rest.example)} (copy ${k})`, patch: { ...patch, region } };
      return `\`\`\`tmad-example\n${stringify(example).trimEnd()}\n\`\`\`\n`;
    });
    return `# Copy ${k}\n\n${sections.join("\n")}\n## ${100 + k}.99 Examples of copy ${k}\n\n${copied.join("\n")}`;
  });
  return { index, copies: copyFiles };
}

/** Writes `synthetic-a` and `synthetic-b` under `out`; returns their paths. */
export function writeSyntheticVersions(out: string, copies: number): { a: string; b: string } {
  const dirs = { a: join(out, "synthetic-a"), b: join(out, "synthetic-b") };
  for (const [which, source, version] of [["a", "rules/tmad-20.v1", "A"], ["b", "rules/tmad-20.v2", "B"]] as const) {
    const { index, copies: files } = versionText(source, copies, version);
    mkdirSync(dirs[which], { recursive: true });
    writeFileSync(join(dirs[which], "index.md"), index);
    files.forEach((text, k) => writeFileSync(join(dirs[which], `copy-${String(k).padStart(3, "0")}.md`), text));
  }
  return dirs;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(`--${name}`);
    return i === -1 ? undefined : process.argv[i + 1];
  };
  const dirs = writeSyntheticVersions(arg("out") ?? "synthetic", Number(arg("copies") ?? "100"));
  process.stdout.write(`${dirs.a}\n${dirs.b}\n`);
}
