/**
 * Front matter: the YAML block at the top of a version's `index.md` → VersionMeta. Takes the mdast
 * `yaml` node and its file; gives the metadata, or undefined when a field is missing or invalid
 * (each problem reported, TMAD1001 / TMAD1002).
 */
import type { Yaml } from "mdast";
import { parse as parseYaml } from "yaml";
import { type Report } from "../diagnostics/diagnostic.js";
import { VERSION_ID } from "../source/versions.js";
import type { Span } from "../source/span.js";
import type { ReportDimension, VersionMeta, VersionStatus } from "./version.js";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const REQUIRED_META = ["document", "version", "status", "published", "source", "paraphrase"] as const;

export function readFrontMatter(node: Yaml, span: Span, report: Report): VersionMeta | undefined {
  let data: unknown;
  try {
    // `yaml` keeps dates as strings by default (core schema), which is what we want.
    data = parseYaml(node.value);
  } catch (e) {
    report("TMAD1001", span, `front matter is not valid YAML: ${(e as Error).message.split("\n")[0]}`, "check indentation and quoting of the YAML block");
    return undefined;
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    report("TMAD1001", span, "front matter must be a YAML mapping", "write `key: value` lines between the --- fences");
    return undefined;
  }
  const record = data as Record<string, unknown>;
  let ok = true;
  const text = (key: string): string | undefined => {
    const v = record[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === "string" || typeof v === "number") return String(v);
    report("TMAD1002", span, `front matter field \`${key}\` must be text`, `write ${key}: "…"`);
    ok = false;
    return undefined;
  };
  for (const key of REQUIRED_META) {
    if (text(key) === undefined) {
      report("TMAD1002", span, `front matter lacks \`${key}\``, `add a line \`${key}: …\` to the front matter`);
      ok = false;
    }
  }
  const status = text("status");
  if (status !== undefined && status !== "draft" && status !== "designated") {
    report("TMAD1002", span, `front matter \`status\` is "${status}"; expected draft or designated`, "write status: draft or status: designated");
    ok = false;
  }
  for (const key of ["published", "effectiveFrom"]) {
    const v = text(key);
    if (v !== undefined && (!ISO_DATE.test(v) || Number.isNaN(Date.parse(v)))) {
      report("TMAD1002", span, `front matter \`${key}\` is "${v}"; expected an ISO date`, `write ${key}: YYYY-MM-DD`);
      ok = false;
    }
  }
  if (status === "designated" && text("effectiveFrom") === undefined) {
    report("TMAD1002", span, "a designated version needs `effectiveFrom`", "add effectiveFrom: YYYY-MM-DD, the date it came into force");
    ok = false;
  }
  let repeals: string[] | undefined;
  const rawRepeals = record["repeals"];
  if (rawRepeals !== undefined && rawRepeals !== null) {
    if (!Array.isArray(rawRepeals) || rawRepeals.some((r) => typeof r !== "string" && typeof r !== "number")) {
      report("TMAD1002", span, "front matter `repeals` must be a list of clause numbers", 'write repeals: ["18.5"]');
      ok = false;
    } else repeals = rawRepeals.map(String);
  }
  const dimensions = (key: string, example: string): ReportDimension[] | undefined => {
    const raw = record[key];
    if (raw === undefined || raw === null) return undefined;
    const PATH = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/;
    if (Array.isArray(raw) && raw.every((r) => typeof r === "string" && PATH.test(r))) return raw.map((path: string) => ({ name: path, path }));
    if (typeof raw === "object" && !Array.isArray(raw) && Object.values(raw).every((r) => typeof r === "string" && PATH.test(r))) {
      return Object.entries(raw as Record<string, string>).map(([name, path]) => ({ name, path }));
    }
    report("TMAD1002", span, `front matter \`${key}\` must list fact paths, or map names to fact paths`, `write ${key}: ${example}`);
    ok = false;
    return undefined;
  };
  const reportBy = dimensions("reportBy", "{ cohort: cohort, supplier: responsibleSupplier.name }");
  const reportColumns = dimensions("reportColumns", "{ MPAN: mpan, GroupID: groupId }");
  let reportOmit: string[] | undefined;
  const rawOmit = record["reportOmit"];
  if (rawOmit !== undefined && rawOmit !== null) {
    if (!Array.isArray(rawOmit) || rawOmit.some((r) => typeof r !== "string")) {
      report("TMAD1002", span, "front matter `reportOmit` must be a list of outcomes", "write reportOmit: [MIGRATE]");
      ok = false;
    } else reportOmit = rawOmit as string[];
  }
  const base = text("base");
  if (base !== undefined && !VERSION_ID.test(base)) {
    report("TMAD1002", span, `front matter \`base\` is "${base}": a base is named by its version id, not by a path`, "write base: <the directory name of the amended version>, e.g. base: tmad-20.v1; it is looked up beside this version and under rules/");
    ok = false;
  }
  if (repeals !== undefined && record["base"] === undefined) {
    report("TMAD1002", span, "`repeals` needs `base`: only an amending version can repeal clauses", "add base: <directory of the version amended>");
    ok = false;
  }
  if (!ok) return undefined;
  const optional = (key: string): Record<string, string> => {
    const v = text(key);
    return v === undefined ? {} : { [key]: v };
  };
  return {
    document: text("document")!,
    version: text("version")!,
    status: status as VersionStatus,
    published: text("published")!,
    source: text("source")!,
    paraphrase: text("paraphrase")!,
    ...optional("title"),
    ...optional("effectiveFrom"),
    ...optional("amends"),
    ...optional("base"),
    ...(repeals === undefined ? {} : { repeals }),
    ...(reportBy === undefined ? {} : { reportBy }),
    ...(reportOmit === undefined ? {} : { reportOmit }),
    ...(reportColumns === undefined ? {} : { reportColumns }),
  };
}

