/**
 * `tmad site` as a library: version directories → the files of a static site, in memory.
 *
 * Takes the directories (each read with its base chain); gives every page and asset with its
 * site-relative path, sorted: index.html, one page per version, one comparison page per consecutive
 * pair of versions, explorer.html, assets/site.css, assets/explorer.js and one evaluator script per
 * version under assets/versions/. Nothing in the output depends on the time, the machine or the
 * order of the directories given, so the same rules give the same bytes. A version with errors
 * gives its diagnostics and no files.
 */
import type { Diagnostic } from "../compiler/diagnostics/diagnostic.js";
import { bundleEvaluator, bundleExplorer, packageRoot } from "./bundle.js";
import { compareSiteVersions, type SiteComparison } from "./comparison.js";
import { comparisonPage, EXPLORER_PAGE, STYLESHEET, versionPage } from "./html.js";
import { comparisonPageHtml } from "./pages/comparison-page.js";
import { explorerPageHtml, homePageHtml, type ExplorerVersion } from "./pages/home-page.js";
import { versionPageHtml } from "./pages/version-page.js";
import { SITE_CSS } from "./style.js";
import { consecutivePairs, loadSiteVersion, orderVersions, type SiteVersion } from "./versions.js";

export interface SiteFile {
  /** `/`-separated, relative to the site's folder. */
  readonly path: string;
  readonly content: string;
}

export interface SiteOptions {
  /** Version directories (each with its base chain beside it). */
  readonly dirs: readonly string[];
  /** Build the comparison pages (the diff's witness search takes most of the time). Default true. */
  readonly comparisons?: boolean;
  /** Told what is being done, for a progress line. */
  readonly progress?: (message: string) => void;
}

export interface SiteResult {
  /** Absent when a version has errors. */
  readonly files?: readonly SiteFile[];
  readonly diagnostics: readonly Diagnostic[];
}

export const EXPLORER_SCRIPT = "assets/explorer.js";

function evaluatorScript(id: string): string {
  return `assets/versions/${id}.js`;
}

export async function buildSite(options: SiteOptions): Promise<SiteResult> {
  const say = options.progress ?? (() => undefined);
  const loaded: SiteVersion[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const dir of options.dirs) {
    say(`compiling and testing ${dir}`);
    const r = loadSiteVersion(dir);
    diagnostics.push(...r.diagnostics);
    if (r.version !== undefined) loaded.push(r.version);
  }
  if (loaded.length !== options.dirs.length) return { diagnostics };
  const ids = new Set<string>();
  for (const v of loaded) {
    if (ids.has(v.id)) throw new Error(`two version directories are both called ${v.id}; a site needs distinct names`);
    ids.add(v.id);
  }
  const versions = orderVersions(loaded);
  const comparisons: SiteComparison[] = [];
  if (options.comparisons !== false) {
    for (const [a, b] of consecutivePairs(versions)) {
      say(`comparing ${a.id} with ${b.id}`);
      comparisons.push(compareSiteVersions(a, b));
    }
  }
  say("bundling the explorer");
  const root = packageRoot();
  const entries: ExplorerVersion[] = versions.map((v) => ({
    id: v.id,
    version: v.meta.version,
    status: v.meta.status,
    published: v.meta.published,
    ...(v.meta.effectiveFrom === undefined ? {} : { effectiveFrom: v.meta.effectiveFrom }),
    page: versionPage(v.id),
    script: evaluatorScript(v.id),
  }));
  const files: SiteFile[] = [
    { path: "index.html", content: homePageHtml(versions, comparisons) },
    { path: EXPLORER_PAGE, content: explorerPageHtml(versions, entries, EXPLORER_SCRIPT) },
    { path: STYLESHEET, content: SITE_CSS },
    { path: EXPLORER_SCRIPT, content: await bundleExplorer(root) },
    ...versions.map((v) => ({ path: versionPage(v.id), content: versionPageHtml(v, ids, comparisons) })),
    ...comparisons.map((c) => ({ path: comparisonPage(c.from, c.to), content: comparisonPageHtml(c, versions.find((v) => v.id === c.from)!, versions.find((v) => v.id === c.to)!) })),
  ];
  for (const v of versions) files.push({ path: evaluatorScript(v.id), content: await bundleEvaluator(v.id, v.evaluator, root) });
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, diagnostics };
}
