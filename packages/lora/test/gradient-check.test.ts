// Finite-difference checks in float64: an independent float64 forward written out here with
// plain loops, its central differences against the analytic gradients of the float32 layers.
import { describe, expect, it } from "vitest";
import { dropout } from "../src/dropout";
import { Linear } from "../src/linear";
import { LoRALinear } from "../src/lora-linear";
import { randomArray } from "./helpers";

const [R, I, O, K] = [6, 5, 4, 3]; // rows, inFeatures, outFeatures, rank

/** Σ_ij g[i,j] · y[i,j] for y = x Wᵀ + b + s · ((m ⊙ x) Aᵀ) Bᵀ, all in float64. */
function loss(
  v: { x: Float64Array; w: Float64Array; b: Float64Array; a: Float64Array; bB: Float64Array },
  mask: Float64Array,
  scaling: number,
  g: Float64Array,
): number {
  let total = 0;
  for (let r = 0; r < R; r++) {
    const xa = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      for (let i = 0; i < I; i++) xa[k] += mask[r * I + i] * v.x[r * I + i] * v.a[k * I + i];
    }
    for (let o = 0; o < O; o++) {
      let y = v.b[o];
      for (let i = 0; i < I; i++) y += v.x[r * I + i] * v.w[o * I + i];
      for (let k = 0; k < K; k++) y += scaling * xa[k] * v.bB[o * K + k];
      total += g[r * O + o] * y;
    }
  }
  return total;
}

/** Central differences of `f` with respect to every entry of `param`, in float64. */
function numericGrad(param: Float64Array, f: () => number, h = 1e-6): Float64Array {
  const grad = new Float64Array(param.length);
  for (let i = 0; i < param.length; i++) {
    const keep = param[i];
    param[i] = keep + h;
    const up = f();
    param[i] = keep - h;
    const down = f();
    param[i] = keep;
    grad[i] = (up - down) / (2 * h);
  }
  return grad;
}

function expectClose(got: Float32Array, want: Float64Array): void {
  const scale = Math.max(1, ...Array.from(want, Math.abs));
  const worst = Math.max(...Array.from(want, (w, i) => Math.abs(got[i] - w)));
  expect(worst / scale).toBeLessThan(1e-5);
  expect(Math.max(...Array.from(want, Math.abs))).toBeGreaterThan(1e-3); // not vacuous
}

describe("finite differences", () => {
  it.each([
    { dropout: 0, useRslora: false },
    { dropout: 0, useRslora: true },
    { dropout: 0.4, useRslora: false },
    { dropout: 0.4, useRslora: true },
  ])(
    "LoRALinear backward() gives dA, dB, dx of the float64 loss (dropout $dropout, rsLoRA $useRslora)",
    async (options) => {
      const weight = randomArray(O * I, 1);
      const bias = randomArray(O, 2);
      const layer = new LoRALinear({
        inFeatures: I,
        outFeatures: O,
        rank: K,
        alpha: 5,
        weight,
        bias,
        ...options,
      });
      layer.loraB.set(randomArray(O * K, 3)); // B = 0 would hide dA and the adapter's share of dx
      const x = randomArray(R * I, 4);
      const g = randomArray(R * O, 5);
      const { context, dropoutSeed } = await layer.forward(x);
      const dx = await layer.backward(context!, g);
      const mask = new Float64Array(R * I).fill(1);
      if (dropoutSeed !== null) {
        mask.set(
          dropout(
            new Float32Array(R * I).fill(1),
            options.dropout,
            dropoutSeed,
            new Float32Array(R * I),
          ),
        );
        expect(mask.some((v) => v === 0)).toBe(true);
      }
      const v = {
        ...{ x: Float64Array.from(x), w: Float64Array.from(weight), b: Float64Array.from(bias) },
        ...{ a: Float64Array.from(layer.loraA), bB: Float64Array.from(layer.loraB) },
      };
      const f = () => loss(v, mask, layer.scaling, Float64Array.from(g));
      expectClose(layer.gradA, numericGrad(v.a, f));
      expectClose(layer.gradB, numericGrad(v.bB, f));
      expectClose(dx, numericGrad(v.x, f));
    },
  );

  it("Linear backward() gives dW, db, dx of the float64 loss when trainable", async () => {
    const weight = randomArray(O * I, 6);
    const bias = randomArray(O, 7);
    const layer = new Linear({ inFeatures: I, outFeatures: O, weight, bias, trainable: true });
    const x = randomArray(R * I, 8);
    const g = randomArray(R * O, 9);
    const { context } = await layer.forward(x);
    const dx = await layer.backward(context!, g);
    const v = {
      ...{ x: Float64Array.from(x), w: Float64Array.from(weight), b: Float64Array.from(bias) },
      ...{ a: new Float64Array(K * I), bB: new Float64Array(O * K) },
    };
    const f = () => loss(v, new Float64Array(R * I).fill(1), 0, Float64Array.from(g));
    expectClose(layer.gradWeight!, numericGrad(v.w, f));
    expectClose(layer.gradBias!, numericGrad(v.b, f));
    expectClose(dx, numericGrad(v.x, f));
  });
});
