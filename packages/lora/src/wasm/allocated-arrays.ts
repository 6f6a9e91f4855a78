// Float32Arrays the wasm backend hands its callers as views straight onto its shared
// WebAssembly.Memory (`Backend.allocate`): kernels read and write them where they are, with no
// copy in or out (tfjs-backend-wasm keeps its tensors in its heap the same way). A shared memory
// never detaches: after `memory.grow()`, `memory.buffer` is a new SharedArrayBuffer object but
// views on the old ones stay valid, so a view is recognised by its buffer being one this memory
// ever gave out (its subarrays included), never by `=== memory.buffer`. An ordinary memory
// detaches every view when it grows, so there `allocate` returns plain arrays.
import { checkAllocateLength } from "../reference-backend";
import type { Arena } from "./arena";

/**
 * The arrays allocated on one backend's memory.
 *
 * @example
 * const arrays = new AllocatedArrays(arena, memory);
 * const x = arrays.allocate(4096 * 256); // [rows, in], zeros, inside the memory
 * arrays.address(x); // its byte address, for the kernels
 * arrays.free(x);
 */
export class AllocatedArrays {
  /** Every buffer object of the memory a view was made on (SharedArrayBuffers only). */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  /** Views handed out and not yet freed (only these may be freed). */
  private readonly live = new WeakSet<Float32Array>();
  /** Whether `allocate` returns views on the memory (shared) or plain arrays (ordinary). */
  readonly inMemory: boolean;

  constructor(
    private readonly arena: Arena,
    private readonly memory: WebAssembly.Memory,
  ) {
    this.inMemory =
      typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer;
  }

  /** `length` zeros on the memory (shared), or a plain Float32Array (ordinary memory). */
  allocate(length: number): Float32Array {
    checkAllocateLength(length);
    if (!this.inMemory) return new Float32Array(length);
    const ptr = this.arena.alloc(length * 4);
    const buffer = this.memory.buffer; // after the alloc: it may have grown the memory
    this.buffers.add(buffer);
    const array = new Float32Array(buffer, ptr, length).fill(0); // a reused block holds old data
    this.live.add(array);
    return array;
  }

  /** Gives an allocated array's block back; a plain array (ordinary memory) is left to the GC. */
  free(array: Float32Array): void {
    if (this.live.has(array)) {
      this.live.delete(array);
      this.arena.free(array.byteOffset);
      return;
    }
    if (this.inMemory && this.address(array) !== undefined) {
      throw new Error(
        "free(): array is not one allocate() returned or was already freed (a subarray of one, or freed twice)",
      );
    }
  }

  /** Byte address of `array` when it is a view on the memory (allocated, or a subarray of one). */
  address(array: Float32Array): number | undefined {
    return this.buffers.has(array.buffer) ? array.byteOffset : undefined;
  }

  /**
   * Whether `array`'s first `floats` floats share memory with those of any of `others` (only
   * views on the memory can); with `exact`, an operand at the very same address does not count
   * (an elementwise kernel reads each element before it writes it).
   */
  overlaps(array: Float32Array, floats: number, others: Float32Array[], exact = false): boolean {
    const start = this.address(array);
    if (start === undefined) return false;
    const end = start + floats * 4;
    for (const other of others) {
      const from = this.address(other);
      if (from === undefined || (exact && from === start)) continue;
      if (from < end && start < from + other.byteLength) return true;
    }
    return false;
  }
}
