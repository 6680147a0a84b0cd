/** Check pass "unused": definitions and parameters nothing uses (TMAD3013, a warning). */
import { type Report } from "../diagnostics/diagnostic.js";
import type { Symbols } from "./collect.js";

/** `used` holds `definition x` / `parameter y` for every declaration an expression refers to. */
export function reportUnused(s: Symbols, used: ReadonlySet<string>, report: Report): void {
  for (const d of s.definitions.values()) {
    if (d.recovered !== true && !used.has(`definition ${d.name.text}`)) report("TMAD3013", d.name.span, `definition \`${d.name.text}\` is never used`, "use it in a rule, or remove it");
  }
  for (const p of s.parameters.values()) {
    if (p.recovered !== true && !used.has(`parameter ${p.name.text}`)) report("TMAD3013", p.name.span, `parameter \`${p.name.text}\` is never used`, "use it in a definition or rule, or remove it");
  }
}
