/**
 * Consolidation: an amending version's own layer applied to its (already consolidated) base. A
 * clause of the amendment with a base clause's number substitutes it whole (text, rule and example
 * blocks), a new number inserts one, `repeals` removes one; everything else is inherited. Blocks
 * outside any clause (the data model, named example installations) are inherited and added to;
 * declarations in them that replace or extend the base's are the checker's concern (check/amend).
 */
import { type Report } from "../diagnostics/diagnostic.js";
import { fileSpan } from "../source/span.js";
import type { ExtractedLayer } from "./markdown.js";
import type { ExtractedVersion, VersionLayer } from "./version.js";

export function consolidate(amending: ExtractedLayer, layer: VersionLayer, base: ExtractedVersion, report: Report): ExtractedVersion {
  const own = amending.meta;
  // Reporting settings are inherited like the data model is.
  const meta =
    own === undefined
      ? own
      : {
          ...own,
          ...(own.reportBy === undefined && base.meta?.reportBy !== undefined ? { reportBy: base.meta.reportBy } : {}),
          ...(own.reportOmit === undefined && base.meta?.reportOmit !== undefined ? { reportOmit: base.meta.reportOmit } : {}),
          ...(own.reportColumns === undefined && base.meta?.reportColumns !== undefined ? { reportColumns: base.meta.reportColumns } : {}),
        };
  const span = amending.clauses[0]?.span ?? fileSpan(amending.files[0]?.path ?? amending.dir);
  const baseNumbers = new Set(base.clauses.map((c) => c.number));
  const repealed = [...(meta?.repeals ?? [])];
  for (const r of repealed) {
    if (!baseNumbers.has(r)) report("TMAD1006", span, `clause ${r} is repealed but ${base.id} has no such clause`, "list only clauses of the base version in `repeals`");
  }
  const ownNumbers = new Set(amending.clauses.map((c) => c.number));
  for (const c of amending.clauses) {
    if (repealed.includes(c.number)) report("TMAD1006", c.span, `clause ${c.number} is both repealed and given a new text`, "remove it from `repeals`, or remove the heading");
  }
  const substituted = amending.clauses.filter((c) => baseNumbers.has(c.number)).map((c) => c.number);
  const inserted = amending.clauses.filter((c) => !baseNumbers.has(c.number)).map((c) => c.number);
  const dropped = new Set([...ownNumbers, ...repealed]);
  return {
    id: amending.id,
    dir: amending.dir,
    ...(meta === undefined ? {} : { meta }),
    clauses: [...base.clauses.filter((c) => !dropped.has(c.number)), ...amending.clauses],
    blocks: [...base.blocks.filter((b) => b.clause === undefined || !dropped.has(b.clause)), ...amending.blocks],
    files: [...base.files, ...amending.files],
    amendment: { base: base.id, inserted, substituted, repealed },
    layers: [...base.layers, layer],
  };
}
