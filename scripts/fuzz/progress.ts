/**
 * Which case a fuzzing worker thread is on, in shared memory, so the main thread sees it even when
 * the worker is stuck in a synchronous loop or the main thread has messages queued: the case's
 * number and the wall-clock time it began (0 when between cases).
 */
export class Progress {
  static readonly BYTES = 2 * Float64Array.BYTES_PER_ELEMENT;
  private readonly slots: Float64Array;

  constructor(shared: SharedArrayBuffer) {
    this.slots = new Float64Array(shared);
  }

  begin(index: number): void {
    this.slots[0] = index;
    this.slots[1] = Date.now();
  }

  end(): void {
    this.slots[1] = 0;
  }

  /** The case under way and since when (ms since the epoch), or undefined between cases. */
  current(): { index: number; since: number } | undefined {
    const since = this.slots[1];
    return since === 0 ? undefined : { index: this.slots[0], since };
  }
}
