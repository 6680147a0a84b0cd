/**
 * The explorer's scripts, bundled with esbuild: the explorer itself (src/site/explorer/app.ts with
 * the runtime, the CLI's record reading and the explanation renderer), and one script per version
 * holding its generated evaluator, which registers itself when the explorer loads it. Classic
 * scripts (IIFE), minified, so they run from file:// where browsers refuse module scripts.
 *
 * Always bundled from the TypeScript sources of this repository (found from this module's place),
 * whether tmad runs from dist/ or from src/, so the same inputs give the same bytes either way.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type BuildOptions, type Plugin } from "esbuild";

/** The repository root: the nearest folder above this module with tmad's package.json and sources. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && existsSync(join(dir, "src", "site", "explorer", "app.ts"))) {
      try {
        if ((JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "tmad") return dir;
      } catch {
        // not ours; keep looking
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error("tmad site needs the repository's sources (src/site/explorer/app.ts) to bundle the explorer, and did not find them above this module");
    dir = up;
  }
}

const COMMON: BuildOptions = {
  bundle: true,
  write: false,
  format: "iife",
  platform: "browser",
  target: ["es2020"],
  minify: true,
  legalComments: "none",
  charset: "utf8",
  logLevel: "silent",
};

/**
 * The explorer reads records with the CLI's parser, whose module also reads files in Node: in the
 * browser those functions are never called, so `node:` imports resolve to an empty module.
 */
const nodeShim: Plugin = {
  name: "tmad-node-shim",
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: "tmad-node-shim" }));
    b.onLoad({ filter: /.*/, namespace: "tmad-node-shim" }, () => ({ contents: "module.exports = {};", loader: "js" }));
  },
};

async function output(options: BuildOptions): Promise<string> {
  const result = await build({ ...COMMON, ...options });
  const file = result.outputFiles?.[0];
  if (file === undefined) throw new Error("internal: esbuild produced no output");
  return file.text;
}

/** The explorer's script. */
export async function bundleExplorer(root: string = packageRoot()): Promise<string> {
  return output({ entryPoints: [join(root, "src", "site", "explorer", "app.ts")], absWorkingDir: root, plugins: [nodeShim] });
}

const GENERATED = "tmad-generated";

/**
 * One version's evaluator as a script that registers the version module under its id. `files` are
 * the generated TypeScript files (`<id>/index.ts`, `manifest.ts`, `model.ts`, `rules.ts`), taken in
 * memory, as the compiler produced them.
 */
export async function bundleEvaluator(id: string, files: readonly { path: string; content: string }[], root: string = packageRoot()): Promise<string> {
  const byName = new Map(files.map((f) => [f.path.split("/").pop()!, f.content]));
  const runtime = join(root, "src", "runtime", "index.ts");
  const generated: Plugin = {
    name: "tmad-generated",
    setup(b) {
      b.onResolve({ filter: /^tmad-generated:/ }, (args) => ({ path: args.path.slice(GENERATED.length + 1), namespace: GENERATED }));
      b.onResolve({ filter: /.*/, namespace: GENERATED }, (args) => {
        if (args.path.endsWith("/src/runtime/index.js")) return { path: runtime };
        if (args.path.startsWith("./")) return { path: args.path.slice(2).replace(/\.js$/, ".ts"), namespace: GENERATED };
        return { errors: [{ text: `generated code imports ${args.path}, which is neither the runtime nor a generated file` }] };
      });
      b.onLoad({ filter: /.*/, namespace: GENERATED }, (args) => {
        const contents = byName.get(args.path);
        return contents === undefined ? { errors: [{ text: `no generated file ${args.path}` }] } : { contents, loader: "ts" };
      });
    },
  };
  const entry = `import { version } from "tmad-generated:index.ts";
const registry = (globalThis.tmadVersions ??= {});
registry[${JSON.stringify(id)}] = version;
`;
  return output({ stdin: { contents: entry, loader: "js", resolveDir: root, sourcefile: `${id}.js` }, absWorkingDir: root, plugins: [generated] });
}
