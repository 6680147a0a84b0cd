/**
 * Stage 1, extract: VersionSource → ExtractedVersion.
 *
 * Extracts the version and, for an amending one, its base chain (each found by id through the
 * source's lookup), then consolidates them oldest first. A base that cannot be found is TMAD1007,
 * a chain that comes back to a version already in it is TMAD1008; either way the versions found so
 * far are still consolidated, so the rest of the pipeline can report what it can.
 */
import { reporter, type Accept } from "../diagnostics/diagnostic.js";
import { fileSpan } from "../source/span.js";
import type { VersionSource } from "../source/versions.js";
import { consolidate } from "./consolidate.js";
import { extractLayer, type ExtractedLayer } from "./markdown.js";
import type { ExtractedVersion, VersionLayer } from "./version.js";

/** The chain of `source`, newest first: the version itself, its base, its base's base… */
export function chainOf(source: VersionSource, accept: Accept): { source: VersionSource; layer: ExtractedLayer }[] {
  const report = reporter(accept);
  const chain = [{ source, layer: extractLayer(source, accept) }];
  for (;;) {
    const { source: current, layer } = chain[chain.length - 1];
    const base = layer.meta?.base;
    if (base === undefined) break;
    const at = fileSpan(layer.files[0]?.path ?? layer.dir);
    if (chain.some((c) => c.source.id === base)) {
      report("TMAD1008", at, `base chain is circular: ${[...chain.map((c) => c.source.id), base].join(" → ")}`, "a version's base must be an older version; remove `base` from one of them");
      break;
    }
    const found = current.base?.(base) ?? { missing: `base version ${base} not found` };
    if ("missing" in found) {
      report("TMAD1007", at, found.missing, "`base` names the directory of the amended version by its id, beside this one or under rules/");
      break;
    }
    chain.push({ source: found, layer: extractLayer(found, accept) });
  }
  return chain;
}

export function extractVersion(source: VersionSource, accept: Accept): ExtractedVersion {
  const report = reporter(accept);
  const chain = chainOf(source, accept).reverse();
  const layerOf = (c: { source: VersionSource; layer: ExtractedLayer }): VersionLayer => ({
    id: c.layer.id,
    dir: c.layer.dir,
    ...(c.layer.meta === undefined ? {} : { meta: c.layer.meta }),
    source: c.source,
  });
  const [oldest, ...newer] = chain;
  // The oldest version found is taken whole, even when it names a base that could not be read.
  let version: ExtractedVersion = {
    id: oldest.layer.id,
    dir: oldest.layer.dir,
    ...(oldest.layer.meta === undefined ? {} : { meta: oldest.layer.meta }),
    clauses: oldest.layer.clauses,
    blocks: oldest.layer.blocks,
    files: oldest.layer.files,
    layers: [layerOf(oldest)],
  };
  for (const c of newer) version = consolidate(c.layer, layerOf(c), version, report);
  return source.pins === undefined ? version : { ...version, pins: source.pins };
}
