/**
 * Generated versions type-checked together in one TypeScript program, instead of one program each:
 * a program with the ES2022 library and the runtime costs about half a CPU-second to set up, the
 * code of a small version a few milliseconds. A test file adds each version it builds and checks
 * them all in its last test. Each version keeps its own folder (renamed `<id>~<n>`, so that two
 * versions with the same id stay apart; their imports are relative and one level deep, as in
 * generated/), so versions do not see each other, and each error names the test that built it.
 */
import type { GeneratedFile } from "../../src/compiler/generate/index.js";
import { typeCheckGenerated } from "../../src/compiler/typecheck.js";

export class TypeCheckBatch {
  private readonly versions: { label: string; files: readonly GeneratedFile[] }[] = [];

  /** Adds a version's generated files; `label` says where it came from (the test's name). */
  add(label: string, files: readonly GeneratedFile[]): void {
    this.versions.push({ label, files });
  }

  get size(): number {
    return this.versions.length;
  }

  /** TypeScript's errors, each as `label: path:line: message`; empty when every version compiles. */
  check(): string[] {
    const owner = new Map<string, string>();
    const files = this.versions.flatMap((v, n) =>
      v.files.map((f) => {
        const slash = f.path.indexOf("/");
        if (slash < 0 || f.path.indexOf("/", slash + 1) >= 0) throw new Error(`expected <version>/<file>, got ${f.path}`);
        const folder = `${f.path.slice(0, slash)}~${n}`;
        owner.set(folder, v.label);
        return { ...f, path: `${folder}${f.path.slice(slash)}` };
      }),
    );
    return typeCheckGenerated(files).map((e) => `${owner.get(e.slice(0, e.indexOf("/"))) ?? "?"}: ${e}`);
  }
}
