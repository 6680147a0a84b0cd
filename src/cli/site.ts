/**
 * `tmad site [rules-dir…] [--out DIR] [--force]`: builds the static site and writes it through the
 * shared output-folder guard (a new or empty folder, or with --force one an earlier `tmad site`
 * wrote; files it did not write are never touched). Prints each file's size: the page weights.
 */
import { formatDiagnostic, summarize } from "../compiler/diagnostics/diagnostic.js";
import { buildSite } from "../site/index.js";
import { versionDirs } from "./build.js";
import { OutputDir } from "./output-dir.js";
import { cliIo } from "./io.js";

function kB(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} kB`;
}

export async function runSite(args: readonly string[], values: Record<string, unknown>): Promise<number> {
  const out = (values.out as string | undefined) ?? "site";
  const force = values.force === true;
  const dirs = versionDirs(args);
  // Refuse an unusable folder before the long part, and only then build.
  const folder = OutputDir.open(out, "site", force);
  const quiet = values.quiet === true;
  let result: Awaited<ReturnType<typeof buildSite>>;
  try {
    result = await buildSite({ dirs, comparisons: values["no-comparisons"] !== true, progress: (m) => (quiet ? undefined : cliIo().stderr.write(`tmad site: ${m}…\n`)) });
    for (const d of result.diagnostics) cliIo().stderr.write(`${formatDiagnostic(d)}\n`);
    if (result.files === undefined) {
      cliIo().stderr.write(`tmad site: ${summarize(result.diagnostics)}; nothing written\n`);
      folder.discard();
      return 1;
    }
    for (const f of result.files) folder.write(f.path, f.content);
  } catch (e) {
    folder.discard();
    throw e;
  }
  folder.commit();
  const width = Math.max(...result.files.map((f) => f.path.length));
  let total = 0;
  for (const f of result.files) {
    const bytes = Buffer.byteLength(f.content, "utf8");
    total += bytes;
    cliIo().stdout.write(`  ${f.path.padEnd(width)}  ${String(bytes).padStart(8)} bytes  ${kB(bytes).padStart(9)}\n`);
  }
  cliIo().stdout.write(`tmad site: ${result.files.length} files, ${kB(total)}, written to ${out}; open ${out}/index.html\n`);
  return 0;
}
