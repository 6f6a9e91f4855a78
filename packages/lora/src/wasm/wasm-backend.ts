// The `wasm` backend: SIMD kernels compiled from assembly/ running in one WebAssembly.Memory,
// shared with a pool of workers where SharedArrayBuffer exists. Operands are copied into the
// memory per call, except buffers passed to `retain` (frozen weights), which are uploaded once
// and, when used transposed as `b`, packed once into the microkernel's 8-column panels.
// Legend: M, N, K matmul dimensions; pointers are byte addresses in the memory.
import type { Backend, LoRAStep, MatmulShape } from "../backend";
import { checkMatmul, checkMatrix, checkVector } from "../matmul-shape";
import { Arena } from "./arena";
import type { KernelExports } from "./kernels-module";
import { ResidentBuffers } from "./resident-buffers";
import type { ThreadPool } from "./thread-pool";
import { waitForTiles } from "./wait-for-tiles";
import { wasmLoraBackward, wasmLoraForward } from "./wasm-lora-step";

/** One matmul over byte addresses in the memory (see `WasmBackend.job`). */
export interface PointerMatmul {
  m: number;
  n: number;
  k: number;
  /** `[M,K]`, or `[K,M]` when transposeA. */
  a: number;
  transposeA: boolean;
  /** `[K,N]`, or packed panels of `[N,K]` when transposeB. */
  b: number;
  transposeB: boolean;
  /** `[M,N]`. */
  c: number;
  alpha: number;
  accumulate: boolean;
  /** A second a `[M,k2]` beside the first: op(a) = [a | a2], k counting both (b stacked to match). */
  a2?: number;
  k2?: number;
  /**
   * Makes the job write a2 first: a2 = alpha · a·P with P one packed panel `[k - k2][8]`
   * (k2 ≤ 8). Inside the tiles when they can (see assembly setSecondA), else a job of its own.
   */
  a2From?: { panel: number; alpha: number };
  /**
   * With a2From, when `spansColumns`: per-thread partials of a[r]ᵀ ⊗ v[r] `[k - k2][8]` and
   * x[r]ᵀ ⊗ a2[r] `[n][8]` summed over rows (see assembly setReductions), zeroed by the caller.
   */
  reduce?: { v: number; x: number; partials: number; partialStride: number };
  /**
   * Work for the calling thread while the workers start on the job (copies in or out of the
   * memory that the job does not touch), before it takes tiles itself; run first when alone.
   */
  meanwhile?: () => void;
}

/** One operand of `stackedPanels`: `[k,N]`, or `[N,k]` when transposed, times scale. */
export interface PanelPart {
  ptr: number;
  k: number;
  transposed: boolean;
  scale: number;
}

/** Runs `next` after `first`: at once when `first` completed synchronously. */
export function andThen(first: void | Promise<void>, next: () => void | Promise<void>) {
  return first === undefined ? next() : first.then(next);
}

/**
 * Below this many flops a matmul runs on the calling thread alone. Waking workers costs tens of
 * microseconds, but on a loaded machine a worker preempted in the middle of a tile stalls the
 * whole call for a scheduler slice (milliseconds): the rank-sized matmuls of a LoRA step
 * (2·rows·256·8 = 2^24 flops at 4096 rows) are not worth that risk.
 */
const PARALLEL_FLOPS = 1 << 25;
/**
 * Output tile a thread takes at a time: rows (a multiple of the microkernel's 5) × columns. A
 * thread packs its tile's rows of a once per tile, so tiles span the whole width (up to
 * WIDE_COLS) when there are enough rows to keep every thread busy, TILE_COLS otherwise.
 */
const TILE_ROWS = 40;
const TILE_COLS = 64;
const WIDE_COLS = 256;

/**
 * Backend over the WebAssembly kernels. Create it with `createWasmBackend()`; the constructor
 * takes an instantiated module and is internal.
 */
export class WasmBackend implements Backend {
  readonly name = "wasm";
  private readonly arena: Arena;
  private readonly resident: ResidentBuffers;
  private heap: Float32Array;
  private readonly words: Int32Array;
  /** Per-thread buffers for packed rows of a: thread t at packs + t · packStride. */
  private readonly packs: number;
  private readonly packStride: number;
  private pending: Promise<void> | null = null;
  /** Tiles of the last matmul, and how many of them the calling thread ran (the rest: workers). */
  readonly lastMatmul = { tiles: 0, onCaller: 0 };
  private disposed = false;

