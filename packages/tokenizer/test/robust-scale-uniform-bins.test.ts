import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MeanScaleUniformBins } from "../src/mean-scale-uniform-bins.js";
import { NORMAL_IQR } from "../src/robust-scale.js";
import { RobustScaleUniformBins } from "../src/robust-scale-uniform-bins.js";

/** The reference: the id of the nearest centre by a search over every centre. */
function nearestId(tok: RobustScaleUniformBins, z: number): number {
  const centers = tok.centers;
  let best = 0;
  for (let k = 1; k < centers.length; k++) {
    if (Math.abs(centers[k] - z) < Math.abs(centers[best] - z)) best = k;
  }
  return best + tok.config.nSpecialTokens;
}

describe("RobustScaleUniformBins", () => {
  const tok = new RobustScaleUniformBins();

  it("new RobustScaleUniformBins() has 8193 ids: PAD 0, EOS 1, then 8191 centres over [-25, 25]", () => {
    expect(tok.vocabSize).toBe(8193);
    expect(tok.specialIds).toEqual({ pad: 0, eos: 1 });
    const c = tok.centers;
    expect(c.length).toBe(8191);
    expect([c[0], c[4095], c[8190]]).toEqual([-25, 0, 25]);
    expect(tok.width).toBeCloseTo(50 / 8190, 15);
  });

  it("encode(context) keeps the last contextLength values, maps NaN to PAD with mask 0, adds no EOS", () => {
    const small = new RobustScaleUniformBins({ contextLength: 4 });
    const { ids, mask, scale } = small.encode([1e6, 1, Number.NaN, 3, 5]);
    expect(ids.length).toBe(4);
    expect(Array.from(mask)).toEqual([1, 0, 1, 1]);
    expect(ids[1]).toBe(0);
    // Median of 1, 3, 5 is 3; quartiles 2 and 4: the 1e6 cut off takes no part.
    expect(scale).toEqual({ location: 3, scale: 2 / NORMAL_IQR });
    expect(ids[2]).toBe(2 + 4095); // the median is the middle centre
  });

  // Subnormal-sized data is left out: its spread is not resolvable in float64.
  const finite = (max: number) =>
    fc.double({ min: -max, max, noNaN: true }).filter((x) => x === 0 || Math.abs(x) > 1e-100);

  it("encode(context) gives the nearest centre's id, as a search over all centres does", () => {
    fc.assert(
      fc.property(
        fc.array(finite(1e4), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 4, max: 3000 }),
        (values, nTokens) => {
          const t = new RobustScaleUniformBins({ nTokens, low: -3, high: 4 });
          const { ids, scale } = t.encode(values);
          const c = t.centers;
          values.forEach((x, i) => {
            const z = (x - scale.location) / scale.scale;
            const want = nearestId(t, z);
            if (ids[i] === want) return;
            // A value on a midpoint may go either way.
            const k = ids[i] - 2;
            expect(Math.abs(c[k] - z) - Math.abs(c[want - 2] - z)).toBeLessThan(1e-9);
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("decode(encode(x)) is within half a bin × scale of x inside the range, NaN kept", () => {
    const value = fc.oneof(
      { weight: 9, arbitrary: finite(1e6) },
      { weight: 1, arbitrary: fc.constant(Number.NaN) },
    );
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 4, max: 5000 }),
        (values, nTokens) => {
          const t = new RobustScaleUniformBins({ nTokens, low: -8, high: 12 });
          const { ids, scale } = t.encode(values);
          const back = t.decode(ids, scale);
          const half = (t.width / 2) * scale.scale;
          values.forEach((x, i) => {
            if (Number.isNaN(x)) {
              expect(back[i]).toBeNaN();
              return;
            }
            const z = (x - scale.location) / scale.scale;
            const slack = 1e-9 * (Math.abs(x) + Math.abs(scale.location) + scale.scale);
            // Beyond the range: the edge centre.
            const edge = z < -8 ? -8 : z > 12 ? 12 : null;
            if (edge === null) expect(Math.abs(back[i] - x)).toBeLessThanOrEqual(half + slack);
            else expect(back[i]).toBeCloseTo(edge * scale.scale + scale.location, 6);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("encodeLabels(target, scale) bins a target with its context's scale, EOS last when useEosToken", () => {
    const t = new RobustScaleUniformBins({ predictionLength: 3, useEosToken: true });
    const { scale } = t.encode([10, 20, 30, 40, 50]);
    const labels = t.encodeLabels([30, Number.NaN, 1e9], scale);
    expect(Array.from(labels.mask)).toEqual([1, 0, 1, 1]);
    expect([labels.ids[0], labels.ids[1], labels.ids[2], labels.ids[3]]).toEqual([
      2 + 4095,
      0,
      8192, // beyond the range: the top bin
      1,
    ]);
    expect(t.decode(labels.ids, scale)[2]).toBeCloseTo(30 + 25 * (20 / NORMAL_IQR), 9);
    expect(() => t.encodeLabels([1, 2], scale)).toThrow(
      "encodeLabels(): target must hold predictionLength (3) values, got 2",
    );
  });

  it("decode(ids, scale) of a constant context gives the constant back exactly", () => {
    const { ids, scale } = tok.encode([412.5, 412.5, 412.5]);
    expect(scale).toEqual({ location: 412.5, scale: 412.5 });
    expect(Array.from(tok.decode(ids, scale))).toEqual([412.5, 412.5, 412.5]);
    expect(Array.from(tok.decode(tok.encode([0, 0]).ids, tok.encode([0, 0]).scale))).toEqual([
      0, 0,
    ]);
  });

  it("decode(encode(co2)) resolves a 6 ppm swing on a 400 ppm level that Chronos's bins round away", () => {
    // Monthly CO2-like: level 400, annual swing ±3, slow trend.
    const co2 = Array.from(
      { length: 240 },
      (_, t) => 380 + t / 12 + 3 * Math.sin((2 * Math.PI * t) / 12),
    );
    const { ids, scale } = tok.encode(co2);
    const back = tok.decode(ids, scale);
    const ours = Math.max(...co2.map((x, i) => Math.abs(back[i] - x)));
    const chronos = new MeanScaleUniformBins({
      nTokens: 1024,
      modelType: "causal",
      useEosToken: false,
    });
    const c = chronos.encode(co2);
    const theirs = Math.max(...co2.map((x, i) => Math.abs(chronos.decode(c.ids, c.scale)[i] - x)));
    expect(ours).toBeLessThanOrEqual((tok.width / 2) * scale.scale); // ≈ 0.03 ppm here
    expect(ours).toBeLessThan(0.05);
    expect(theirs).toBeGreaterThan(4); // half of an 11.7 ppm bin, nearly
  });

  it("decode(ids, scale) gives NaN for PAD and EOS and rejects an id outside the vocabulary", () => {
    const s = { location: 1, scale: 2 };
    const out = tok.decode([0, 1, 2, 8192], s);
    expect(out[0]).toBeNaN();
    expect(out[1]).toBeNaN();
    expect([out[2], out[3]]).toEqual([1 - 50, 1 + 50]);
    expect(() => tok.decode([8193], s)).toThrow(
      "decode(): ids[0] must be an integer in [0, 8193), got 8193",
    );
    expect(() => tok.decode([2.5], s)).toThrow(RangeError);
    expect(() => tok.decode([2], { location: 0, scale: 0 })).toThrow(
      /decode\(\): scale must be \{ location: finite number, scale: number > 0 \}/,
    );
    expect(() => tok.decode([2], 3 as never)).toThrow(TypeError);
  });

  it("encode(context) rejects what is not a series of finite numbers or NaN", () => {
    expect(() => tok.encode("1,2" as never)).toThrow(TypeError);
    expect(() => tok.encode([1, Infinity])).toThrow(
      "encode(): context[1] must be finite or NaN, got Infinity",
    );
  });

  it("new RobustScaleUniformBins(options) names a bad option and lists the valid ones", () => {
    expect(() => new RobustScaleUniformBins({ bins: 10 } as never)).toThrow(
      'RobustScaleUniformBins(): unknown option "bins"; valid options: nTokens, nSpecialTokens, padTokenId, eosTokenId, low, high, contextLength, predictionLength, useEosToken, minScale',
    );
    expect(() => new RobustScaleUniformBins({ nTokens: 3 })).toThrow(
      "RobustScaleUniformBins(): nTokens must be an integer in [4, 16777216], got 3",
    );
    expect(() => new RobustScaleUniformBins({ low: 2, high: 2 })).toThrow(
      "RobustScaleUniformBins(): low must be below high, got low 2, high 2",
    );
    expect(() => new RobustScaleUniformBins({ minScale: 1 })).toThrow(
      "RobustScaleUniformBins(): minScale must be in [0, 1), got 1",
    );
    expect(() => new RobustScaleUniformBins({ useEosToken: 1 as never })).toThrow(TypeError);
  });
});
