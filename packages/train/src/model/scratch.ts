// Reusable buffers (llm.c's habit of allocating once and reusing), two kinds:
// - `get(name, length)`: named scratch for temporaries that never outlive the call asking for it;
// - `acquire(length)` / `release(buffer)`: a pool for context buffers, taken by a saving forward
//   and given back when the backward has consumed them (or at once by a forward that keeps
//   nothing), so a steady-state step of one batch shape allocates none of them anew while the
//   live set stays what the checkpoint schedule holds.

/** Named scratch buffers and a pool of buffers by length. */
export class Scratch {
  private readonly buffers = new Map<string, Float32Array>();
  private readonly pool = new Map<number, Float32Array[]>();
  /** Buffers this object has allocated (named and pooled): flat in a steady state. */
  allocations = 0;
  /** Bytes of pooled buffers handed out and not yet given back: the live activations. */
  liveBytes = 0;
  /** The most `liveBytes` reached since the last {@link resetPeak}: a measured activation peak. */
  peakLiveBytes = 0;

  /** A `[length]` buffer from the pool (contents undefined: callers overwrite it). */
  acquire(length: number): Float32Array {
    this.liveBytes += 4 * length;
    if (this.liveBytes > this.peakLiveBytes) this.peakLiveBytes = this.liveBytes;
    const free = this.pool.get(length);
    if (free && free.length > 0) return free.pop() as Float32Array;
    this.allocations++;
    return new Float32Array(length);
  }

  /** Starts a new peak measurement from what is live now. */
  resetPeak(): void {
    this.peakLiveBytes = this.liveBytes;
  }

  /** Gives buffers back to the pool; they must not be used afterwards. */
  release(...buffers: Float32Array[]): void {
    for (const b of buffers) {
      this.liveBytes -= b.byteLength;
      let free = this.pool.get(b.length);
      if (!free) this.pool.set(b.length, (free = []));
      free.push(b);
    }
  }

  /** A zeroed `[length]` view of the buffer `name` (valid until the next `get` of that name). */
  get(name: string, length: number): Float32Array {
    let b = this.buffers.get(name);
    if (!b || b.length < length) {
      this.allocations++;
      b = new Float32Array(length);
      this.buffers.set(name, b);
      return b;
    }
    const view = b.subarray(0, length);
    view.fill(0);
    return view;
  }

  /** Drops every buffer held (named and pooled); the next requests allocate anew. */
  clear(): void {
    this.buffers.clear();
    this.pool.clear();
  }
}
