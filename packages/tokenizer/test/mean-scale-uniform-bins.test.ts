import { describe, expect, it } from "vitest";
import { MeanScaleUniformBins } from "../src/mean-scale-uniform-bins.js";
import { bucketizeRight } from "../src/uniform-bins.js";
import { fixtures } from "./chronos-fixtures.js";

const [chronos, causal] = fixtures;

describe.each([
  ["Chronos-T5 defaults", chronos],
  ["odd causal config", causal],
])("MeanScaleUniformBins against PyTorch (%s)", (_, f) => {
  const tok = new MeanScaleUniformBins(f.options);

  it("centers and boundaries equal torch's float32 values bit for bit", () => {
    expect(tok.centers).toEqual(f.centers);
    expect(tok.boundaries).toEqual(f.boundaries);
  });

  it.each(f.cases.map((c) => [c.name, c]))("encode(context) matches id for id: %s", (_, c) => {
    const out = tok.encode(c.context);
    expect(Array.from(out.ids)).toEqual(c.ids);
    expect(Array.from(out.mask)).toEqual(c.mask);
    expect(out.scale).toBe(c.scale);
  });

  const labelled = f.cases.filter((c) => c.labelIds !== undefined);
  it.each(labelled.map((c) => [c.name, c]))("encodeLabels(target, scale) matches: %s", (_, c) => {
    const out = tok.encodeLabels(c.label!, c.labelScale!);
    expect(Array.from(out.ids)).toEqual(c.labelIds);
    expect(Array.from(out.mask)).toEqual(c.labelMask);
  });

  it("encodeBatch(contexts) left-pads, cuts and scales each row as the Chronos pipeline", () => {
    const out = tok.encodeBatch(f.batch.contexts);
    expect(out.shape).toEqual(f.batch.shape);
    expect(Array.from(out.ids)).toEqual(f.batch.ids);
    expect(Array.from(out.mask)).toEqual(f.batch.mask);
    expect(out.scale).toEqual(f.batch.scale);
  });

  it("decode(ids, scale) gives torch's float32 centre × scale, NaN for PAD and EOS", () => {
    const out = tok.decode(f.decode.ids, f.decode.scale);
    f.decode.ids.forEach((id, i) => {
      if (id < f.options.nSpecialTokens!) expect(out[i]).toBeNaN();
      else expect(out[i]).toBe(f.decode.values[i]);
    });
  });
});

