import { describe, expect, it } from "vitest";
import { rmsNormBackward, rmsNormForward } from "../../src/model/rms-norm.js";
import {
  dotWith,
  maxRelError,
  numericGradient,
  randomFloats,
  spread,
} from "../helpers/finite-difference.js";

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
