// The `reference` backend: plain TypeScript, synchronous, no dependencies. The correctness
// reference for the other backends and the fallback everywhere: a blocked matmul
// (`tiled-matmul.ts`) and the naive elementwise, cross-entropy, attention, RMSNorm and SwiGLU
// kernels.
import { checkAttention, naiveAttentionBackward, naiveAttentionForward } from "./attention";
import type { AttentionStep, Backend, LoRAStep, MatmulShape } from "./backend";
import { checkCrossEntropyRows, naiveCrossEntropyRows } from "./cross-entropy-rows";
import { MatmulLoRAStep } from "./lora-step";
import { checkMatmul, checkMatrix, checkVector } from "./matmul-shape";
import { naiveAddBias, naiveAxpy, naiveMul, naiveScale } from "./naive-kernels";
import { checkRmsNorm, naiveRmsNormBackward, naiveRmsNormForward } from "./rms-norm";
import { checkSwiglu, naiveSwigluBackward, naiveSwigluForward } from "./swiglu";
import { TiledMatmul } from "./tiled-matmul";

/** Throws a RangeError naming `length` unless it is a non-negative integer (`Backend.allocate`). */
export function checkAllocateLength(length: number): void {
  if (!Number.isInteger(length) || length < 0) {
    throw new RangeError(`allocate(): length must be a non-negative integer, got ${length}`);
  }
}

/**
 * Plain TypeScript kernels. Weights are used where they are, so `retain`/`update`/`release`
 * have nothing to do, and `allocate` returns plain arrays. Create one with `createBackend("reference")` or `new ReferenceBackend()`.
 *
 * @example
 * const backend = new ReferenceBackend();
 * backend.matmul(x, w, y, { m: rows, n: outF, k: inF, transposeB: true }); // y = x · wᵀ
 */
export class ReferenceBackend implements Backend {
  readonly name = "reference";
  private readonly tiled = new TiledMatmul();
  private columnSums = new Float64Array(0);
  private readonly lora = new MatmulLoRAStep(this);

  matmul(a: Float32Array, b: Float32Array, out: Float32Array, shape: MatmulShape): void {
    checkMatmul("matmul()", a, b, out, shape);
    this.tiled.run(a, b, out, shape);
  }

  addBias(x: Float32Array, bias: Float32Array, rows: number, cols: number): void {
    checkMatrix("addBias()", "x", x, rows, cols);
    checkVector("addBias()", "bias", bias, cols);
    naiveAddBias(x, bias, rows, cols);
  }

  sumRows(
    x: Float32Array,
    rows: number,
    cols: number,
    out: Float32Array,
    accumulate = false,
  ): void {
    checkMatrix("sumRows()", "x", x, rows, cols);
    checkVector("sumRows()", "out", out, cols);
    // Row by row (contiguous reads) into float64 column sums.
    if (this.columnSums.length < cols) this.columnSums = new Float64Array(cols);
    const sums = this.columnSums.fill(0, 0, cols);
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      for (let c = 0; c < cols; c++) sums[c] += x[o + c];
    }
    for (let c = 0; c < cols; c++) out[c] = (accumulate ? out[c] : 0) + sums[c];
  }

  axpy(alpha: number, x: Float32Array, y: Float32Array): void {
    checkVector("axpy()", "x", x, y.length);
    naiveAxpy(alpha, x, y);
  }

  mul(a: Float32Array, b: Float32Array, out: Float32Array): void {
    checkVector("mul()", "a", a, out.length);
    checkVector("mul()", "b", b, out.length);
    naiveMul(a, b, out);
  }

  scale(x: Float32Array, alpha: number, out: Float32Array): void {
    checkVector("scale()", "x", x, out.length);
    naiveScale(x, alpha, out);
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

  crossEntropyRows(
    logits: Float32Array,
    labels: Int32Array,
    lse: Float32Array,
    rows: number,
    vocab: number,
    gradScale?: number,
  ): number {
    checkCrossEntropyRows("crossEntropyRows()", logits, labels, lse, rows, vocab, gradScale);
    return naiveCrossEntropyRows(logits, labels, lse, rows, vocab, gradScale);
  }

  attentionForward(step: AttentionStep, out: Float32Array): void {
    checkAttention("attentionForward()", step, out);
    naiveAttentionForward(step, out);
  }

  attentionBackward(
    step: AttentionStep,
    dOut: Float32Array,
    dq: Float32Array,
    dk: Float32Array,
    dv: Float32Array,
    dBias: Float32Array | null,
  ): void {
    checkAttention("attentionBackward()", step, { dOut, dq, dk, dv, dBias });
    naiveAttentionBackward(step, dOut, dq, dk, dv, dBias);
  }

  rmsNormForward(
    out: Float32Array,
    rstd: Float32Array,
    x: Float32Array,
    weight: Float32Array,
    rows: number,
    cols: number,
    eps: number,
  ): void {
    checkRmsNorm("rmsNormForward()", rows, cols, { out, rstd, x, weight });
    naiveRmsNormForward(out, rstd, x, weight, rows, cols, eps);
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
  ): void {
    checkRmsNorm("rmsNormBackward()", rows, cols, { dx, dweight, dOut, x, weight, rstd });
    naiveRmsNormBackward(dx, dweight, dOut, x, weight, rstd, rows, cols);
  }

  swigluForward(out: Float32Array, gate: Float32Array, up: Float32Array, length: number): void {
    checkSwiglu("swigluForward()", length, { out, gate, up });
    naiveSwigluForward(out, gate, up, length);
  }

  swigluBackward(
    dgate: Float32Array,
    dup: Float32Array,
    dOut: Float32Array,
    gate: Float32Array,
    up: Float32Array,
    length: number,
  ): void {
    checkSwiglu("swigluBackward()", length, { dgate, dup, dOut, gate, up });
    naiveSwigluBackward(dgate, dup, dOut, gate, up, length);
  }

  /** A plain Float32Array: this backend uses arrays where they are. */
  allocate(length: number): Float32Array {
    checkAllocateLength(length);
    return new Float32Array(length);
  }

  free(_array: Float32Array): void {}

  retain(_buffer: Float32Array): void {}

  update(_buffer: Float32Array): void {}

  release(_buffer: Float32Array): void {}

  dispose(): void {}
}
