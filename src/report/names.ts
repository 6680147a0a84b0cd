/**
 * File names from suppliers' names, which are data and may hold anything (`../..`, `A/B`, `CON`,
 * control characters, a thousand characters): each becomes a short lower-case slug of letters,
 * digits and hyphens, never a path; names that slug alike get distinct folders (`-2`, `-3`, … in a
 * stable order). Takes the names; gives the folder name of each.
 */

/** Names Windows reserves for devices, whatever the extension. */
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/;

export function slug(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .toLowerCase()
    .slice(0, 60)
    .replace(/-+$/, "");
  if (base === "") return "unnamed";
  return RESERVED.test(base) ? `${base}-supplier` : base;
}

/** A distinct folder name for each name, assigned in the order given (sort the names first for a stable result). */
export function folderNames(names: readonly string[]): Map<string, string> {
  const used = new Set<string>();
  const out = new Map<string, string>();
  for (const name of names) {
    const base = slug(name);
    let candidate = base;
    for (let i = 2; used.has(candidate); i++) candidate = `${base}-${i}`;
    used.add(candidate);
    out.set(name, candidate);
  }
  return out;
}
