// A LoRA layer step (`Backend.loraForward` / `loraBackward`) as the plain matmuls it stands for:
// the reference and gpu.js backends run it this way, and it is the specification the wasm
// backend's fused version is tested against.
// Legend: R rows, I inFeatures, O outFeatures, K rank.
import type { Backend, LoRAStep } from "./backend";
import { checkMatrix } from "./matmul-shape";

/** Throws a RangeError/TypeError naming the operand that does not fit the step's sizes. */
function checkLoRAStep(fn: string, step: LoRAStep): void {
  const { rows: R, inFeatures: I, outFeatures: O, rank: K } = step;
  if (!Number.isFinite(step.scaling)) {
    throw new RangeError(`${fn}: step.scaling must be a finite number, got ${step.scaling}`);
  }
  checkMatrix(fn, "step.x", step.x, R, I);
  checkMatrix(fn, "step.weight", step.weight, O, I);
  checkMatrix(fn, "step.loraA", step.loraA, K, I);
  checkMatrix(fn, "step.loraB", step.loraB, O, K);
  checkMatrix(fn, "step.xa", step.xa, R, K);
}

/** Validates the arguments of `Backend.loraForward`, naming the one that does not fit. */
export function checkLoRAForward(step: LoRAStep, out: Float32Array): void {
  checkLoRAStep("loraForward()", step);
  checkMatrix("loraForward()", "out", out, step.rows, step.outFeatures);
}

/** Validates the arguments of `Backend.loraBackward`, naming the one that does not fit. */
export function checkLoRABackward(
  step: LoRAStep,
  dOutput: Float32Array,
  dx: Float32Array,
  gradA: Float32Array,
  gradB: Float32Array,
): void {
  const fn = "loraBackward()";
  checkLoRAStep(fn, step);
  const { rows: R, inFeatures: I, outFeatures: O, rank: K } = step;
  checkMatrix(fn, "dOutput", dOutput, R, O);
  checkMatrix(fn, "dx", dx, R, I);
  checkMatrix(fn, "gradA", gradA, K, I);
  checkMatrix(fn, "gradB", gradB, O, K);
}

/**
 * Runs LoRA steps on any backend through its `matmul`, keeping dh `[R, K]` between calls.
 *
 * @example
 * const lora = new MatmulLoRAStep(backend);
 * await lora.forward(step, out);
 * await lora.backward(step, dOutput, dx, gradA, gradB);
 */
export class MatmulLoRAStep {
  private dh = new Float32Array(0);

  constructor(private readonly backend: Backend) {}

  /** xa = x·Aᵀ; out = x·Wᵀ + scaling · xa·Bᵀ. */
  async forward(step: LoRAStep, out: Float32Array): Promise<void> {
    checkLoRAForward(step, out);
    const { rows: R, inFeatures: I, outFeatures: O, rank: K } = step;
    const be = this.backend;
    await be.matmul(step.x, step.loraA, step.xa, { m: R, n: K, k: I, transposeB: true });
    await be.matmul(step.x, step.weight, out, { m: R, n: O, k: I, transposeB: true });
    await be.matmul(step.xa, step.loraB, out, {
      ...{ m: R, n: O, k: K, transposeB: true },
      ...{ accumulate: true, alpha: step.scaling },
    });
  }

  /** dx = dY·W + dh·A, gradB += scaling · dYᵀ·xa, gradA += dhᵀ·x, dh = scaling · dY·B. */
  async backward(
    step: LoRAStep,
    dOutput: Float32Array,
    dx: Float32Array,
    gradA: Float32Array,
    gradB: Float32Array,
  ): Promise<void> {
    checkLoRABackward(step, dOutput, dx, gradA, gradB);
    const { rows: R, inFeatures: I, outFeatures: O, rank: K, scaling } = step;
    const be = this.backend;
    if (this.dh.length < R * K) this.dh = new Float32Array(R * K);
    const dh = this.dh.subarray(0, R * K);
    await be.matmul(dOutput, step.weight, dx, { m: R, n: I, k: O });
    await be.matmul(dOutput, step.xa, gradB, {
      ...{ m: O, n: K, k: R, alpha: scaling },
      ...{ transposeA: true, accumulate: true },
    });
    await be.matmul(dOutput, step.loraB, dh, { m: R, n: K, k: O, alpha: scaling });
    await be.matmul(dh, step.x, gradA, { m: K, n: I, k: R, transposeA: true, accumulate: true });
    await be.matmul(dh, step.loraA, dx, { m: R, n: I, k: K, accumulate: true });
  }
}
