// The `wasm` backend: SIMD kernels compiled from assembly/ running in one WebAssembly.Memory,
// shared with a pool of workers where SharedArrayBuffer exists. Operands are copied into the
// memory per call (a LoRA step's per loraForward/loraBackward, see wasm-lora-step.ts), except
// arrays from `allocate` (views on the shared memory, used in place: operands.ts) and buffers
// passed to `retain` (frozen weights), which are uploaded once and, when used transposed as
// `b`, packed once into the microkernel's 8-column panels. The matmuls themselves run as jobs
// over addresses in the memory (matmul-jobs.ts).
// Legend: M, N, K matmul dimensions; pointers are byte addresses in the memory.
import type { AttentionStep, Awaitable, Backend, LoRAStep, MatmulShape } from "../backend";
import { checkCrossEntropyRows } from "../cross-entropy-rows";
import { checkMatmul, checkMatrix, checkVector } from "../matmul-shape";
import { Arena } from "./arena";
import type { KernelExports } from "./kernels-module";
import { andThen, MatmulJobs, type PointerMatmul } from "./matmul-jobs";
import { Operands } from "./operands";
import { ResidentBuffers } from "./resident-buffers";
import type { ThreadPool } from "./thread-pool";
import { type AttentionParts, wasmAttentionBackward, wasmAttentionForward } from "./wasm-attention";
import { wasmLoraBackward, wasmLoraForward, withScratch } from "./wasm-lora-step";
import {
  wasmRmsNormBackward,
  wasmRmsNormForward,
  wasmSwigluBackward,
  wasmSwigluForward,
} from "./wasm-rows";

/** Rows a cross-entropy tile (fixed: the split depends on the sizes only). */
const CE_ROWS = 4;
/** Rough flops an element of the cross-entropy pass (an exp ≈ 20), for tilesJob's threshold. */
const CE_FLOPS = 24;
/** job.ts's KIND of a cross-entropy tile. */
const KIND_CROSS_ENTROPY = 4;

/**
 * Backend over the WebAssembly kernels. Create it with `createWasmBackend()`; the constructor
 * takes an instantiated module and is internal.
 */
export class WasmBackend implements Backend {
  readonly name = "wasm";
  private readonly arena: Arena;
  private readonly resident: ResidentBuffers;
  /** The operands of a call in the memory: in place, retained, or scratch copies. */
  readonly operands: Operands;
  private readonly jobs: MatmulJobs;
  private readonly attention: AttentionParts;
  private pending: Promise<unknown> | null = null;
  private disposed = false;

