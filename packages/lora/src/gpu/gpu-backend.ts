// The `gpu` backend: matmuls on gpu.js (WebGL2/WebGPU in a browser; headless-gl, WebGPU via
// Dawn, or gpu.js's `webasm`/`cpu` in Node), everything small or elementwise on the reference
// backend. Elementwise kernels stay on the host: their data lives in host Float32Arrays, and a
// device round trip costs two transfers for one flop per element.

import type { AttentionStep, Backend, LoRAStep, MatmulShape } from "../backend";
import { MatmulLoRAStep } from "../lora-step";
import { checkMatmul } from "../matmul-shape";
import { ReferenceBackend } from "../reference-backend";
import type { GpuInstance, GpuKernel, GpuTexture } from "./gpu-js";
import { MatmulKernels } from "./matmul-kernels";

/** Largest integer a float32 index holds exactly. */
const MAX_EXACT_FLOAT_INDEX = 2 ** 24;

/** Modes in which gpu.js keeps arrays in device memory (textures or GPU buffers). */
const DEVICE_MODES = new Set(["webgl", "webgl2", "headlessgl", "webgpu"]);

/**
 * Default of `minWork`, the multiply-adds (m·n·k) below which a matmul runs on the reference
 * backend. On a device, 2^18 multiply-adds take the reference ~0.25 ms at 2 GFLOP/s, about one
 * upload + launch + readback (not measured on a GPU yet). gpu.js's host engines were measured
 * 1.5–6× slower than the reference at every size from 2^12 to 2^28 (webasm, Node 20, 2 cores),
 * so there the default sends every matmul to the reference; pass `minWork: 0` to force gpu.js.
 */
export function defaultMinGpuWork(mode: string): number {
  return DEVICE_MODES.has(mode) ? 2 ** 18 : Number.POSITIVE_INFINITY;
}

/** A retained buffer's device copy (a promise: WebGPU uploads are asynchronous). */
type Resident = Promise<GpuTexture>;

/**
 * gpu.js matmuls behind the `Backend` contract. Create with `createGpuBackend()` from
 * `@kairos/lora/gpu`, which loads gpu.js lazily; `name` reports the mode gpu.js really runs.
 */
export class GpuBackend implements Backend {
  readonly name: string;
  private readonly reference = new ReferenceBackend();
  private readonly lora = new MatmulLoRAStep(this);
  private readonly kernels: MatmulKernels;
  private readonly uploads = new Map<number, GpuKernel>();
  private readonly resident = new Map<Float32Array, Resident>();
  private readonly deviceMemory: boolean;

  /** @param mode the mode gpu.js selected (e.g. `webgl2`, `webasm`). */
  constructor(
    private readonly gpu: GpuInstance,
    mode: string,
    private readonly minWork = defaultMinGpuWork(mode),
  ) {
    this.name = `gpu:${mode}`;
    this.deviceMemory = DEVICE_MODES.has(mode);
    this.kernels = new MatmulKernels(gpu);
  }

  async matmul(
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    shape: MatmulShape,
  ): Promise<void> {
    checkMatmul("matmul()", a, b, out, shape);
    const {
      m,
      n,
      k,
      transposeA = false,
      transposeB = false,
      accumulate = false,
      alpha = 1,
    } = shape;
    // GL shaders index with floats (gpu.js constants are Float): exact only below 2^24.
    const tooLarge = this.deviceMemory && Math.max(m * k, k * n) > MAX_EXACT_FLOAT_INDEX;
    if (m * n * k < this.minWork || k === 0 || tooLarge) {
      this.reference.matmul(a, b, out, shape);
      return;
    }
    const aIn = (await this.resident.get(a)) ?? a;
    const bIn = (await this.resident.get(b)) ?? b;
    const inputs = `${aIn === a ? "h" : "d"}${bIn === b ? "h" : "d"}`;
    const kernel = this.kernels.get(m, n, k, transposeA, transposeB, inputs);
    const rows = (await kernel(aIn, bIn)) as ArrayLike<number>[]; // [M] rows of [N]
    for (let i = 0; i < m; i++) {
      const row = rows[i];
      const o = i * n;
      if (accumulate) for (let j = 0; j < n; j++) out[o + j] += alpha * row[j];
      else if (alpha === 1) out.set(row as Float32Array, o);
      else for (let j = 0; j < n; j++) out[o + j] = alpha * row[j];
    }
  }

  addBias(x: Float32Array, bias: Float32Array, rows: number, cols: number): void {
    this.reference.addBias(x, bias, rows, cols);
  }

  sumRows(
    x: Float32Array,
    rows: number,
    cols: number,
    out: Float32Array,
    accumulate?: boolean,
  ): void {
    this.reference.sumRows(x, rows, cols, out, accumulate);
  }

  axpy(alpha: number, x: Float32Array, y: Float32Array): void {
    this.reference.axpy(alpha, x, y);
  }

