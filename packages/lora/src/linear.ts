// `Linear`: y = x Wᵀ + b with an explicit backward (llm.c `matmul_forward/backward`), frozen
// (the base weights under LoRA) or trainable (full fine-tuning, heads).
// Legend: R rows of x, I inFeatures, O outFeatures.
import type { Backend } from "./backend";
import {
  checkFloats,
  checkInteger,
  checkPositiveInteger,
  checkRows,
  outputBuffer,
  wantsOutput,
} from "./check-options";
import { kaimingUniform, uniform } from "./init";
import { NO_OUTPUT } from "./no-output";
import type { ForwardOptions, Parameter } from "./parameter";
import { Random } from "./random";
import { ReferenceBackend } from "./reference-backend";

/** Options of `new Linear`. */
export interface LinearOptions {
  inFeatures: number;
  outFeatures: number;
  /** `[outFeatures, inFeatures]` (PyTorch layout), used in place, not copied. Default: Kaiming-uniform as `nn.Linear`. */
  weight?: Float32Array;
  /** `[outFeatures]`, used in place; `true` creates one as `nn.Linear` does; default none. */
  bias?: Float32Array | boolean;
  /** When true, `backward` accumulates `gradWeight`/`gradBias`; default false (frozen), true with `gradWeight`. */
  trainable?: boolean;
  /**
   * `[outFeatures, inFeatures]` buffer `backward` accumulates dW into, used in place instead of
   * one of the layer's own (a model keeping every gradient in one map). Makes the layer trainable.
   */
  gradWeight?: Float32Array;
  /** Seed of the default initialisation (default 0). */
  seed?: number;
}

/**
 * The kernels a Linear calls: `matmul` always, `addBias` with a bias, `sumRows` with a trainable
 * bias, `retain`/`release` (where present) for a frozen weight. Any {@link Backend} fits; so does
 * a bare matmul (a test's naive one) for a layer without bias.
 */
export type LinearBackend = Pick<Backend, "name" | "matmul"> &
  Partial<Pick<Backend, "addBias" | "sumRows" | "retain" | "release">>;

/** What `Linear.backward` needs: x when trainable, nothing else. */
export interface LinearContext {
  rows: number;
  /** x `[R, I]` (trainable only; frozen layers need no activation for backward). */
  x: Float32Array | null;
  /** Bytes this context keeps alive. */
  bytes: number;
}

/**
 * A fully connected layer over a backend. Frozen weights are `retain`ed by the backend, which
 * may keep them resident; call `release()` when done with the layer.
 *
 * @example
 * const linear = new Linear({ inFeatures: 4, outFeatures: 2, weight, bias });
 * const { output, context } = await linear.forward(x); // x: [rows, 4] → output: [rows, 2]
 * const dx = await linear.backward(context!, dOutput);
 */
export class Linear {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Float32Array;
  readonly bias: Float32Array | null;
  readonly trainable: boolean;
  /** `[O, I]`, accumulated by `backward` when trainable, else null. */
  readonly gradWeight: Float32Array | null;
  /** `[O]`, accumulated by `backward` when trainable and biased, else null. */
  readonly gradBias: Float32Array | null;
  readonly backend: LinearBackend;

  constructor(options: LinearOptions, backend: LinearBackend = new ReferenceBackend()) {
    const fn = "new Linear()";
    const inF = checkPositiveInteger(fn, "inFeatures", options.inFeatures);
    const outF = checkPositiveInteger(fn, "outFeatures", options.outFeatures);
    const rng = new Random(checkInteger(fn, "seed", options.seed ?? 0));
    this.inFeatures = inF;
    this.outFeatures = outF;
    this.weight =
      options.weight === undefined
        ? kaimingUniform(new Float32Array(outF * inF), inF, rng)
        : checkFloats(fn, "weight", options.weight, outF * inF);
    const bias = options.bias ?? false;
    this.bias =
      bias === false
        ? null
        : bias === true
          ? uniform(new Float32Array(outF), 1 / Math.sqrt(inF), rng)
          : checkFloats(fn, "bias", bias, outF);
    const given = options.gradWeight;
    if (given !== undefined) checkFloats(fn, "gradWeight", given, outF * inF);
    if (given !== undefined && options.trainable === false) {
      throw new RangeError(`${fn}: gradWeight needs a trainable layer, got trainable false`);
    }
    this.trainable = options.trainable ?? given !== undefined;
    this.gradWeight = this.trainable ? (given ?? new Float32Array(outF * inF)) : null;
    this.gradBias = this.trainable && this.bias ? new Float32Array(outF) : null;
    if (this.bias && !backend.addBias) throw missingKernel(fn, "addBias", backend);
    if (this.gradBias && !backend.sumRows) throw missingKernel(fn, "sumRows", backend);
    this.backend = backend;
    if (!this.trainable) backend.retain?.(this.weight);
  }

