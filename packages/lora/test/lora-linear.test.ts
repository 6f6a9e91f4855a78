import { describe, expect, it, vi } from "vitest";
import type { Backend } from "../src/backend";
import { dropout } from "../src/dropout";
import { Linear } from "../src/linear";
import { LoRALinear, type LoRALinearOptions } from "../src/lora-linear";
import { naiveMatmul } from "../src/naive-kernels";
import { ReferenceBackend } from "../src/reference-backend";
import fixtures from "./fixtures/layer_fixtures.json";
import { randomArray } from "./helpers";

const f32 = (values: number[]) => Float32Array.from(values);

/** Largest |got − want| relative to the largest |want| (fixtures are O(1) values). */
function relativeError(got: Float32Array, want: number[]): number {
  const scale = Math.max(1, ...want.map(Math.abs));
  return Math.max(...want.map((w, i) => Math.abs(got[i] - w))) / scale;
}

const maxDiff = (a: Float32Array, b: Float32Array) =>
  Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));

function makeLayer(overrides: Partial<LoRALinearOptions> = {}, backend?: Backend): LoRALinear {
  const options = { inFeatures: 6, outFeatures: 5, rank: 2, alpha: 4, ...overrides };
  const weight = options.weight ?? randomArray(options.outFeatures * options.inFeatures, 11);
  return new LoRALinear({ ...options, weight }, backend);
}

describe("LoRALinear against PyTorch autograd fixtures", () => {
  it.each(fixtures.lora)(
    "forward(x) and backward(context, dOutput) match torch: $name",
    async (c) => {
      const layer = new LoRALinear({
        ...{ inFeatures: c.inFeatures, outFeatures: c.outFeatures, rank: c.rank, alpha: c.alpha },
        ...{ weight: f32(c.weight), bias: c.bias ? f32(c.bias) : undefined },
        ...{ dropout: c.dropout, useRslora: c.useRslora },
      });
      layer.loraA.set(c.loraA);
      layer.loraB.set(c.loraB);
      const { output, context } = await layer.forward(f32(c.x), {
        dropoutSeed: c.dropoutSeed ?? undefined,
      });
      expect(relativeError(output, c.output)).toBeLessThan(1e-5);
      const dx = await layer.backward(context!, f32(c.dOutput));
      expect(relativeError(dx, c.dx)).toBeLessThan(1e-5);
      expect(relativeError(layer.gradA, c.gradA)).toBeLessThan(1e-5);
      expect(relativeError(layer.gradB, c.gradB)).toBeLessThan(1e-5);
    },
  );
});

