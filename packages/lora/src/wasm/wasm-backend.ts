// The `wasm` backend: SIMD kernels compiled from assembly/ running in one WebAssembly.Memory,
// shared with a pool of workers where SharedArrayBuffer exists. Operands are copied into the
// memory per call (a LoRA step's per loraForward/loraBackward, see wasm-lora-step.ts), except
// buffers passed to `retain` (frozen weights), which are uploaded once and, when used
// transposed as `b`, packed once into the microkernel's 8-column panels. The matmuls themselves
// run as jobs over addresses in the memory (matmul-jobs.ts).
// Legend: M, N, K matmul dimensions; pointers are byte addresses in the memory.
import type { Backend, LoRAStep, MatmulShape } from "../backend";
import { checkMatmul, checkMatrix, checkVector } from "../matmul-shape";
import { Arena } from "./arena";
import type { KernelExports } from "./kernels-module";
import { andThen, MatmulJobs, type PanelPart, type PointerMatmul } from "./matmul-jobs";
import { ResidentBuffers } from "./resident-buffers";
import type { ThreadPool } from "./thread-pool";
import { wasmLoraBackward, wasmLoraForward } from "./wasm-lora-step";

/**
 * Backend over the WebAssembly kernels. Create it with `createWasmBackend()`; the constructor
 * takes an instantiated module and is internal.
 */
export class WasmBackend implements Backend {
  readonly name = "wasm";
  private readonly arena: Arena;
  private readonly resident: ResidentBuffers;
  private heap: Float32Array;
  private readonly jobs: MatmulJobs;
  private pending: Promise<void> | null = null;
  private disposed = false;

  constructor(
    private readonly kernels: KernelExports,
    private readonly memory: WebAssembly.Memory,
    private readonly pool: ThreadPool | null,
    /** Whether this thread may block in Atomics.wait (Node, workers; not a browser page). */
    canBlock: boolean,
  ) {
    this.arena = new Arena(memory, kernels.reservedBytes());
    this.heap = new Float32Array(memory.buffer);
    this.resident = new ResidentBuffers(this.arena, kernels, () => this.view());
    this.jobs = new MatmulJobs(kernels, memory, pool, canBlock, this.arena, () => this.view());
  }

  /** Threads that compute a large matmul: the calling one plus the pool's workers. */
  get threads(): number {
    return 1 + (this.pool?.size ?? 0);
  }

  /** Bytes of wasm memory held (resident weights, free blocks below the high-water mark). */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  matmul(
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    shape: MatmulShape,
  ): void | Promise<void> {
    checkMatmul("matmul()", a, b, out, shape);
    return this.serial(() => this.runMatmul(a, b, out, shape));
  }

  addBias(x: Float32Array, bias: Float32Array, rows: number, cols: number): void | Promise<void> {
    checkMatrix("addBias()", "x", x, rows, cols);
    checkVector("addBias()", "bias", bias, cols);
    return this.serial(() => {
      const scratch: number[] = [];
      const px = this.upload(x, rows * cols, scratch);
      this.kernels.addBias(px, this.operand(bias, cols, scratch), rows, cols);
      this.download(px, x, rows * cols, scratch);
    });
  }

  sumRows(
    x: Float32Array,
    rows: number,
    cols: number,
    out: Float32Array,
    accumulate = false,
  ): void | Promise<void> {
    checkMatrix("sumRows()", "x", x, rows, cols);
    checkVector("sumRows()", "out", out, cols);
    return this.serial(() => {
      const scratch: number[] = [];
      const po = accumulate ? this.upload(out, cols, scratch) : this.alloc(cols, scratch);
      this.kernels.sumRows(
        this.operand(x, rows * cols, scratch),
        rows,
        cols,
        po,
        accumulate ? 1 : 0,
      );
      this.download(po, out, cols, scratch);
    });
  }

  axpy(alpha: number, x: Float32Array, y: Float32Array): void | Promise<void> {
    checkVector("axpy()", "x", x, y.length);
    return this.serial(() => {
      const scratch: number[] = [];
      const py = this.upload(y, y.length, scratch);
      this.kernels.axpy(alpha, this.operand(x, y.length, scratch), py, y.length);
      this.download(py, y, y.length, scratch);
    });
  }

  mul(a: Float32Array, b: Float32Array, out: Float32Array): void | Promise<void> {
    checkVector("mul()", "a", a, out.length);
    checkVector("mul()", "b", b, out.length);
    return this.serial(() => {
      const scratch: number[] = [];
      const n = out.length;
      const po = this.alloc(n, scratch);
      this.kernels.mul(this.operand(a, n, scratch), this.operand(b, n, scratch), po, n);
      this.download(po, out, n, scratch);
    });
  }

  scale(x: Float32Array, alpha: number, out: Float32Array): void | Promise<void> {
    checkVector("scale()", "x", x, out.length);
    return this.serial(() => {
      const scratch: number[] = [];
      const n = out.length;
      const po = this.alloc(n, scratch);
      this.kernels.scale(this.operand(x, n, scratch), alpha, po, n);
      this.download(po, out, n, scratch);
    });
  }

  loraForward(step: LoRAStep, out: Float32Array): void | Promise<void> {
    return this.serial(() => wasmLoraForward(this, step, out));
  }

  loraBackward(
    step: LoRAStep,
    dOutput: Float32Array,
    dx: Float32Array,
    gradA: Float32Array,
    gradB: Float32Array,
  ): void | Promise<void> {
    return this.serial(() => wasmLoraBackward(this, step, dOutput, dx, gradA, gradB));
  }

  retain(buffer: Float32Array): void {
    this.resident.retain(buffer);
  }

