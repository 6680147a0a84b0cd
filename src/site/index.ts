/**
 * `tmad site`: the TMAD as a static web site (version pages, comparisons, a decision explorer).
 */
export { buildSite, type SiteFile, type SiteOptions, type SiteResult } from "./build.js";