describe("LoRALinear", () => {
  it("forward(x) of a new adapter equals the frozen Linear", async () => {
    const weight = randomArray(5 * 6, 1);
    const bias = randomArray(5, 2);
    const x = randomArray(3 * 6, 3);
    const layer = new LoRALinear({
      inFeatures: 6,
      outFeatures: 5,
      rank: 2,
      alpha: 4,
      weight,
      bias,
    });
    const linear = new Linear({ inFeatures: 6, outFeatures: 5, weight, bias });
    expect((await layer.forward(x)).output).toEqual((await linear.forward(x)).output);
    expect(layer.loraB.every((v) => v === 0)).toBe(true);
  });

  it("new LoRALinear() draws A Kaiming-uniform with bound 1/√in, or gaussian with std 1/rank", () => {
    const kaiming = makeLayer({ inFeatures: 400, outFeatures: 3, rank: 50, seed: 1 });
    const bound = 1 / Math.sqrt(400);
    const a = Array.from(kaiming.loraA);
    expect(Math.max(...a.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...a.map(Math.abs))).toBeGreaterThan(0.99 * bound);
    const variance = a.reduce((s, v) => s + v * v, 0) / a.length;
    expect(variance / (bound ** 2 / 3)).toBeCloseTo(1, 1);
    const gaussian = makeLayer({ inFeatures: 400, outFeatures: 3, rank: 50, init: "gaussian" });
    const g = Array.from(gaussian.loraA);
    const std = Math.sqrt(g.reduce((s, v) => s + v * v, 0) / g.length);
    expect(std * 50).toBeCloseTo(1, 1);
    expect(gaussian.loraB.every((v) => v === 0)).toBe(true);
    expect(makeLayer({ seed: 1 }).loraA).toEqual(makeLayer({ seed: 1 }).loraA);
    expect(makeLayer({ seed: 1 }).loraA).not.toEqual(makeLayer({ seed: 2 }).loraA);
  });

  it("scaling is alpha / rank, or alpha / √rank with useRslora", () => {
    expect(makeLayer({ rank: 4, alpha: 8 }).scaling).toBe(2);
    expect(makeLayer({ rank: 4, alpha: 8, useRslora: true }).scaling).toBe(4);
  });

  it("forward(x) returns a context of x, dropout(x)·Aᵀ and the mask's seed, and its bytes", async () => {
    const layer = makeLayer({ dropout: 0.5, seed: 3 });
    const x = randomArray(4 * 6, 4);
    const { context, dropoutSeed } = await layer.forward(x);
    expect(context!.bytes).toBe(4 * (6 + 2) * 4);
    expect(context!.rows).toBe(4);
    expect(context!.x).toBe(x); // by reference: dropout(x) is regenerated, not kept
    expect(context!.dropoutSeed).toBe(dropoutSeed);
    const xd = dropout(x, 0.5, dropoutSeed!, new Float32Array(24));
    expect(xd.some((v) => v === 0)).toBe(true);
    const xa = new Float32Array(4 * 2);
    naiveMatmul(xd, layer.loraA, xa, { m: 4, n: 2, k: 6, transposeB: true });
    expect(maxDiff(context!.xa, xa)).toBeLessThan(1e-6);
    const noDropout = await makeLayer().forward(x);
    expect(noDropout.context!.x).toBe(x);
    expect(noDropout.dropoutSeed).toBeNull();
  });

  it("forward(x, { save: false }) gives the same output and keeps no context", async () => {
    const layer = makeLayer({ dropout: 0.3 });
    layer.loraB.set(randomArray(10, 5));
    const x = randomArray(3 * 6, 6);
    const saved = await layer.forward(x, { dropoutSeed: 9 });
    const unsaved = await layer.forward(x, { dropoutSeed: 9, save: false });
    expect(unsaved.context).toBeNull();
    expect(unsaved.output).toEqual(saved.output);
  });

  it.each([0, 0.3])(
    "forward(x, { output: false }) builds the same context (dropout %s) with no output, and backward gives the same gradients",
    async (p) => {
      const backend = new ReferenceBackend();
      const layer = makeLayer({ dropout: p }, backend);
      const twin = makeLayer({ dropout: p }, backend);
      for (const l of [layer, twin]) l.loraB.set(randomArray(10, 5));
      const x = randomArray(3 * 6, 6);
      const dy = randomArray(3 * 5, 7);
      const matmul = vi.spyOn(backend, "matmul");
      const only = await layer.forward(x, { output: false });
      expect(only.output).toHaveLength(0);
      // Only x·Aᵀ ran: one matmul of n = rank columns, none over W.
      expect(matmul.mock.calls.map(([, , , shape]) => shape.n)).toEqual([2]);
      const full = await twin.forward(x);
      expect(only.dropoutSeed).toBe(full.dropoutSeed);
      expect(Array.from(only.context!.xa)).toEqual(Array.from(full.context!.xa));
      expect(only.context!.bytes).toBe(full.context!.bytes);
      const dx = await layer.backward(only.context!, dy);
      expect(Array.from(dx)).toEqual(Array.from(await twin.backward(full.context!, dy)));
      expect(Array.from(layer.gradA)).toEqual(Array.from(twin.gradA));
      expect(Array.from(layer.gradB)).toEqual(Array.from(twin.gradB));
      await expect(layer.forward(x, { output: false, save: false })).rejects.toThrow(
        "LoRALinear.forward(): options.output false needs save (there would be nothing to build)",
      );
    },
  );

  it("forward(x) replays its dropout mask from dropoutSeed or a reset dropoutStep", async () => {
    const layer = makeLayer({ dropout: 0.5, seed: 7 });
    layer.loraB.set(randomArray(10, 8));
    const x = randomArray(8 * 6, 9);
    const first = await layer.forward(x, { save: false });
    const second = await layer.forward(x, { save: false });
    expect(second.output).not.toEqual(first.output);
    expect(layer.dropoutStep).toBe(2);
    const replayed = await layer.forward(x, { dropoutSeed: first.dropoutSeed! });
    expect(replayed.output).toEqual(first.output);
    layer.dropoutStep = 1;
    expect((await layer.forward(x)).output).toEqual(second.output);
    // A fresh layer with the same seed draws the same masks.
    const twin = makeLayer({ dropout: 0.5, seed: 7 });
    twin.loraB.set(layer.loraB);
    expect((await twin.forward(x)).output).toEqual(first.output);
  });

  it("forward(x) applies no dropout when training is false", async () => {
    const layer = makeLayer({ dropout: 0.9 });
    layer.loraB.set(randomArray(10, 8));
    const x = randomArray(2 * 6, 9);
    layer.training = false;
    const evaluated = await layer.forward(x);
    expect(evaluated.dropoutSeed).toBeNull();
    const plain = makeLayer();
    plain.loraB.set(layer.loraB);
    expect(evaluated.output).toEqual((await plain.forward(x)).output);
  });

  it("backward(context, dOutput) accumulates gradA and gradB until zeroGrad()", async () => {
    const layer = makeLayer();
    layer.loraB.set(randomArray(10, 12));
    const x = randomArray(3 * 6, 13);
    const dy = randomArray(3 * 5, 14);
    const { context } = await layer.forward(x);
    await layer.backward(context!, dy);
    const once = [layer.gradA.slice(), layer.gradB.slice()];
    await layer.backward(context!, dy);
    expect(
      maxDiff(
        layer.gradA,
        once[0].map((v) => 2 * v),
      ),
    ).toBeLessThan(1e-6);
    expect(
      maxDiff(
        layer.gradB,
        once[1].map((v) => 2 * v),
      ),
    ).toBeLessThan(1e-6);
    layer.zeroGrad();
    expect(layer.gradA.every((v) => v === 0) && layer.gradB.every((v) => v === 0)).toBe(true);
  });

  it("forward(x, { out }) and backward(context, dY, dx) write into the caller's buffers and reuse xa", async () => {
    const layer = makeLayer({ dropout: 0.25 });
    const twin = makeLayer({ dropout: 0.25 });
    const x = randomArray(3 * 6, 5);
    const dy = randomArray(3 * 5, 6);
    const out = new Float32Array(3 * 5).fill(7); // overwritten, not added to
    const dx = new Float32Array(3 * 6).fill(7);
    const a = await layer.forward(x, { out, dropoutSeed: 9 });
    const b = await twin.forward(x, { dropoutSeed: 9 });
    expect(a.output).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(b.output));
    expect(await layer.backward(a.context!, dy, dx)).toBe(dx);
    expect(Array.from(dx)).toEqual(Array.from(await twin.backward(b.context!, dy)));
    // The next saving forward takes the xa buffer the backward gave back.
    const again = await layer.forward(x, { dropoutSeed: 9 });
    expect(again.context!.xa).toBe(a.context!.xa);
    await expect(layer.forward(x, { out: new Float32Array(4) })).rejects.toThrow(
      /LoRALinear.forward\(\)|Linear.forward\(\): options.out must hold 15 floats, got 4/,
    );
    await expect(layer.backward(again.context!, dy, new Float32Array(2))).rejects.toThrow(
      /Linear.backward\(\): dx must hold 18 floats, got 2/,
    );
  });

  it("forward(x) and backward() take xa and their work buffers from backend.allocate, once", async () => {
    const backend = new ReferenceBackend();
    const allocate = vi.spyOn(backend, "allocate");
    const layer = makeLayer({ dropout: 0.25 }, backend);
    const plain = Object.assign(new ReferenceBackend(), { allocate: undefined, free: undefined });
    const twin = makeLayer({ dropout: 0.25 }, plain); // new Float32Array instead
    const x = randomArray(3 * 6, 5);
    const dy = randomArray(3 * 5, 6);
    const step = async (l: LoRALinear) => {
      const f = await l.forward(x, { dropoutSeed: 9 });
      return { y: Array.from(f.output), dx: Array.from(await l.backward(f.context!, dy)) };
    };
    const first = await step(layer);
    const calls = allocate.mock.calls.length;
    expect(calls).toBeGreaterThan(0);
    expect(await step(layer)).toEqual(first); // same buffers again, nothing new
    expect(allocate.mock.calls.length).toBe(calls);
    expect(first).toEqual(await step(twin));
  });

  it("merge() folds scaling·BA into W and unmerge() restores W within round-off", async () => {
    const backend = new ReferenceBackend();
    const retain = vi.spyOn(backend, "retain");
    const update = vi.spyOn(backend, "update");
    const weight = randomArray(5 * 6, 15);
    const original = weight.slice();
    const layer = makeLayer({ weight, bias: randomArray(5, 16) }, backend);
    expect(retain).toHaveBeenCalledWith(weight);
    layer.loraB.set(randomArray(10, 17));
    const x = randomArray(4 * 6, 18);
    const { output: unmerged, context } = await layer.forward(x);
    await layer.merge();
    expect(layer.merged).toBe(true);
    expect(update).toHaveBeenCalledWith(weight);
    expect(layer.weight).toBe(weight);
    expect(maxDiff(weight, original)).toBeGreaterThan(1e-3);
    const merged = await layer.forward(x);
    expect(maxDiff(merged.output, unmerged)).toBeLessThan(1e-5);
    expect(merged.context).toBeNull();
    await expect(layer.backward(context!, new Float32Array(20))).rejects.toThrow(
      "LoRALinear.backward(): layer is merged; unmerge() before training",
    );
    await expect(layer.merge()).rejects.toThrow("LoRALinear.merge(): already merged");
    await layer.unmerge();
    expect(update).toHaveBeenCalledTimes(2);
    expect(maxDiff(weight, original)).toBeLessThan(1e-6);
  });

  it("trainableParameters() lists lora_A and lora_B with their grads and shapes", () => {
    const layer = makeLayer();
    const [a, b] = layer.trainableParameters();
    expect(a).toEqual({
      name: "lora_A.weight",
      value: layer.loraA,
      grad: layer.gradA,
      shape: [2, 6],
    });
    expect(b).toEqual({
      name: "lora_B.weight",
      value: layer.loraB,
      grad: layer.gradB,
      shape: [5, 2],
    });
    expect(a.value).toBe(layer.loraA);
  });

  it("new LoRALinear(options) rejects bad options, naming them", () => {
    const weight = new Float32Array(30);
    const base = { inFeatures: 6, outFeatures: 5, rank: 2, alpha: 4, weight };
    expect(() => new LoRALinear({ ...base, rank: 0 })).toThrow(
      "new LoRALinear(): rank must be a positive integer, got 0",
    );
    expect(() => new LoRALinear({ ...base, weight: new Float32Array(29) })).toThrow(
      "new LoRALinear(): weight must hold 30 floats, got 29",
    );
    expect(() => new LoRALinear({ ...base, dropout: 1 })).toThrow(
      "new LoRALinear(): dropout must be a number in [0, 1), got 1",
    );
    expect(() => new LoRALinear({ ...base, alpha: Number.NaN })).toThrow(/alpha must be a finite/);
    expect(() => new LoRALinear({ ...base, bias: new Float32Array(6) })).toThrow(
      "new LoRALinear(): bias must hold 5 floats, got 6",
    );
    expect(() => new LoRALinear({ ...base, seed: 1.5 })).toThrow(
      "new LoRALinear(): seed must be an integer, got 1.5",
    );
    // @ts-expect-error: not an init
    expect(() => new LoRALinear({ ...base, init: "xavier" })).toThrow(
      'new LoRALinear(): init must be "kaiming" or "gaussian", got "xavier"',
    );
  });

  it("forward(x) and backward() reject inputs that do not fit, naming them", async () => {
    const layer = makeLayer();
    await expect(layer.forward(new Float32Array(7))).rejects.toThrow(
      "LoRALinear.forward(): x.length must be a positive multiple of 6, got 7",
    );
    const { context } = await layer.forward(new Float32Array(12));
    await expect(layer.backward(context!, new Float32Array(9))).rejects.toThrow(
      "LoRALinear.backward(): dOutput must hold 10 floats, got 9",
    );
  });
});
