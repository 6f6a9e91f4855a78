// Numeric stages for the executor tests: dense layers with dropout and tanh, and a squared-error
// loss, each with an explicit forward and backward over Float64Arrays (d = width).

import type { Stage } from "../src/index.js";
import { stageRandom } from "../src/index.js";

/**
 * A dense + dropout + tanh stage that counts its forwards and honours `output: false`; gradients
 * accumulate in gW, gb.
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
  readonly t: Float64Array; // tanh(z), [d]
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
    forward(x, { save, output, rng }) {
      stage.forwards++;
      if (!output) stage.contextForwards++;
      const t = new Float64Array(d);
      const mask = new Float64Array(d);
      const y = new Float64Array(d);
      for (let i = 0; i < d; i++) {
        let z = b[i];
        for (let k = 0; k < d; k++) z += W[i * d + k] * x[k];
        t[i] = Math.tanh(z);
        mask[i] = rng() < dropout ? 0 : 1 / (1 - dropout);
        y[i] = t[i] * mask[i];
      }
      return wrap({ output: output ? y : undefined, context: save ? { t, mask } : undefined });
    },
    backward(context, x, dy) {
      const dx = new Float64Array(d);
      for (let i = 0; i < d; i++) {
        const dz = dy[i] * context.mask[i] * (1 - context.t[i] * context.t[i]);
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

/** loss = ½‖x‖²; its backward seeds the gradient itself (gradOutput is undefined). */
export const squaredLoss: Stage<Float64Array, number, null, Float64Array, undefined> = {
  forward: (x) => ({ output: x.reduce((sum, v) => sum + v * v, 0) / 2, context: null }),
  backward: (_context, x) => Float64Array.from(x),
};
