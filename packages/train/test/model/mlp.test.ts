import { Linear, ReferenceBackend } from "@kairos/lora";
import { expect, it } from "vitest";
import {
  FROZEN_BLOCK_FLOATS,
  frozenBlockRows,
  mlpBackward,
  mlpForward,
} from "../../src/model/mlp.js";
import { Scratch } from "../../src/model/scratch.js";
import { maxRelError, randomFloats } from "../helpers/finite-difference.js";

it("mlpForward/mlpBackward of a frozen MLP run in row blocks and match the whole-batch trainable path", async () => {
  const backend = new ReferenceBackend();
  const [C, I] = [8, 2048]; // wide enough that a block is a few hundred rows
  const N = (2 * FROZEN_BLOCK_FLOATS) / I + 37; // three even blocks, the last one row short
  const w = [I * C, I * C, C * I].map((n, k) => randomFloats(new Float32Array(n), 40 + k));
  const shapes = [
    [I, C],
    [I, C],
    [C, I],
  ] as const;
  const frozen = shapes.map(
    ([o, i], k) => new Linear({ inFeatures: i, outFeatures: o, weight: w[k] }, backend),
  );
  // Trainable projections take the single-block path (their contexts keep inputs).
  const dense = shapes.map(
    ([o, i], k) =>
      new Linear({ inFeatures: i, outFeatures: o, weight: w[k], trainable: true }, backend),
  );
  const x = randomFloats(new Float32Array(N * C), 7);
  const dy = randomFloats(new Float32Array(N * C), 8);
  const run = async (p: Linear[]) => {
    const projections = { gate_proj: p[0], up_proj: p[1], down_proj: p[2] };
    const scratch = new Scratch();
    const f = await mlpForward(x, projections, () => ({}), scratch, true);
    const dx = await mlpBackward(f.context!, dy, projections, scratch);
    return { y: Array.from(f.output), dx: Array.from(dx), blockRows: f.context!.blockRows };
  };
  const a = await run(frozen);
  const b = await run(dense);
  expect(a.blockRows).toBe(frozenBlockRows(N, I));
  expect(Math.ceil(N / a.blockRows)).toBe(3);
  expect(N % a.blockRows).not.toBe(0); // a shorter last block
  expect(b.blockRows).toBe(N);
  expect(maxRelError(a.y, b.y)).toBeLessThan(1e-6);
  expect(maxRelError(a.dx, b.dx)).toBeLessThan(1e-6);
});
