import { createBackend } from "@kairos/lora";
import { describe, expect, it } from "vitest";
import {
  rmsNormBackward,
  rmsNormBackwardOn,
  rmsNormForward,
  rmsNormForwardOn,
} from "../../src/model/rms-norm.js";
import {
  dotWith,
  maxRelError,
  numericGradient,
  randomFloats,
  spread,
} from "../helpers/finite-difference.js";
import { naiveBackend } from "../helpers/naive-backend.js";

describe("rmsNorm", () => {
  const N = 3;
  const C = 8;
  const eps = 1e-6;
  const x = randomFloats(new Float64Array(N * C), 1);
  const w = randomFloats(new Float64Array(C), 2);
  const r = randomFloats(new Float64Array(N * C), 3);
  const f = () => {
    const out = new Float64Array(N * C);
    rmsNormForward(out, new Float64Array(N), x, w, N, C, eps);
    return dotWith(out, r);
  };

  it("rmsNormForward(...) divides each row by its root mean square and scales by weight", () => {
    const out = new Float64Array(N * C);
    const rstd = new Float64Array(N);
    rmsNormForward(out, rstd, x, w, N, C, eps);
    let ss = 0;
    for (let c = 0; c < C; c++) ss += x[C + c] ** 2;
    const rms = Math.sqrt(ss / C + eps);
    expect(rstd[1]).toBeCloseTo(1 / rms, 12);
    expect(out[C + 5]).toBeCloseTo((w[5] * x[C + 5]) / rms, 12);
  });

  it("rmsNormBackward(...) matches finite differences for x and weight (float64)", async () => {
    const out = new Float64Array(N * C);
    const rstd = new Float64Array(N);
    rmsNormForward(out, rstd, x, w, N, C, eps);
    const dx = new Float64Array(N * C);
    const dw = new Float64Array(C);
    rmsNormBackward(dx, dw, r, x, w, rstd, N, C);
    const ix = spread(N * C, N * C);
    expect(maxRelError(Array.from(dx), await numericGradient(f, x, ix, 1e-6))).toBeLessThan(1e-6);
    expect(
      maxRelError(Array.from(dw), await numericGradient(f, w, spread(C, C), 1e-6)),
    ).toBeLessThan(1e-6);
  });
});

describe("rmsNorm on a backend", () => {
  const [N, C] = [37, 19]; // two wasm tiles, C not a multiple of 4
  const x = randomFloats(new Float32Array(N * C), 7, 2);
  const w = randomFloats(new Float32Array(C), 8);
  const dy = randomFloats(new Float32Array(N * C), 9);

  it.each([["wasm"], ["naive (no op)"]])(
    "rmsNormForwardOn(backend, …) and rmsNormBackwardOn(backend, …) match the plain kernels: %s",
    async (name) => {
      const backend = name === "wasm" ? await createBackend("wasm", { threads: 2 }) : naiveBackend;
      const [want, wantR] = [new Float32Array(N * C), new Float32Array(N)];
      rmsNormForward(want, wantR, x, w, N, C, 1e-6);
      const [got, gotR] = [new Float32Array(N * C), new Float32Array(N)];
      await rmsNormForwardOn(backend, got, gotR, x, w, N, C, 1e-6);
      expect(maxRelError(Array.from(got), Array.from(want), 1)).toBeLessThan(1e-5);
      expect(maxRelError(Array.from(gotR), Array.from(wantR), 1)).toBeLessThan(1e-5);
      const [wantDx, wantDw] = [new Float32Array(N * C).fill(1), new Float32Array(C).fill(1)];
      rmsNormBackward(wantDx, wantDw, dy, x, w, wantR, N, C);
      const [dx, dw] = [new Float32Array(N * C).fill(1), new Float32Array(C).fill(1)];
      await rmsNormBackwardOn(backend, dx, dw, dy, x, w, wantR, N, C);
      expect(maxRelError(Array.from(dx), Array.from(wantDx), 1)).toBeLessThan(1e-5);
      expect(maxRelError(Array.from(dw), Array.from(wantDw), 1)).toBeLessThan(1e-5);
      if ("dispose" in backend) await (backend as { dispose(): unknown }).dispose();
    },
  );
});
