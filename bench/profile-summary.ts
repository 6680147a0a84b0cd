/** Self time by function (and by file) of a V8 .cpuprofile: `npx tsx bench/profile-summary.ts FILE [top]`. */
import { readFileSync } from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
const profile = JSON.parse(readFileSync(process.argv[2], "utf8")) as { nodes: Node[]; samples: number[] };
const top = Number(process.argv[3] ?? 25);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfByFn = new Map<string, number>();
for (const s of profile.samples) {
  const f = byId.get(s)!.callFrame;
  const key = `${f.functionName || "(anonymous)"} ${f.url.split("/").slice(-2).join("/")}:${f.lineNumber + 1}`;
  selfByFn.set(key, (selfByFn.get(key) ?? 0) + 1);
}
const total = profile.samples.length;
for (const [k, v] of [...selfByFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
