// Reusable buffers (llm.c's habit of allocating once and reusing), two kinds:
// - `get(name, length)`: named scratch for temporaries that never outlive the call asking for it;
// - `acquire(length)` / `release(buffer)`: a pool for context buffers, taken by a saving forward
//   and given back when the backward has consumed them (or at once by a forward that keeps
//   nothing), so a steady-state step of one batch shape allocates none of them anew while the
//   live set stays what the checkpoint schedule holds.
// Buffers come from an allocator when one is given: a backend's `allocate` (the wasm one's are
// views on its WebAssembly memory, which its kernels use in place, with no copy in or out).

/** Where a {@link Scratch} takes its buffers from and gives them back (`Backend.allocate`/`free`). */
export interface ScratchAllocator {
  /** `length` zeros. */
  allocate(length: number): Float32Array;
  /** Gives back an array from `allocate`. */
  free?(array: Float32Array): void;
}

/**
 * `backend` as a {@link ScratchAllocator} when it has an `allocate` (a `@kairos/lora` Backend
 * may; the naive test backends do not), else undefined.
 */
export function allocatorOf(backend: object): ScratchAllocator | undefined {
  return "allocate" in backend && typeof backend.allocate === "function"
    ? (backend as ScratchAllocator)
    : undefined;
}

/** Named scratch buffers and a pool of buffers by length. */
export class Scratch {
  private readonly buffers = new Map<string, Float32Array>();
  private readonly pool = new Map<number, Float32Array[]>();
  /** Every buffer allocated and not yet freed, to give back on {@link clear}. */
  private readonly owned = new Set<Float32Array>();
  /** Buffers this object has allocated (named and pooled): flat in a steady state. */
  allocations = 0;
  /** Bytes of pooled buffers handed out and not yet given back: the live activations. */
  liveBytes = 0;
  /** The most `liveBytes` reached since the last {@link resetPeak}: a measured activation peak. */
  peakLiveBytes = 0;

  /**
   * @param allocator where buffers come from (default `new Float32Array`), e.g. a backend:
   *   `new Scratch(allocatorOf(backend))`.
   */
  constructor(private readonly allocator?: ScratchAllocator) {}

  /** A `[length]` buffer from the pool (contents undefined: callers overwrite it). */
  acquire(length: number): Float32Array {
    this.liveBytes += 4 * length;
    if (this.liveBytes > this.peakLiveBytes) this.peakLiveBytes = this.liveBytes;
    const free = this.pool.get(length);
    if (free && free.length > 0) return free.pop() as Float32Array;
    return this.allocate(length);
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

  /**
   * A zeroed `[length]` view of the buffer `name` (valid until the next `get` of that name); with
   * `zeroed` false its contents are left as they are, for a temporary its user overwrites whole.
   */
  get(name: string, length: number, zeroed = true): Float32Array {
    let b = this.buffers.get(name);
    if (!b || b.length < length) {
      if (b) this.free(b);
      b = this.allocate(length);
      this.buffers.set(name, b);
      return b;
    }
    const view = b.subarray(0, length);
    if (zeroed) view.fill(0);
    return view;
  }

  /**
   * Drops every buffer this object allocated (named, pooled and still acquired ones: none may be
   * used afterwards), freeing them through the allocator; the next requests allocate anew.
   */
  clear(): void {
    for (const b of this.owned) this.allocator?.free?.(b);
    this.owned.clear();
    this.buffers.clear();
    this.pool.clear();
  }

  private allocate(length: number): Float32Array {
    this.allocations++;
    const b = this.allocator ? this.allocator.allocate(length) : new Float32Array(length);
    if (this.allocator?.free) this.owned.add(b);
    return b;
  }

  private free(b: Float32Array): void {
    if (this.owned.delete(b)) this.allocator?.free?.(b);
  }
}
