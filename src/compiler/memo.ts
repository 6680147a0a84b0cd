/**
 * A memo by string key that forgets its oldest entries past `limit`: for what long-running processes
 * (the language server, `build --watch`) would otherwise keep forever, such as parses by file text.
 */
export class Memo<V> {
  private readonly entries = new Map<string, V>();
  constructor(private readonly limit: number) {}

  get(key: string, make: () => V): V {
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;
    const value = make();
    this.entries.set(key, value);
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }
}