  constructor(
    private readonly kernels: KernelExports,
    private readonly memory: WebAssembly.Memory,
    private readonly pool: ThreadPool | null,
    /** Whether this thread may block in Atomics.wait (Node, workers; not a browser page). */
    private readonly canBlock: boolean,
  ) {
    this.arena = new Arena(memory, kernels.reservedBytes());
    this.heap = new Float32Array(memory.buffer);
    this.resident = new ResidentBuffers(this.arena, kernels, () => this.view());
    this.words = new Int32Array(memory.buffer, 0, 1024);
    this.packStride = TILE_ROWS * kernels.packSteps() * 4 + 40 * 4 + 64; // panels, a 5×8 block
    this.packs = this.arena.alloc(this.threads * this.packStride);
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

  /**
   * Runs one matmul over operands already in the memory: b packed (`packed`) when transposed,
   * plain `[K,N]` otherwise (k = 0 writes zeros, or adds nothing). Returns a promise only where
   * this thread cannot block.
   * @internal
   */
  job(j: PointerMatmul): void | Promise<void> {
    const { m, n, k } = j;
    if (m === 0 || n === 0) return;
    if (k === 0) {
      if (!j.accumulate) this.view().fill(0, j.c >> 2, (j.c >> 2) + m * n);
      return;
    }
    const { rows, cols } = this.tiles(m, n);
    const k2 = j.a2 === undefined ? 0 : (j.k2 ?? 0);
    const from = j.a2From;
    if (from !== undefined && j.a2 !== undefined) {
      if (!this.spansColumns(m, n, k - k2, k2)) {
        if (j.reduce !== undefined) throw new Error("job(): reduce needs spansColumns()");
        const { a2: _a2, k2: _k2, a2From: _from, ...one } = j; // a2 = alpha · a·P on its own
        const first = { ...one, n: k2, k: k - k2, b: from.panel, transposeB: true, c: j.a2 };
        const rest = { ...j, a2From: undefined };
        return andThen(this.job({ ...first, alpha: from.alpha, accumulate: false }), () =>
          this.job(rest),
        );
      }
    }
    this.kernels.setSecondA(j.a2 ?? 0, k2 * 4, 4, k - k2, from?.panel ?? 0, from?.alpha ?? 0);
    const r = j.reduce;
    this.kernels.setReductions(
      r?.v ?? 0,
      r?.x ?? 0,
      n * 4,
      r?.partials ?? 0,
      r?.partialStride ?? 0,
    );
    const tiles = this.kernels.beginMatmul(
      m,
      n,
      k,
      j.a,
      j.transposeA ? 4 : (k - k2) * 4, // a: [K,M] or [M,K] (K less a2's steps)
      j.transposeA ? m * 4 : 4,
      j.b,
      j.transposeB ? 32 : n * 4, // packed panels [ceil(N/8)][K][8], or [K,N] read 8 columns at a time
      j.transposeB ? k * 32 : 32,
      j.c,
      j.alpha,
      j.accumulate ? 1 : 0,
      rows,
      cols,
      this.packs,
      this.packStride,
    );
    const parallel = this.pool !== null && tiles > 1 && 2 * m * n * k >= PARALLEL_FLOPS;
    const finish = () => this.finishJob(tiles, parallel);
    if (!parallel) {
      j.meanwhile?.();
      return finish();
    }
    this.pool.wake();
    j.meanwhile?.();
    // A browser page boots workers through its event loop: yield one task while they start.
    if (!this.canBlock && this.pool.booting) {
      return new Promise((resolve) => setTimeout(resolve, 0)).then(finish);
    }
    return finish();
  }

  /** Output tile of a job: rows × columns (see TILE_ROWS). */
  private tiles(m: number, n: number): { rows: number; cols: number } {
    const rows = Math.min(m, TILE_ROWS);
    const wide = Math.ceil(m / rows) >= 4 * this.threads;
    return { rows, cols: Math.min(Math.ceil(n / 8) * 8, wide ? WIDE_COLS : TILE_COLS) };
  }

  /**
   * Whether a job [M,N] over k1 + k2 steps takes a2From (and reduce) inside its tiles: tiles
   * span every column, more than one panel, the first operand within one block, k2 ≤ 8.
   */
  spansColumns(m: number, n: number, k1: number, k2: number): boolean {
    const { cols } = this.tiles(m, n);
    return n > 8 && cols >= n && k1 <= this.kernels.packSteps() && k2 <= 8;
  }

  /** Takes tiles on this thread and waits for the workers' last tiles. */
  private finishJob(tiles: number, parallel: boolean): void | Promise<void> {
    this.lastMatmul.tiles = tiles;
    this.lastMatmul.onCaller = this.kernels.runJob(0);
    if (!parallel) return;
    return waitForTiles(this.words, this.kernels.doneAddress() >> 2, tiles, this.canBlock);
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
