/**
 * Bundles the extension for packaging (`npm run vsix`): the client (CommonJS, as VS Code loads
 * extensions) and the language server with its analysis worker (ES modules, the compiler included),
 * into editors/vscode/dist/. Nothing is downloaded.
 */
import { build, type BuildOptions } from "esbuild";
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(here, "dist");
rmSync(out, { recursive: true, force: true });

const common: BuildOptions = { bundle: true, platform: "node", target: "node20", minify: true, legalComments: "none", logLevel: "warning" };
// CommonJS packages inside an ES module bundle (TypeScript, via ts-morph) still use require(),
// __filename and __dirname: give them those.
const shim = [
  'import { createRequire as __tmadRequire } from "node:module";',
  'import { fileURLToPath as __tmadPath } from "node:url";',
  'import { dirname as __tmadDirname } from "node:path";',
  "const require = __tmadRequire(import.meta.url);",
  "const __filename = __tmadPath(import.meta.url);",
  "const __dirname = __tmadDirname(__filename);",
].join(" ");
const esm: BuildOptions = { ...common, format: "esm", outExtension: { ".js": ".mjs" }, banner: { js: shim } };

await build({ ...common, format: "cjs", entryPoints: [join(here, "src/extension.ts")], outfile: join(out, "extension.js"), external: ["vscode"] });
await build({ ...esm, splitting: true, chunkNames: "chunks/[name]-[hash]", entryPoints: { server: join(here, "src/server.ts"), "analysis-worker": join(here, "../../src/lsp/analysis-worker.ts") }, outdir: out });
process.stdout.write(`bundled into ${out}\n`);
