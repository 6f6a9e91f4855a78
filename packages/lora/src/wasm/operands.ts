// How the wasm backend's kernels reach a call's operands: by address where they already are in
// the WebAssembly.Memory (arrays from `allocate`, retained weights), through a scratch block
// copied in and out otherwise. Scratch blocks of one call are listed and freed together.
// Legend: N, K matmul dimensions; pointers are byte addresses in the memory.
import { AllocatedArrays } from "./allocated-arrays";
import type { Arena } from "./arena";
import type { KernelExports } from "./kernels-module";
import type { ResidentBuffers } from "./resident-buffers";

/**
 * A backend's operands in its memory.
 *
 * @example
 * const scratch: number[] = [];
 * const pa = operands.operand(a, m * k, scratch); // a's address, copied in unless already there
 * const pc = operands.target(out, m * n, scratch, false, [a]); // where the kernel writes out
 * // … run the kernel …
 * operands.download(pc, out, m * n, scratch); // copies out unless written in place; frees scratch
 */
export class Operands {
  /** Arrays handed to callers (`Backend.allocate`): used in place. */
  readonly arrays: AllocatedArrays;
  private heap: Float32Array;

  constructor(
    private readonly arena: Arena,
    private readonly kernels: KernelExports,
    private readonly memory: WebAssembly.Memory,
    private readonly resident: ResidentBuffers,
  ) {
    this.arrays = new AllocatedArrays(arena, memory);
    this.heap = new Float32Array(memory.buffer);
  }

  /** A view of the whole memory, renewed after the arena grew it. */
  view(): Float32Array {
    if (this.heap.buffer !== this.memory.buffer) this.heap = new Float32Array(this.memory.buffer);
    return this.heap;
  }

  /** Byte address of `array` when it lies in the memory (`allocate`d), else undefined. */
  address(array: Float32Array): number | undefined {
    return this.arrays.address(array);
  }

  /** A scratch block of `floats` floats, freed with the call's others. */
  alloc(floats: number, scratch: number[]): number {
    const ptr = this.arena.alloc(floats * 4);
    scratch.push(ptr);
    return ptr;
  }

  /** Copies the first `floats` of `source` into a scratch block. */
  upload(source: Float32Array, floats: number, scratch: number[]): number {
    const ptr = this.alloc(floats, scratch);
    this.copyIn(source, floats, ptr);
    return ptr;
  }

  /** Copies the first `floats` of `source` to `ptr`. */
  copyIn(source: Float32Array, floats: number, ptr: number): void {
    this.view().set(floats === source.length ? source : source.subarray(0, floats), ptr >> 2);
  }

  /** Where a read-only operand already is: in the memory, or its retained copy; else undefined. */
  private inPlace(source: Float32Array): number | undefined {
    return this.arrays.address(source) ?? this.resident.address(source);
  }

  /**
   * A read-only operand's address now and what remains to do before a job reads it: nothing
   * when it is in the memory or retained, else the copy into its scratch block (to run as a
   * job's `meanwhile`).
   */
  operandLater(source: Float32Array, floats: number, scratch: number[]): [number, () => void] {
    const ptr = this.inPlace(source);
    if (ptr !== undefined) return [ptr, () => {}];
    const copy = this.alloc(floats, scratch);
    return [copy, () => this.copyIn(source, floats, copy)];
  }

  /** A read-only operand: where it is in the memory, its retained copy, else a scratch copy. */
  operand(source: Float32Array, floats: number, scratch: number[]): number {
    return this.inPlace(source) ?? this.upload(source, floats, scratch);
  }

  /**
   * Where a kernel writes `out`'s first `floats` floats: in place when `out` lies in the memory
   * and overlaps none of the operands the kernel `reads` (with `exact`, one at the very same
   * address may: elementwise kernels), else a scratch block, holding out's contents when
   * `keep` (accumulate, in place). `copyOut`/`download` bring a scratch block back.
   */
  target(
    out: Float32Array,
    floats: number,
    scratch: number[],
    keep: boolean,
    reads: Float32Array[],
    exact = false,
  ): number {
    const own = this.arrays.address(out);
    if (own !== undefined && !this.arrays.overlaps(out, floats, reads, exact)) return own;
    return keep ? this.upload(out, floats, scratch) : this.alloc(floats, scratch);
  }

