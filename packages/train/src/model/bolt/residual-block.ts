// Chronos-Bolt's `ResidualBlock`: y = output_layer(act(hidden_layer(x))) + residual_layer(x), three
// biased linear layers under their HF names (`input_patch_embedding.hidden_layer.weight`, …), with
// an explicit forward and backward (llm.c style). The published block's dropout is not applied
// (as the T5 core here has none: evaluation, and LoRA fine-tuning with LoRA's own dropout); its
// optional layer norm is off in every published model and not supported.
// Legend: N rows, I in features, F hidden size, O out features.
import type { MatmulBackend } from "../matmul.js";
import type { Scratch } from "../scratch.js";
import { geluNew, geluNewGrad } from "../t5/gelu-new.js";

/** The three layers of a block: weight and bias keys, `${prefix}.hidden_layer.weight` etc. */
export const RESIDUAL_LAYERS = ["hidden_layer", "output_layer", "residual_layer"] as const;

/** Tensor shapes of a block with prefix `prefix` ([out, in] weights, [out] biases). */
export function residualBlockShapes(
  prefix: string,
  inFeatures: number,
  hidden: number,
  outFeatures: number,
): Map<string, number[]> {
  const dims = { hidden_layer: [hidden, inFeatures], output_layer: [outFeatures, hidden] };
  const shapes = new Map<string, number[]>();
  for (const layer of RESIDUAL_LAYERS) {
    const [o, i] = layer === "residual_layer" ? [outFeatures, inFeatures] : dims[layer];
    shapes.set(`${prefix}.${layer}.weight`, [o, i]);
    shapes.set(`${prefix}.${layer}.bias`, [o]);
  }
  return shapes;
}

/** What {@link ResidualBlock.backward} needs beyond the input: the hidden pre-activation. */
export interface ResidualBlockContext {
  z: Float32Array | null; // [N, F] pooled; null when nothing needs a backward
  bytes: number;
}

const act = (relu: boolean, z: number) => (relu ? Math.max(z, 0) : geluNew(z));
const actGrad = (relu: boolean, z: number) => (relu ? (z > 0 ? 1 : 0) : geluNewGrad(z));

function addBias(out: Float32Array, bias: Float32Array, O: number): void {
  for (let i = 0; i < out.length; i++) out[i] += bias[i % O];
}

function sumRows(grad: Float32Array, d: Float32Array, O: number): void {
  for (let i = 0; i < d.length; i++) grad[i % O] += d[i];
}

/** One block over weights in a model's map (and gradients, when trainable). */
export class ResidualBlock {
  readonly inFeatures: number;
  readonly hidden: number;
  readonly outFeatures: number;
  private readonly w: Float32Array[]; // hidden W, b, output W, b, residual W, b
  private readonly g: (Float32Array | null)[];
  private readonly relu: boolean;

  constructor(
    readonly prefix: string,
    weights: Map<string, Float32Array>,
    grads: Map<string, Float32Array> | null,
    activation: "relu" | "gelu_new",
    private readonly backend: MatmulBackend,
    private readonly scratch: Scratch,
  ) {
    const keys = RESIDUAL_LAYERS.flatMap((l) => [`${prefix}.${l}.weight`, `${prefix}.${l}.bias`]);
    this.w = keys.map((k) => weights.get(k) as Float32Array);
    this.g = keys.map((k) => grads?.get(k) ?? null);
    this.outFeatures = this.w[1 + 4].length;
    this.hidden = this.w[1].length;
    this.inFeatures = this.w[0].length / this.hidden;
    this.relu = activation === "relu";
  }

  /** True when `backward` accumulates weight gradients. */
  get trainable(): boolean {
    return this.g[0] !== null;
  }

  /**
   * y [N, O] (into `out`) of x [N, I]; with `save`, the context (the pooled pre-activation
   * z [N, F]) when a backward will need it: `needInputGrad`, or a trainable block.
   */
  async forward(
    x: Float32Array,
    out: Float32Array,
    save: boolean,
    needInputGrad: boolean,
  ): Promise<ResidualBlockContext | null> {
    const [I, F, O] = [this.inFeatures, this.hidden, this.outFeatures];
    const N = x.length / I;
    const [wh, bh, wo, bo, wr, br] = this.w;
    const z = this.scratch.acquire(N * F);
    await this.backend.matmul(x, wh, z, { m: N, n: F, k: I, transposeB: true });
    addBias(z, bh, F);
    const a = this.scratch.get("bolt.residual.a", N * F);
    for (let i = 0; i < a.length; i++) a[i] = act(this.relu, z[i]);
    await this.backend.matmul(a, wo, out, { m: N, n: O, k: F, transposeB: true });
    await this.backend.matmul(x, wr, out, { m: N, n: O, k: I, transposeB: true, accumulate: true });
    addBias(out, bo, O);
    addBias(out, br, O);
    const keep = save && (needInputGrad || this.trainable);
    if (!keep) this.scratch.release(z);
    if (!save) return null;
    return keep ? { z, bytes: z.byteLength } : { z: null, bytes: 0 };
  }

  /**
   * Accumulates weight gradients (when trainable) of dy [N, O] for input x [N, I]; writes dx
   * [N, I] into `dx` when given (overwritten). Consumes the context.
   */
  async backward(
    ctx: ResidualBlockContext,
    x: Float32Array,
    dy: Float32Array,
    dx: Float32Array | null,
  ): Promise<void> {
    const { z } = ctx;
    if (!z) return;
    const [I, F, O] = [this.inFeatures, this.hidden, this.outFeatures];
    const N = x.length / I;
    const [wh, , wo, , wr] = this.w;
    const [gwh, gbh, gwo, gbo, gwr, gbr] = this.g;
    const acc = { transposeA: true, accumulate: true };
    if (gwo && gbo && gwr && gbr) {
      const a = this.scratch.get("bolt.residual.a", N * F);
      for (let i = 0; i < a.length; i++) a[i] = act(this.relu, z[i]);
      await this.backend.matmul(dy, a, gwo, { m: O, n: F, k: N, ...acc });
      await this.backend.matmul(dy, x, gwr, { m: O, n: I, k: N, ...acc });
      sumRows(gbo, dy, O);
      sumRows(gbr, dy, O);
    }
    const dz = this.scratch.get("bolt.residual.dz", N * F);
    await this.backend.matmul(dy, wo, dz, { m: N, n: F, k: O });
    for (let i = 0; i < dz.length; i++) dz[i] *= actGrad(this.relu, z[i]);
    if (gwh && gbh) {
      await this.backend.matmul(dz, x, gwh, { m: F, n: I, k: N, ...acc });
      sumRows(gbh, dz, F);
    }
    if (dx) {
      await this.backend.matmul(dz, wh, dx, { m: N, n: I, k: F });
      await this.backend.matmul(dy, wr, dx, { m: N, n: I, k: O, accumulate: true });
    }
    this.scratch.release(z);
  }
}