  constructor(
    private readonly kernels: KernelExports,
    private readonly memory: WebAssembly.Memory,
    private readonly pool: ThreadPool | null,
    /** Whether this thread may block in Atomics.wait (Node, workers; not a browser page). */
    canBlock: boolean,
    /** Whether the kernels are the relaxed-SIMD build (fused multiply-adds). */
    readonly relaxedSimd = false,
  ) {
    this.arena = new Arena(memory, kernels.reservedBytes());
    this.resident = new ResidentBuffers(this.arena, kernels, () => this.operands.view());
    this.operands = new Operands(this.arena, kernels, memory, this.resident);
    const view = () => this.operands.view();
    this.jobs = new MatmulJobs(kernels, memory, pool, canBlock, this.arena, view);
    this.attention = { ops: this.operands, kernels, jobs: this.jobs };
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
      const [ops, scratch]: [Operands, number[]] = [this.operands, []];
      const px = ops.target(x, rows * cols, scratch, true, [bias]);
      this.kernels.addBias(px, ops.operand(bias, cols, scratch), rows, cols);
      ops.download(px, x, rows * cols, scratch);
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
      const [ops, scratch]: [Operands, number[]] = [this.operands, []];
      const po = ops.target(out, cols, scratch, accumulate, [x]);
      const px = ops.operand(x, rows * cols, scratch);
      this.kernels.sumRows(px, rows, cols, po, accumulate ? 1 : 0);
      ops.download(po, out, cols, scratch);
    });
  }

  axpy(alpha: number, x: Float32Array, y: Float32Array): void | Promise<void> {
    checkVector("axpy()", "x", x, y.length);
    return this.serial(() => {
      const [ops, scratch]: [Operands, number[]] = [this.operands, []];
      const py = ops.target(y, y.length, scratch, true, [x], true);
      this.kernels.axpy(alpha, ops.operand(x, y.length, scratch), py, y.length);
      ops.download(py, y, y.length, scratch);
    });
  }

  mul(a: Float32Array, b: Float32Array, out: Float32Array): void | Promise<void> {
    checkVector("mul()", "a", a, out.length);
    checkVector("mul()", "b", b, out.length);
    return this.serial(() => {
      const [ops, scratch, n]: [Operands, number[], number] = [this.operands, [], out.length];
      const po = ops.target(out, n, scratch, false, [a, b], true);
      this.kernels.mul(ops.operand(a, n, scratch), ops.operand(b, n, scratch), po, n);
      ops.download(po, out, n, scratch);
    });
  }

  scale(x: Float32Array, alpha: number, out: Float32Array): void | Promise<void> {
    checkVector("scale()", "x", x, out.length);
    return this.serial(() => {
      const [ops, scratch, n]: [Operands, number[], number] = [this.operands, [], out.length];
      const po = ops.target(out, n, scratch, false, [x], true);
      this.kernels.scale(ops.operand(x, n, scratch), alpha, po, n);
      ops.download(po, out, n, scratch);
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

  crossEntropyRows(
    logits: Float32Array,
    labels: Int32Array,
    lse: Float32Array,
    rows: number,
    vocab: number,
    gradScale?: number,
  ): Awaitable<number> {
    checkCrossEntropyRows("crossEntropyRows()", logits, labels, lse, rows, vocab, gradScale);
    return this.serial(() => this.runCrossEntropy(logits, labels, lse, rows, vocab, gradScale));
  }

  attentionForward(step: AttentionStep, out: Float32Array): void | Promise<void> {
    return this.serial(() => wasmAttentionForward(this.attention, step, out));
  }

  attentionBackward(
    step: AttentionStep,
    dOut: Float32Array,
    dq: Float32Array,
    dk: Float32Array,
    dv: Float32Array,
    dBias: Float32Array | null,
  ): void | Promise<void> {
    return this.serial(() =>
      wasmAttentionBackward(this.attention, step, dOut, [dq, dk, dv, dBias]),
    );
  }

  rmsNormForward(
    out: Float32Array,
    rstd: Float32Array,
    x: Float32Array,
    weight: Float32Array,
    rows: number,
    cols: number,
    eps: number,
  ): void | Promise<void> {
    const parts = this.attention;
    return this.serial(() => wasmRmsNormForward(parts, out, rstd, x, weight, rows, cols, eps));
  }

  rmsNormBackward(
    dx: Float32Array,
    dweight: Float32Array | null,
    dOut: Float32Array,
    x: Float32Array,
    weight: Float32Array,
    rstd: Float32Array,
    rows: number,
    cols: number,
  ): void | Promise<void> {
    const parts = this.attention;
    return this.serial(() =>
      wasmRmsNormBackward(parts, dx, dweight, dOut, x, weight, rstd, rows, cols),
    );
  }

  swigluForward(
    out: Float32Array,
    gate: Float32Array,
    up: Float32Array,
    length: number,
  ): void | Promise<void> {
    return this.serial(() => wasmSwigluForward(this.attention, out, gate, up, length));
  }

  swigluBackward(
    dgate: Float32Array,
    dup: Float32Array,
    dOut: Float32Array,
    gate: Float32Array,
    up: Float32Array,
    length: number,
  ): void | Promise<void> {
    const parts = this.attention;
    return this.serial(() => wasmSwigluBackward(parts, dgate, dup, dOut, gate, up, length));
  }

  /**
   * `length` zeros in the backend's memory, for operands the kernels then read and write in
   * place, with no copy in or out (x, dY, outputs, dx of a step). With shared memory (threads)
   * the array is a view on it, valid until `free(array)`, growth included; with an ordinary
   * memory (one thread, or a browser page without cross-origin isolation, where growth would
   * detach views) it is a plain Float32Array. Reuse arrays across steps; free them when done.
   */
  allocate(length: number): Float32Array {
    if (this.disposed) throw new Error("wasm backend: used after dispose()");
    return this.operands.arrays.allocate(length);
  }

  /** Gives back an array from `allocate` (do not use it afterwards); throws on any other view. */
  free(array: Float32Array): void {
    if (this.disposed) return; // the memory went with the backend
    this.operands.arrays.free(array);
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
  private serial<T>(op: () => T | Promise<T>): T | Promise<T> {
    if (this.disposed) throw new Error("wasm backend: used after dispose()");
    if (this.pending === null) {
      const result = op();
      return result instanceof Promise ? this.track(result) : result;
    }
    // A failed call rejects its own promise only; the next one still runs.
    return this.track(this.pending.catch(() => {}).then(op));
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    const tracked: Promise<T> = promise.finally(() => {
      if (this.pending === tracked) this.pending = null;
    });
    this.pending = tracked;
    return tracked;
  }

  /**
   * The cross-entropy pass as a job of row tiles across the threads (one exp per element: a
   * 128 × 8193 chunk of kairos-base-small's head is ~20 Mflop): logits used in place when
   * allocated, else copied in (and out, for the backward's dlogits); labels copied into a scratch
   * block; each row's loss written apart and summed here in row order, so the sum has the same
   * bits whichever thread ran which row.
   */
  private runCrossEntropy(
    logits: Float32Array,
    labels: Int32Array,
    lse: Float32Array,
    rows: number,
    vocab: number,
    gradScale: number | undefined,
  ): number | Promise<number> {
    if (rows === 0) return 0;
    const ops = this.operands;
    const n = rows * vocab;
    const backward = gradScale !== undefined;
    let sum = 0;
    const done = withScratch(ops, (scratch) => {
      const pl = ops.alloc(rows, scratch); // [R] i32
      new Int32Array(this.memory.buffer, pl, rows).set(labels.subarray(0, rows));
      const losses = ops.alloc(2 * rows, scratch); // [R] f64
      const px = backward
        ? ops.target(logits, n, scratch, true, [lse])
        : ops.operand(logits, n, scratch);
      const po = backward
        ? ops.operand(lse, rows, scratch)
        : ops.target(lse, rows, scratch, false, [logits]);
      this.kernels.setCrossEntropy(
        px,
        pl,
        po,
        losses,
        rows,
        vocab,
        CE_ROWS,
        gradScale ?? 0,
        +backward,
      );
      const tiles = this.kernels.beginTiles(KIND_CROSS_ENTROPY, this.kernels.crossEntropyTiles());
      return andThen(this.jobs.tilesJob(tiles, CE_FLOPS * n), () => {
        const each = new Float64Array(this.memory.buffer, losses, rows);
        for (let r = 0; r < rows; r++) sum += each[r];
        if (backward) ops.copyOut(px, logits, n);
        else ops.copyOut(po, lse, rows);
      });
    });
    return done === undefined ? sum : done.then(() => sum);
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
      this.operands.free(scratch); // e.g. out of memory half-way
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
    const ops = this.operands;
    const pa = ops.operand(a, m * k, scratch);
    const pb = transposeB ? ops.packed(b, n, k, scratch) : ops.operand(b, k * n, scratch);
    const pc = ops.target(out, m * n, scratch, accumulate, [a, b]);
    const job = { m, n, k, a: pa, transposeA, b: pb, transposeB, c: pc, alpha: shape.alpha ?? 1 };
    return andThen(this.job({ ...job, accumulate }), () => ops.download(pc, out, m * n, scratch));
  }

  /** Runs one matmul over operands already in the memory (see `MatmulJobs.job`). */
  job(j: PointerMatmul): void | Promise<void> {
    return this.jobs.job(j);
  }

  /** How many row tiles a job that spans every column has (see `MatmulJobs.rowTiles`). */
  rowTiles(m: number, n: number): number {
    return this.jobs.rowTiles(m, n);
  }

  /** Whether a job takes a side and reduce inside its tiles (see `MatmulJobs.spansColumns`). */
  spansColumns(m: number, n: number, k: number, cols: number): boolean {
    return this.jobs.spansColumns(m, n, k, cols);
  }

  /** Tiles of the last matmul, and how many of them the calling thread ran (the rest: workers). */
  get lastMatmul(): { tiles: number; onCaller: number } {
    return this.jobs.lastMatmul;
  }
}
