/**
 * Choosing a version: by its id (`tmad-20.v2`) or number (`20.v2`), or by date, which picks the
 * designated version in force on that date. Drafts are used only when named.
 */
import { isCalendarDate } from "./values.js";
import type { VersionModule } from "./version.js";

export interface VersionEntry {
  readonly id: string;
  readonly version: string;
  readonly status: "draft" | "designated";
  readonly published: string;
  readonly effectiveFrom?: string;
  load(): Promise<VersionModule<any, any>>;
}

export type VersionSelector = { readonly version: string } | { readonly asOf: string };

export class VersionSelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VersionSelectionError";
  }
}

export function selectVersion(entries: readonly VersionEntry[], selector: VersionSelector): VersionEntry {
  if ("version" in selector) {
    const want = selector.version;
    const found = entries.find((e) => e.id === want || e.version === want || e.id === `tmad-${want}`);
    if (found === undefined) throw new VersionSelectionError(`no version "${want}"; known: ${entries.map((e) => e.id).join(", ") || "none"}`);
    return found;
  }
  const asOf = selector.asOf;
  if (!isCalendarDate(asOf)) throw new VersionSelectionError(`--as-of "${asOf}" is not a calendar date (YYYY-MM-DD)`);
  const inForce = entries
    .filter((e) => e.status === "designated" && e.effectiveFrom !== undefined && e.effectiveFrom <= asOf)
    .sort((a, b) => (a.effectiveFrom! < b.effectiveFrom! ? 1 : a.effectiveFrom! > b.effectiveFrom! ? -1 : 0));
  if (inForce.length === 0) throw new VersionSelectionError(`no designated version is in force on ${asOf}`);
  return inForce[0];
}
