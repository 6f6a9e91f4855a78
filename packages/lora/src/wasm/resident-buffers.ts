// Buffers a caller promised not to change (`Backend.retain`: frozen weights), kept in wasm
// memory so a step does not copy them in again, keyed by the Float32Array's identity. A buffer
// used as a transposed b is also kept packed into the microkernel's 8-column panels.
import type { Arena } from "./arena";
import type { KernelExports } from "./kernels-module";

interface Resident {
  ptr: number;
  /** Panels `[ceil(N/8)][K][8]` of the buffer read as b `[N,K]`; 0 until first needed. */
  packed: number;
  packedN: number;
  packedK: number;
}

/**
 * The resident copies of retained buffers.
 *
 * @example
 * const resident = new ResidentBuffers(arena, kernels, () => heap);
 * resident.retain(weight);
 * resident.address(weight); // byte address of its copy
 */
export class ResidentBuffers {
  private readonly entries = new Map<Float32Array, Resident>();

  constructor(
    private readonly arena: Arena,
    private readonly kernels: KernelExports,
    /** A view of the whole memory, current after growth. */
    private readonly view: () => Float32Array,
  ) {}

  /** Uploads `buffer` once; retaining it again does nothing. */
  retain(buffer: Float32Array): void {
    if (!(buffer instanceof Float32Array)) {
      throw new TypeError(`retain(): buffer must be a Float32Array, got ${typeof buffer}`);
    }
    if (this.entries.has(buffer)) return;
    const ptr = this.arena.alloc(buffer.length * 4);
    this.entries.set(buffer, { ptr, packed: 0, packedN: 0, packedK: 0 });
    this.view().set(buffer, ptr >> 2);
  }

  /** Copies `buffer` in again (and repacks it) if it is retained. */
  update(buffer: Float32Array): void {
    const entry = this.entries.get(buffer);
    if (entry === undefined) return;
    this.view().set(buffer, entry.ptr >> 2);
    if (entry.packed !== 0) {
      this.kernels.packTransposed(entry.ptr, entry.packedN, entry.packedK, entry.packed);
    }
  }

  /** Frees the copies of `buffer` if it is retained. */
  release(buffer: Float32Array): void {
    const entry = this.entries.get(buffer);
    if (entry === undefined) return;
    this.entries.delete(buffer);
    this.arena.free(entry.ptr);
    if (entry.packed !== 0) this.arena.free(entry.packed);
  }

  /** Byte address of the resident copy of `buffer`, or undefined when it is not retained. */
  address(buffer: Float32Array): number | undefined {
    return this.entries.get(buffer)?.ptr;
  }

  /** Byte address of `buffer` read as b `[N,K]` in panels, packing it on first use; undefined when not retained. */
  panels(buffer: Float32Array, n: number, k: number): number | undefined {
    const entry = this.entries.get(buffer);
    if (entry === undefined) return undefined;
    if (entry.packed === 0 || entry.packedN !== n || entry.packedK !== k) {
      if (entry.packed !== 0) this.arena.free(entry.packed);
      entry.packed = 0; // the alloc below may throw (out of memory): never keep a freed block
      entry.packed = this.arena.alloc(Math.ceil(n / 8) * k * 32);
      entry.packedN = n;
      entry.packedK = k;
      this.kernels.packTransposed(entry.ptr, n, k, entry.packed);
    }
    return entry.packed;
  }

  /** Whether `buffer` is retained. */
  has(buffer: Float32Array): boolean {
    return this.entries.has(buffer);
  }

  /** Forgets every buffer (the memory goes with the backend). */
  clear(): void {
    this.entries.clear();
  }
}
