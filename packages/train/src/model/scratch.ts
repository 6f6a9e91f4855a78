// Reusable scratch buffers by name (llm.c's habit of allocating once and reusing): a buffer is
// reallocated only when a larger one is asked for, so steady-state steps of one batch shape reuse
// the same memory. Only for temporaries that never outlive the call that asks for them.

/** Named, growable, zero-on-request scratch buffers. */
export class Scratch {
  private readonly buffers = new Map<string, Float32Array>();

  /** A zeroed `[length]` view of the buffer `name` (valid until the next `get` of that name). */
  get(name: string, length: number): Float32Array {
    let b = this.buffers.get(name);
    if (!b || b.length < length) {
      b = new Float32Array(length);
      this.buffers.set(name, b);
      return b;
    }
    const view = b.subarray(0, length);
    view.fill(0);
    return view;
  }

  /** Bytes held. */
  get bytes(): number {
    let n = 0;
    for (const b of this.buffers.values()) n += b.byteLength;
    return n;
  }
}
