/**
 * CSV as the files DCC sends to Energy Suppliers need it: RFC 4180 fields (quoted when they hold a
 * comma, a quote or a line break; quotes doubled; CRLF between records) and safe to open in a
 * spreadsheet. A text value that a spreadsheet would read as a formula (`=cmd|…`, `@SUM(…)`,
 * `+…`, `-…`, or one starting with a tab or carriage return) is neutralised the way OWASP's
 * "CSV Injection" page recommends: prefixed with a single quote and quoted, so it shows as text.
 * Numbers, booleans and absent values are written as they are: they cannot carry a formula.
 */

/** Characters that make a spreadsheet treat the start of a cell as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One field: text is neutralised and quoted as needed; `null`/`undefined` is empty. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  const text = Array.isArray(value) ? value.map((v) => (v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v))).join(";") : typeof value === "object" ? JSON.stringify(value) : String(value);
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return safe !== text || /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One record: its fields joined by commas, without the line terminator. */
export function csvRow(values: readonly unknown[]): string {
  return values.map(csvField).join(",");
}

/** A whole table: header and rows, each terminated by CRLF (RFC 4180, section 2). */
export function csvTable(head: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [head, ...rows].map((r) => `${csvRow(r)}\r\n`).join("");
}
