/** Clause numbers and texts: the order a reader expects, and the hash pins and manifests record. */
import { createHash } from "node:crypto";

/** Orders `4.1`, `4.1A`, `4.26`, `18.5`, `18.13` as a reader expects. */
export function compareClauseNumbers(a: string, b: string): number {
  const split = (s: string): (number | string)[] => s.split(/(\d+)/).filter((x) => x !== "" && x !== ".").map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  const pa = split(a);
  const pb = split(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

export function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
