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

/**
 * By name (with an optional as-of date: a named version, facts cut at that date) or by date (the
 * designated version in force on it, facts cut at it).
 */
export type VersionSelector = { readonly version: string; readonly asOf?: string | null } | { readonly asOf: string };

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** Why `asOf` is not a calendar date (YYYY-MM-DD), or undefined when it is one. */
export function asOfProblem(asOf: string): string | undefined {
  if (isCalendarDate(asOf)) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(asOf);
  if (m === null) return `as-of date "${asOf}" is not a date: write YYYY-MM-DD, e.g. 2022-06-11`;
  const [year, month] = [Number(m[1]), Number(m[2])];
  if (month < 1 || month > 12) return `as-of date "${asOf}" is not a calendar date: there is no month ${m[2]}`;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return `as-of date "${asOf}" is not a calendar date: ${MONTHS[month - 1]} ${m[1]} has ${days} days`;
}

export class VersionSelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VersionSelectionError";
  }
}

export function selectVersion(entries: readonly VersionEntry[], selector: VersionSelector): VersionEntry {
  const asOf = selector.asOf ?? undefined;
  const problem = asOf === undefined ? undefined : asOfProblem(asOf);
  if (problem !== undefined) throw new VersionSelectionError(problem);
  if ("version" in selector) {
    const want = selector.version;
    const found = entries.find((e) => e.id === want || e.version === want || e.id === `tmad-${want}`);
    if (found === undefined) throw new VersionSelectionError(`no version "${want}"; known: ${entries.map((e) => e.id).join(", ") || "none"}`);
    return found;
  }
  const inForce = entries
    .filter((e) => e.status === "designated" && e.effectiveFrom !== undefined && e.effectiveFrom <= selector.asOf)
    .sort((a, b) => (a.effectiveFrom! < b.effectiveFrom! ? 1 : a.effectiveFrom! > b.effectiveFrom! ? -1 : 0));
  if (inForce.length === 0) throw new VersionSelectionError(`no designated version is in force on ${selector.asOf}`);
  return inForce[0];
}