  update(buffer: Float32Array): void {
    this.resident.update(buffer);
  }

  release(buffer: Float32Array): void {
    this.resident.release(buffer);
  }

  async dispose(): Promise<void> {
    if (this.pending !== null) await this.pending.catch(() => {});
    this.disposed = true;
    this.pool?.dispose();
    this.resident.clear();
  }

  /** Runs `op` now, or after the async op in flight (browser main thread), keeping call order. */
  private serial(op: () => void | Promise<void>): void | Promise<void> {
    if (this.disposed) throw new Error("wasm backend: used after dispose()");
    if (this.pending === null) {
      const result = op();
      if (result === undefined) return;
      return this.track(result);
    }
    // A failed call rejects its own promise only; the next one still runs.
    return this.track(this.pending.catch(() => {}).then(op));
  }

  private track(promise: Promise<void>): Promise<void> {
    const tracked = promise.finally(() => {
      if (this.pending === tracked) this.pending = null;
    });
    this.pending = tracked;
    return tracked;
  }

  private runMatmul(
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    shape: MatmulShape,
  ): void | Promise<void> {
    const { m, n, k, accumulate = false } = shape;
    if (m === 0 || n === 0) return;
    if (k === 0) {
      if (!accumulate) out.fill(0, 0, m * n);
      return;
    }
    const scratch: number[] = [];
    try {
      return this.runMatmulIn(a, b, out, shape, scratch);
    } catch (error) {
      this.free(scratch); // e.g. out of memory half-way
      throw error;
    }
  }

  private runMatmulIn(
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    shape: MatmulShape,
    scratch: number[],
  ): void | Promise<void> {
    const { m, n, k, transposeA = false, transposeB = false, accumulate = false } = shape;
    const pa = this.operand(a, m * k, scratch);
    const pb = transposeB ? this.packed(b, n, k, scratch) : this.operand(b, k * n, scratch);
    const pc = accumulate ? this.upload(out, m * n, scratch) : this.alloc(m * n, scratch);
    const job = { m, n, k, a: pa, transposeA, b: pb, transposeB, c: pc, alpha: shape.alpha ?? 1 };
    return andThen(this.job({ ...job, accumulate }), () => this.download(pc, out, m * n, scratch));
  }

  /** Runs one matmul over operands already in the memory (see `MatmulJobs.job`). */
  job(j: PointerMatmul): void | Promise<void> {
    return this.jobs.job(j);
  }

  /** Whether a job takes a2From and reduce inside its tiles (see `MatmulJobs.spansColumns`). */
  spansColumns(m: number, n: number, k1: number, k2: number): boolean {
    return this.jobs.spansColumns(m, n, k1, k2);
  }

  /** Tiles of the last matmul, and how many of them the calling thread ran (the rest: workers). */
  get lastMatmul(): { tiles: number; onCaller: number } {
    return this.jobs.lastMatmul;
  }

  /** A view of the whole memory, renewed after the arena grew it. */
  private view(): Float32Array {
    if (this.heap.buffer !== this.memory.buffer) this.heap = new Float32Array(this.memory.buffer);
    return this.heap;
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

  /**
   * A read-only operand's address now and what remains to do before a job reads it: nothing
   * when it is retained, else the copy into its scratch block (to run as a job's `meanwhile`).
   */
  operandLater(source: Float32Array, floats: number, scratch: number[]): [number, () => void] {
    const resident = this.resident.address(source);
    if (resident !== undefined) return [resident, () => {}];
    const ptr = this.alloc(floats, scratch);
    return [ptr, () => this.copyIn(source, floats, ptr)];
  }

  /** A read-only operand: its resident copy when retained, otherwise a scratch copy. */
  operand(source: Float32Array, floats: number, scratch: number[]): number {
    return this.resident.address(source) ?? this.upload(source, floats, scratch);
  }

  /** b `[N,K]` packed into 8-column panels: kept with a resident buffer, scratch otherwise. */
  packed(b: Float32Array, n: number, k: number, scratch: number[]): number {
    const resident = this.resident.panels(b, n, k);
    if (resident !== undefined) return resident;
    const dst = this.alloc(Math.ceil(n / 8) * k * 8, scratch);
    this.kernels.packTransposed(this.upload(b, n * k, scratch), n, k, dst);
    return dst;
  }

  /**
   * Packs operands stacked along the shared dimension (`[k1 + k2 + …, N]` in all) into one set
   * of 8-column panels, for a job with transposeB.
   */
  stackedPanels(parts: PanelPart[], n: number, scratch: number[]): number {
    const k = parts.reduce((sum, part) => sum + part.k, 0);
    const dst = this.alloc(Math.ceil(n / 8) * k * 8, scratch);
    let offset = 0;
    for (const { ptr, k: kp, transposed, scale } of parts) {
      const [stepStride, colStride] = transposed ? [4, kp * 4] : [n * 4, 4];
      this.kernels.packPanels(ptr, stepStride, colStride, n, kp, dst + offset * 32, k * 32, scale);
      offset += kp;
    }
    return dst;
  }

  /** Copies a result out to `target` and frees the call's scratch blocks. */
  download(ptr: number, target: Float32Array, floats: number, scratch: number[]): void {
    this.copyOut(ptr, target, floats);
    this.free(scratch);
  }

  /** Copies `floats` floats at `ptr` out to `target` (refreshing it if it is retained). */
  copyOut(ptr: number, target: Float32Array, floats: number): void {
    target.set(this.view().subarray(ptr >> 2, (ptr >> 2) + floats));
    if (this.resident.has(target)) this.update(target);
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