  mul(a: Float32Array, b: Float32Array, out: Float32Array): void {
    this.reference.mul(a, b, out);
  }

  scale(x: Float32Array, alpha: number, out: Float32Array): void {
    this.reference.scale(x, alpha, out);
  }

  /** On the host (the reference kernel): a pass over the logits, one exp per element. */
  crossEntropyRows(
    logits: Float32Array,
    labels: Int32Array,
    lse: Float32Array,
    rows: number,
    vocab: number,
    gradScale?: number,
  ): number {
    return this.reference.crossEntropyRows(logits, labels, lse, rows, vocab, gradScale);
  }

  /**
   * On the host (the reference kernel), as every non-matmul op here: attention's operands live in
   * host arrays, and its per-(sequence, head) products are too small for a device round trip.
   */
  attentionForward(step: AttentionStep, out: Float32Array): void {
    this.reference.attentionForward(step, out);
  }

  /** On the host (the reference kernel), as the forward. */
  attentionBackward(
    step: AttentionStep,
    dOut: Float32Array,
    dq: Float32Array,
    dk: Float32Array,
    dv: Float32Array,
    dBias: Float32Array | null,
  ): void {
    this.reference.attentionBackward(step, dOut, dq, dk, dv, dBias);
  }

  /** On the host (the reference kernel): elementwise over rows, no device round trip pays. */
  rmsNormForward(
    out: Float32Array,
    rstd: Float32Array,
    x: Float32Array,
    weight: Float32Array,
    rows: number,
    cols: number,
    eps: number,
  ): void {
    this.reference.rmsNormForward(out, rstd, x, weight, rows, cols, eps);
  }

  /** On the host (the reference kernel), as the forward. */
  rmsNormBackward(
    dx: Float32Array,
    dweight: Float32Array | null,
    dOut: Float32Array,
    x: Float32Array,
    weight: Float32Array,
    rstd: Float32Array,
    rows: number,
    cols: number,
  ): void {
    this.reference.rmsNormBackward(dx, dweight, dOut, x, weight, rstd, rows, cols);
  }

  /** On the host (the reference kernel), as RMSNorm. */
  swigluForward(out: Float32Array, gate: Float32Array, up: Float32Array, length: number): void {
    this.reference.swigluForward(out, gate, up, length);
  }

  /** On the host (the reference kernel), as the forward. */
  swigluBackward(
    dgate: Float32Array,
    dup: Float32Array,
    dOut: Float32Array,
    gate: Float32Array,
    up: Float32Array,
    length: number,
  ): void {
    this.reference.swigluBackward(dgate, dup, dOut, gate, up, length);
  }

  loraForward(step: LoRAStep, out: Float32Array): Promise<void> {
    return this.lora.forward(step, out);
  }

  loraBackward(
    step: LoRAStep,
    dOutput: Float32Array,
    dx: Float32Array,
    gradA: Float32Array,
    gradB: Float32Array,
  ): Promise<void> {
    return this.lora.backward(step, dOutput, dx, gradA, gradB);
  }

  /** A plain Float32Array: gpu.js uploads its inputs per kernel call anyway. */
  allocate(length: number): Float32Array {
    return this.reference.allocate(length);
  }

  free(_array: Float32Array): void {}

  /** Uploads `buffer` once as an immutable pipeline texture where gpu.js has device memory. */
  retain(buffer: Float32Array): void {
    if (!this.deviceMemory || this.resident.has(buffer) || buffer.length === 0) return;
    let upload = this.uploads.get(buffer.length);
    if (!upload) {
      upload = this.gpu.createKernel(
        function (this: { thread: { x: number } }, x: Float32Array) {
          return x[this.thread.x];
        } as never,
        { output: [buffer.length], pipeline: true, immutable: true, precision: "single" },
      );
      this.uploads.set(buffer.length, upload);
    }
    const texture = Promise.resolve(upload(buffer) as GpuTexture);
    texture.catch(() => this.resident.delete(buffer)); // a failed upload falls back to the host copy
    this.resident.set(buffer, texture);
  }

  /** Re-uploads a retained buffer whose contents changed (merge/unmerge). */
  update(buffer: Float32Array): void {
    if (!this.resident.has(buffer)) return;
    this.release(buffer);
    this.retain(buffer);
  }

  /** Deletes the device copy of a retained buffer. */
  release(buffer: Float32Array): void {
    const texture = this.resident.get(buffer);
    this.resident.delete(buffer);
    texture?.then(
      (t) => t.delete?.(),
      () => {},
    );
  }

  async dispose(): Promise<void> {
    for (const buffer of [...this.resident.keys()]) this.release(buffer);
    this.kernels.clear();
    for (const upload of this.uploads.values()) upload.destroy?.();
    this.uploads.clear();
    await this.gpu.destroy();
  }
}
