// The blocked matmul against the naive one on random shapes that straddle its block edges
// (KC = 128 along K, NC = 64 along N, 4×4 tiles) and reuse one instance's packing scratch.
import fc from "fast-check";
import { describe, it } from "vitest";
import { naiveMatmul } from "../src/naive-kernels";
import { TiledMatmul } from "../src/tiled-matmul";
import { randomArray } from "./helpers";

describe("TiledMatmul", () => {
  it("run(a, b, out, shape) equals naiveMatmul within float32 round-off on random shapes", () => {
    const tiled = new TiledMatmul(); // shared: scratch grows and shrinks across cases
    const dims = fc.oneof(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 60, max: 140 }));
    fc.assert(
      fc.property(
        fc.record({
          m: dims,
          n: dims,
          k: dims,
          transposeA: fc.boolean(),
          transposeB: fc.boolean(),
          accumulate: fc.boolean(),
          alpha: fc.constantFrom(1, -2.5, 0.125),
          seed: fc.integer({ min: 0, max: 1e6 }),
        }),
        ({ seed, ...shape }) => {
          const { m, n, k } = shape;
          const a = randomArray(m * k, seed);
          const b = randomArray(k * n, seed + 1);
          const out = randomArray(m * n, seed + 2);
          const want = out.slice();
          naiveMatmul(a, b, want, shape);
          tiled.run(a, b, out, shape);
          // |error| ≤ 2(k+2)·2^-24·(|alpha|·k + |out0|) with entries in [-1, 1].
          const bound = 2 * (k + 2) * 2 ** -24 * (Math.abs(shape.alpha) * k + 1);
          for (let i = 0; i < want.length; i++) {
            if (!(Math.abs(out[i] - want[i]) <= bound)) {
              throw new Error(`out[${i}] = ${out[i]}, want ${want[i]}`);
            }
          }
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });
});