describe("MeanScaleUniformBins", () => {
  const tok = new MeanScaleUniformBins();
  const series = Array.from({ length: 700 }, (_, i) =>
    i % 11 === 3 ? Number.NaN : Math.sin(i) * 40 + i / 7,
  );

  it("encode(context) gives the same ids for an array, a Float32Array and a Float64Array", () => {
    const a = tok.encode(series);
    expect(tok.encode(Float32Array.from(series))).toEqual(a);
    expect(tok.encode(Float64Array.from(series))).toEqual(a);
    expect(a.ids.length).toBe(513);
  });

  it("encode(values) maps NaN to PAD with mask 0 and ends with EOS, mask 1", () => {
    const { ids, mask, scale } = tok.encode([1, Number.NaN, -2]);
    expect(scale).toBe(1.5);
    expect([ids[1], ids[3]]).toEqual([0, 1]);
    expect(Array.from(mask)).toEqual([1, 0, 1, 1]);
  });

  it("encode(context) leaves EOS off for a causal model or without useEosToken", () => {
    expect(new MeanScaleUniformBins({ modelType: "causal" }).encode([1, 2]).ids.length).toBe(2);
    expect(new MeanScaleUniformBins({ useEosToken: false }).encode([1, 2]).ids.length).toBe(2);
    const labels = new MeanScaleUniformBins({ modelType: "causal", predictionLength: 2 });
    expect(Array.from(labels.encodeLabels([1, 2], 1).ids)).toHaveLength(3);
    const none = new MeanScaleUniformBins({ useEosToken: false, predictionLength: 2 });
    expect(Array.from(none.encodeLabels([1, Number.NaN], 1).mask)).toEqual([1, 0]);
  });

  it("encode([]) is EOS alone, with scale 1", () => {
    const out = tok.encode([]);
    expect(Array.from(out.ids)).toEqual([1]);
    expect(out.scale).toBe(1);
  });

  it("encode(Float32Array) does not copy or change its input", () => {
    const x = Float32Array.from(series);
    const copy = x.slice();
    tok.encode(x);
    expect(x).toEqual(copy);
  });

  it("decode(encode(x).ids) lies within half a bin of x for values inside [low, high] × scale", () => {
    const x = Float32Array.from({ length: 512 }, (_, i) => Math.cos(i / 9) * 3 + 1);
    const { ids, scale } = tok.encode(x);
    const back = tok.decode(ids, scale);
    const halfBin = (30 / 4092 / 2) * scale;
    for (let i = 0; i < x.length; i++)
      expect(Math.abs(back[i] - x[i])).toBeLessThanOrEqual(halfBin * 1.0001);
    expect(back[512]).toBeNaN(); // EOS
  });

  it("encodeBatch(contexts) rows equal encode(row) where no padding is needed", () => {
    const a = Float32Array.from(series.slice(0, 600));
    const b = Float32Array.from(series.slice(50, 650));
    const batch = tok.encodeBatch([a, b]);
    expect(batch.shape).toEqual([2, 513]);
    expect(batch.ids.subarray(513)).toEqual(tok.encode(b).ids);
    expect(batch.scale[0]).toBe(tok.encode(a).scale);
  });

  it("keeps the bucket exact when bins are finer than float32 resolves (binary search fallback)", () => {
    // Centres 1e6 ± 0.5: float32 spacing there is 0.0625, so many centres coincide.
    const fine = new MeanScaleUniformBins({ low: 1e6 - 0.5, high: 1e6 + 0.5, nTokens: 4096 });
    const b = fine.boundaries;
    const values = [1e6, 1e6 + 0.1, 1e6 - 0.3, 999_999.6, 1e6 + 0.49, 5, -5];
    const { ids } = fine.encodeLabels(
      Float32Array.from({ length: 64 }, (_, i) => values[i % 7]),
      1,
    );
    for (let i = 0; i < 64; i++) {
      expect(ids[i]).toBe(Math.min(bucketizeRight(Math.fround(values[i % 7]), b) + 2, 4095));
    }
  });

  it("new MeanScaleUniformBins(options) rejects bad options, naming them", () => {
    const bad: [object, RegExp][] = [
      [{ nTokens: 4 }, /nTokens must be an integer in \[5, 16777216\], got 4/],
      [{ nTokens: 1.5 }, /nTokens must be an integer/],
      [{ low: 1, high: 1 }, /low must be below high in float32, got low 1, high 1/],
      [{ low: 2, high: -1 }, /low must be below high/],
      [{ low: -1e21 }, /inside \(-1e20, 1e20\), got low -1e\+21/],
      [{ high: Infinity }, /high must be a finite number, got Infinity/],
      [{ contextLength: 0 }, /contextLength must be an integer >= 1, got 0/],
      [{ predictionLength: -3 }, /predictionLength must be an integer >= 1, got -3/],
      [{ padTokenId: 2 }, /padTokenId must be an integer in \[0, 1\], got 2/],
      [{ eosTokenId: -1 }, /eosTokenId must be an integer in \[0, 1\], got -1/],
      [{ nSpecialTokens: 0 }, /nSpecialTokens must be an integer >= 1, got 0/],
    ];
    for (const [options, message] of bad) {
      expect(() => new MeanScaleUniformBins(options)).toThrow(RangeError);
      expect(() => new MeanScaleUniformBins(options)).toThrow(message);
    }
    expect(() => new MeanScaleUniformBins({ modelType: "gpt" as "causal" })).toThrow(TypeError);
    expect(() => new MeanScaleUniformBins({ useEosToken: 1 as unknown as boolean })).toThrow(
      /useEosToken must be a boolean, got 1/,
    );
    expect(() => new MeanScaleUniformBins({ ntokens: 5 } as object)).toThrow(
      /unknown option "ntokens"; valid options: nTokens, /,
    );
  });

  it("encode(context) rejects a non-array, a non-number and infinities, naming the index", () => {
    expect(() => tok.encode("1,2,3" as unknown as number[])).toThrow(TypeError);
    expect(() => tok.encode({ length: 3 } as unknown as number[])).toThrow(
      /context must be an array of numbers or a typed array/,
    );
    expect(() => tok.encode([1, "2" as unknown as number])).toThrow(
      /context\[1\] must be a number, got "2"/,
    );
    expect(() => tok.encode([1, 2, Infinity])).toThrow(RangeError);
    expect(() => tok.encode([1, 2, Infinity])).toThrow(
      /context\[2\] must be finite or NaN, got Infinity/,
    );
    expect(() => tok.encode(Float32Array.of(1, -Infinity))).toThrow(/context\[1\]/);
    expect(() => tok.encode(Float64Array.of(0, 1e39))).toThrow(
      /context\[1\] must be finite in float32/,
    );
  });

  it("encode(context) ignores an infinity that the context cut drops, as Chronos does", () => {
    const x = new Float32Array(600).fill(1);
    x[10] = Infinity;
    expect(tok.encode(x).scale).toBe(1);
  });

  it("encode(context) keeps torch's infinite scale when the float32 sum overflows", () => {
    const out = tok.encode(new Float32Array(4).fill(3e38));
    expect(out.scale).toBe(Infinity);
    expect(out.ids[0]).toBe(tok.encodeLabels(new Float32Array(64), 1).ids[0]);
  });

  it("encodeLabels(target, scale) and decode(ids, scale) reject bad arguments", () => {
    expect(() => tok.encodeLabels(new Float32Array(63), 1)).toThrow(
      /target must hold predictionLength \(64\) values, got 63/,
    );
    expect(() => tok.encodeLabels(new Float32Array(64), 0)).toThrow(
      /scale must be a number > 0, got 0/,
    );
    expect(() => tok.encodeLabels(new Float32Array(64), Number.NaN)).toThrow(RangeError);
    expect(() => tok.decode([5], "2" as unknown as number)).toThrow(TypeError);
    expect(() => tok.decode([4096], 1)).toThrow(
      /ids\[0\] must be an integer in \[0, 4096\), got 4096/,
    );
    expect(() => tok.decode([3, 2.5], 1)).toThrow(/ids\[1\]/);
    expect(() => tok.decode([3, -1], 1)).toThrow(RangeError);
    expect(() => tok.decode(["3" as unknown as number], 1)).toThrow(/ids\[0\]/);
    expect(() => tok.encodeBatch([])).toThrow(/contexts must be a non-empty array of series/);
    expect(() => tok.encodeBatch([[1], [Infinity]])).toThrow(/contexts\[1\]\[0\] must be finite/);
  });
});
