/**
 * What sets a witness apart from where the search started: (baseline, record) → the few facts that
 * differ, for people (`cohort: MOC_MDS → MOC_SECURE`, `devices[1].firmwareAttempts: 2 items → []`).
 * A list whose length changed is one fact; a list of the same length is compared element by element.
 */

export interface FactChange {
  readonly path: string;
  readonly old: string;
  readonly new: string;
}

function show(v: unknown): string {
  if (v === undefined || v === null) return "absent";
  if (Array.isArray(v)) return v.length === 0 ? "[]" : `${v.length} item${v.length === 1 ? "" : "s"}`;
  if (typeof v === "object") return "{…}";
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** Summarises a list for people: its length, and the values its elements share (`69 × {outcome: FAILED}`). */
function showList(v: readonly unknown[]): string {
  if (v.length === 0) return "[]";
  const first = v[0];
  if (first === null || typeof first !== "object" || Array.isArray(first)) return `[${v.map(show).join(", ")}]`.slice(0, 120);
  const shared = Object.entries(first as Record<string, unknown>).filter(([k, x]) => (typeof x === "string" && !/^\d{4}-\d{2}-\d{2}/.test(x)) || typeof x === "boolean" ? v.every((e) => (e as Record<string, unknown>)[k] === x) : false);
  const dates = Object.entries(first as Record<string, unknown>).find(([, x]) => typeof x === "string" && /^\d{4}-\d{2}-\d{2}/.test(x));
  let span = "";
  if (dates !== undefined && v.length > 1) {
    const ts = v.map((e) => Date.parse(String((e as Record<string, unknown>)[dates[0]]))).filter((t) => Number.isFinite(t));
    if (ts.length > 1) span = ` over ${((Math.max(...ts) - Math.min(...ts)) / 86_400_000).toFixed(1).replace(/\.0$/, "")} days`;
  }
  return `${v.length} ${shared.length === 0 ? `item${v.length === 1 ? "" : "s"}` : `× {${shared.map(([k, x]) => `${k}: ${show(x)}`).join(", ")}}`}${span}`;
}

export function factChanges(base: unknown, record: unknown, path = ""): FactChange[] {
  if (Object.is(base, record)) return [];
  const here = path === "" ? "(record)" : path;
  if (Array.isArray(base) && Array.isArray(record)) {
    if (base.length !== record.length) return [{ path: here, old: showList(base), new: showList(record) }];
    return base.flatMap((x, i) => factChanges(x, record[i], `${path}[${i}]`));
  }
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
  if (isObject(base) && isObject(record)) {
    const keys = [...new Set([...Object.keys(base), ...Object.keys(record)])];
    return keys.flatMap((k) => factChanges(base[k], record[k], path === "" ? k : `${path}.${k}`));
  }
  if ((base === null || base === undefined) && (record === null || record === undefined)) return [];
  if (JSON.stringify(base) === JSON.stringify(record)) return [];
  return [{ path: here, old: Array.isArray(base) ? showList(base) : show(base), new: Array.isArray(record) ? showList(record) : show(record) }];
}

/** `path: old → new`, one line per fact. */
export function describeFactChange(c: FactChange): string {
  return `${c.path}: ${c.old} → ${c.new}`;
}
