/** The extract stage: Markdown version directories → ExtractedVersion (see extract.ts). */
export { extractVersion, chainOf } from "./extract.js";
export { extractDocument, extractLayer, type ExtractedLayer } from "./markdown.js";
export { compareClauseNumbers, sha256 } from "./clauses.js";
export type { ClauseNote } from "./notes.js";
export type { Amendment, BlockKind, Clause, ExtractedVersion, ReportDimension, RuleBlock, SourceFile, VersionLayer, VersionMeta, VersionStatus } from "./version.js";