  /** b `[N,K]` packed into 8-column panels: kept with a retained buffer, scratch otherwise. */
  packed(b: Float32Array, n: number, k: number, scratch: number[]): number {
    const resident = this.resident.panels(b, n, k);
    if (resident !== undefined) return resident;
    return this.panels(this.operand(b, n * k, scratch), n, k, true, scratch);
  }

  /**
   * Packs op(b) `[k,N]` at `ptr` (stored `[N,k]` when transposed) into 8-column panels
   * `[ceil(N/8)][k][8]`, for a job with transposeB.
   */
  panels(ptr: number, n: number, k: number, transposed: boolean, scratch: number[]): number {
    const dst = this.alloc(Math.ceil(n / 8) * k * 8, scratch);
    const [stepStride, colStride] = transposed ? [4, k * 4] : [n * 4, 4];
    this.kernels.packPanels(ptr, stepStride, colStride, n, k, dst, k * 32);
    return dst;
  }

  /**
   * Panels `[ceil(n/8)][steps][8]` of op(W) + Σ_k u[k]ᵀ ⊗ v[k] in a scratch block (a frozen
   * weight with a rank-K update merged in; see assembly mergePanels): op(W) `[steps, n]` is W
   * `[n, steps]` read transposed (from its kept panels when retained) or W `[steps, n]` itself;
   * u `[K][steps]` and v `[K][n8]` rows ld floats apart, v zero-padded to a multiple of 8.
   */
  mergedPanels(
    w: Float32Array,
    transposed: boolean,
    [steps, n, rank]: [number, number, number],
    u: { ptr: number; ld: number },
    v: { ptr: number; ld: number },
    scratch: number[],
  ): number {
    const [base, basePanel, baseStep] = transposed
      ? [this.packed(w, n, steps, scratch), steps * 32, 32]
      : [this.operand(w, steps * n, scratch), 32, n * 4];
    const out = this.alloc(Math.ceil(n / 8) * steps * 8, scratch);
    const [ldu, ldv] = [u.ld * 4, v.ld * 4];
    this.kernels.mergePanels(
      base,
      basePanel,
      baseStep,
      u.ptr,
      ldu,
      v.ptr,
      ldv,
      rank,
      steps,
      n,
      out,
    );
    return out;
  }

  /**
   * `scale` · a `[R, C]` as `[transposed ? C : R][ld]` (transposed or not), rows zero-padded to
   * ld = a multiple of 8 floats, in a scratch block: a rank-K factor laid out for mergedPanels.
   */
  factor(
    a: Float32Array,
    [rows, cols]: [number, number],
    transposed: boolean,
    scale: number,
    scratch: number[],
  ): { ptr: number; ld: number } {
    const [outRows, width] = transposed ? [cols, rows] : [rows, cols];
    const ld = Math.ceil(width / 8) * 8;
    const ptr = this.alloc(outRows * ld, scratch);
    const out = this.floats(ptr, outRows * ld).fill(0);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        out[transposed ? c * ld + r : r * ld + c] = scale * a[r * cols + c];
      }
    }
    return { ptr, ld };
  }

  /** Copies a result out to `target` (unless written in place) and frees the call's scratch. */
  download(ptr: number, target: Float32Array, floats: number, scratch: number[]): void {
    this.copyOut(ptr, target, floats);
    this.free(scratch);
  }

  /**
   * Copies `floats` floats at `ptr` out to `target`, unless `ptr` is target's own address
   * (written in place), and refreshes target's resident copy if it is retained.
   */
  copyOut(ptr: number, target: Float32Array, floats: number): void {
    if (ptr !== this.arrays.address(target)) {
      target.set(this.view().subarray(ptr >> 2, (ptr >> 2) + floats));
    }
    if (this.resident.has(target)) this.resident.update(target);
  }

  /** A view of `count` floats at `ptr` (valid until the memory grows). */
  floats(ptr: number, count: number): Float32Array {
    return this.view().subarray(ptr >> 2, (ptr >> 2) + count);
  }

  /** target `[cols, rows]` += the transpose of the `[rows, cols]` floats at `ptr`. */
  addTransposed(ptr: number, rows: number, cols: number, target: Float32Array): void {
    const heap = this.view();
    const base = ptr >> 2;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) target[c * rows + r] += heap[base + r * cols + c];
    }
  }

  /** Frees a call's scratch blocks. */
  free(scratch: number[]): void {
    for (const block of scratch) this.arena.free(block);
    scratch.length = 0;
  }
}