  /** y `[R, O]` = x `[R, I]` · Wᵀ + b; the context holds x when trainable (`output: false`: only it). */
  async forward(
    x: Float32Array,
    options: ForwardOptions = {},
  ): Promise<{ output: Float32Array; context: LinearContext | null }> {
    const fn = "Linear.forward()";
    const rows = checkRows(fn, "x", x, this.inFeatures);
    const saved = this.trainable ? x : null;
    const context = { rows, x: saved, bytes: saved ? saved.byteLength : 0 };
    if (!wantsOutput(fn, options)) return { output: NO_OUTPUT, context };
    const output = outputBuffer(fn, "options.out", options.out, rows * this.outFeatures);
    await this.backend.matmul(x, this.weight, output, {
      m: rows,
      n: this.outFeatures,
      k: this.inFeatures,
      transposeB: true,
    });
    if (this.bias) await this.backend.addBias?.(output, this.bias, rows, this.outFeatures);
    return { output, context: options.save === false ? null : context };
  }

  /**
   * dx `[R, I]` = dY · W (into `dx` when given, overwritten); when trainable also dW += dYᵀ · x
   * and db += Σ_rows dY.
   */
  async backward(
    context: LinearContext,
    dOutput: Float32Array,
    dx?: Float32Array,
  ): Promise<Float32Array> {
    const fn = "Linear.backward()";
    const { rows } = context;
    checkFloats(fn, "dOutput", dOutput, rows * this.outFeatures);
    dx = outputBuffer(fn, "dx", dx, rows * this.inFeatures);
    const [I, O] = [this.inFeatures, this.outFeatures];
    await this.backend.matmul(dOutput, this.weight, dx, { m: rows, n: I, k: O });
    if (this.gradWeight) {
      if (!context.x) throw new Error(`${fn}: context was saved by a frozen layer`);
      const shape = { m: O, n: I, k: rows, transposeA: true, accumulate: true };
      await this.backend.matmul(dOutput, context.x, this.gradWeight, shape);
    }
    if (this.gradBias) await this.backend.sumRows?.(dOutput, rows, O, this.gradBias, true);
    return dx;
  }

  /** Weight (and bias) with their gradients when trainable; empty when frozen. */
  trainableParameters(): Parameter[] {
    const params: Parameter[] = [];
    if (this.gradWeight) {
      const shape = [this.outFeatures, this.inFeatures];
      params.push({ name: "weight", value: this.weight, grad: this.gradWeight, shape });
    }
    if (this.bias && this.gradBias) {
      params.push({
        name: "bias",
        value: this.bias,
        grad: this.gradBias,
        shape: [this.outFeatures],
      });
    }
    return params;
  }

  /** Set the gradients to zero. */
  zeroGrad(): void {
    this.gradWeight?.fill(0);
    this.gradBias?.fill(0);
  }

  /** Tell the backend the frozen weight is no longer used by this layer. */
  release(): void {
    if (!this.trainable) this.backend.release?.(this.weight);
  }
}

function missingKernel(fn: string, kernel: string, backend: LinearBackend): TypeError {
  return new TypeError(
    `${fn}: backend must have ${kernel} for a layer with a bias, got backend "${backend.name}" without it`,
  );
}
