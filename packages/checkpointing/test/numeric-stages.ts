// Numeric stages for the executor tests: dense layers with dropout and tanh, and a squared-error
// loss, each with an explicit forward and backward over Float64Arrays (d = width).

import type { Stage } from "../src/index.js";
import { stageRandom } from "../src/index.js";

/**
 * A dense + dropout + tanh stage that counts its forwards and honours `output: false` and `lean`
 * (keeps the mask only); gradients accumulate in gW, gb.
 */
export interface DenseStage
  extends Stage<Float64Array, Float64Array, DenseContext, Float64Array, Float64Array> {
  readonly gW: Float64Array; // [d, d]
  readonly gb: Float64Array; // [d]
  forwards: number;
  /** Forwards asked for the context alone (`output: false`), which build no output. */
  contextForwards: number;
}

interface DenseContext {
  readonly t: Float64Array | null; // tanh(z), [d]; null in a lean context (backward rebuilds it)
  readonly mask: Float64Array; // dropout scale per unit, [d]
}

/** y = tanh(W x + b) ⊙ mask, mask from `rng`: 0 with odds `dropout`, else 1 / (1 − dropout). */
export function denseStage(seed: number, d: number, dropout: number, async: boolean): DenseStage {
  const random = stageRandom(seed, 99);
  const W = Float64Array.from({ length: d * d }, () => (random() - 0.5) / Math.sqrt(d)); // [d, d]
  const b = Float64Array.from({ length: d }, () => random() - 0.5); // [d]
  const wrap = <T>(value: T) => (async ? Promise.resolve(value) : value);
  const stage: DenseStage = {
    gW: new Float64Array(d * d),
    gb: new Float64Array(d),
    forwards: 0,
    contextForwards: 0,
    forward(x, { save, output, lean, rng }) {
      stage.forwards++;
      if (!output) stage.contextForwards++;
      const t = new Float64Array(d);
      const mask = new Float64Array(d);
      const y = new Float64Array(d);
      t.set(tanhLayer(W, b, x, d));
      for (let i = 0; i < d; i++) {
        mask[i] = rng() < dropout ? 0 : 1 / (1 - dropout);
        y[i] = t[i] * mask[i];
      }
      const context = save ? { t: lean ? null : t, mask } : undefined;
      return wrap({ output: output ? y : undefined, context });
    },
    backward(context, x, dy) {
      const dx = new Float64Array(d);
      const t = context.t ?? tanhLayer(W, b, x, d); // a lean context: rebuild tanh(z)
      for (let i = 0; i < d; i++) {
        const dz = dy[i] * context.mask[i] * (1 - t[i] * t[i]);
        stage.gb[i] += dz;
        for (let k = 0; k < d; k++) {
          stage.gW[i * d + k] += dz * x[k];
          dx[k] += W[i * d + k] * dz;
        }
      }
      return wrap(dx);
    },
  };
  return stage;
}

/** tanh(W x + b), [d]. */
function tanhLayer(W: Float64Array, b: Float64Array, x: Float64Array, d: number): Float64Array {
  const t = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let z = b[i];
    for (let k = 0; k < d; k++) z += W[i * d + k] * x[k];
    t[i] = Math.tanh(z);
  }
  return t;
}

/** loss = ½‖x‖²; its backward seeds the gradient itself (gradOutput is undefined). */
export const squaredLoss: Stage<Float64Array, number, null, Float64Array, undefined> = {
  forward: (x) => ({ output: x.reduce((sum, v) => sum + v * v, 0) / 2, context: null }),
  backward: (_context, x) => Float64Array.from(x),
};
