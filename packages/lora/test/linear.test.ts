import { describe, expect, it, vi } from "vitest";
import { Linear } from "../src/linear";
import { ReferenceBackend } from "../src/reference-backend";
import fixtures from "./fixtures/layer_fixtures.json";
import { randomArray } from "./helpers";

const f32 = (values: number[]) => Float32Array.from(values);

function relativeError(got: Float32Array, want: number[]): number {
  const scale = Math.max(1, ...want.map(Math.abs));
  return Math.max(...want.map((w, i) => Math.abs(got[i] - w))) / scale;
}

describe("Linear", () => {
  it.each(fixtures.linear)(
    "forward(x) and backward(context, dOutput) match torch nn.Linear: $name",
    async (c) => {
      const layer = new Linear({
        ...{ inFeatures: c.inFeatures, outFeatures: c.outFeatures, trainable: true },
        ...{ weight: f32(c.weight), bias: c.bias ? f32(c.bias) : undefined },
      });
      const { output, context } = await layer.forward(f32(c.x));
      expect(relativeError(output, c.output)).toBeLessThan(1e-5);
      const dx = await layer.backward(context!, f32(c.dOutput));
      expect(relativeError(dx, c.dx)).toBeLessThan(1e-5);
      expect(relativeError(layer.gradWeight!, c.gradWeight)).toBeLessThan(1e-5);
      if (c.gradBias) expect(relativeError(layer.gradBias!, c.gradBias)).toBeLessThan(1e-5);
      else expect(layer.gradBias).toBeNull();
    },
  );

  it("a frozen Linear retains its weight, keeps an empty context and has no grads", async () => {
    const backend = new ReferenceBackend();
    const retain = vi.spyOn(backend, "retain");
    const release = vi.spyOn(backend, "release");
    const c = fixtures.linear[0];
    const weight = f32(c.weight);
    const layer = new Linear(
      { inFeatures: c.inFeatures, outFeatures: c.outFeatures, weight, bias: f32(c.bias!) },
      backend,
    );
    expect(retain).toHaveBeenCalledWith(weight);
    const { context } = await layer.forward(f32(c.x));
    expect(context).toEqual({ rows: c.rows, x: null, bytes: 0 });
    expect(relativeError(await layer.backward(context!, f32(c.dOutput)), c.dx)).toBeLessThan(1e-5);
    expect(layer.gradWeight).toBeNull();
    expect(layer.trainableParameters()).toEqual([]);
    layer.release();
    expect(release).toHaveBeenCalledWith(weight);
  });

  it("new Linear() without weight initialises like nn.Linear: uniform within 1/√in", () => {
    const layer = new Linear({
      inFeatures: 100,
      outFeatures: 30,
      bias: true,
      trainable: true,
      seed: 4,
    });
    const bound = 1 / Math.sqrt(100);
    expect(Math.max(...Array.from(layer.weight, Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...Array.from(layer.weight, Math.abs))).toBeGreaterThan(0.95 * bound);
    expect(Math.max(...Array.from(layer.bias!, Math.abs))).toBeLessThanOrEqual(bound);
    const names = layer.trainableParameters().map((p) => [p.name, p.shape]);
    expect(names).toEqual([
      ["weight", [30, 100]],
      ["bias", [30]],
    ]);
  });

  it("forward(x, { save: false }) and zeroGrad() keep and leave nothing", async () => {
    const layer = new Linear({ inFeatures: 3, outFeatures: 2, bias: true, trainable: true });
    const x = randomArray(6, 1);
    const { output, context } = await layer.forward(x, { save: false });
    expect(context).toBeNull();
    expect(output).toEqual((await layer.forward(x)).output);
    const saved = await layer.forward(x);
    expect(saved.context!.bytes).toBe(24);
    await layer.backward(saved.context!, randomArray(4, 2));
    layer.zeroGrad();
    expect(layer.gradWeight!.every((v) => v === 0) && layer.gradBias!.every((v) => v === 0)).toBe(
      true,
    );
  });

  it("forward(x, { output: false }) runs no matmul and keeps what a saving forward keeps", async () => {
    const backend = new ReferenceBackend();
    const matmul = vi.spyOn(backend, "matmul");
    const trainable = new Linear({ inFeatures: 3, outFeatures: 2, trainable: true }, backend);
    const x = randomArray(6, 1);
    const only = await trainable.forward(x, { output: false });
    expect(only.output).toHaveLength(0);
    expect(only.context).toEqual({ rows: 2, x, bytes: 24 });
    const frozen = new Linear({ inFeatures: 3, outFeatures: 2 }, backend);
    expect((await frozen.forward(x, { output: false })).context).toEqual({
      rows: 2,
      x: null,
      bytes: 0,
    });
    expect(matmul).not.toHaveBeenCalled();
    await expect(frozen.forward(x, { output: "no" as never })).rejects.toThrow(
      "Linear.forward(): options.output must be a boolean, got no",
    );
  });

  it("new Linear({ gradWeight }) accumulates dW into the caller's buffer, over a bare matmul backend", async () => {
    const reference = new ReferenceBackend();
    const bare = { name: "bare", matmul: reference.matmul.bind(reference) };
    const c = fixtures.linear.find((f) => !f.bias)!;
    const gradWeight = new Float32Array(c.outFeatures * c.inFeatures).fill(1);
    const shape = { inFeatures: c.inFeatures, outFeatures: c.outFeatures, weight: f32(c.weight) };
    const layer = new Linear({ ...shape, gradWeight }, bare);
    expect(layer.trainable).toBe(true);
    expect(layer.gradWeight).toBe(gradWeight);
    const { output, context } = await layer.forward(f32(c.x));
    expect(relativeError(output, c.output)).toBeLessThan(1e-5);
    expect(relativeError(await layer.backward(context!, f32(c.dOutput)), c.dx)).toBeLessThan(1e-5);
    const want = c.gradWeight.map((g) => g + 1); // added to what the buffer held
    expect(relativeError(gradWeight, want)).toBeLessThan(1e-5);
    // A frozen layer over it keeps no context input and retains nothing it cannot.
    expect((await new Linear(shape, bare).forward(f32(c.x))).context!.x).toBeNull();
  });

  it("new Linear() rejects a gradWeight on a frozen layer and a bias on a backend without its kernels", () => {
    const shape = { inFeatures: 3, outFeatures: 2 };
    expect(() => new Linear({ ...shape, gradWeight: new Float32Array(5) })).toThrow(
      "new Linear(): gradWeight must hold 6 floats, got 5",
    );
    expect(
      () => new Linear({ ...shape, gradWeight: new Float32Array(6), trainable: false }),
    ).toThrow("new Linear(): gradWeight needs a trainable layer, got trainable false");
    const bare = { name: "bare", matmul: () => {} };
    expect(() => new Linear({ ...shape, bias: true }, bare)).toThrow(
      'new Linear(): backend must have addBias for a layer with a bias, got backend "bare" without it',
    );
    expect(
      () => new Linear({ ...shape, bias: true, trainable: true }, { ...bare, addBias: () => {} }),
    ).toThrow(
      'new Linear(): backend must have sumRows for a layer with a bias, got backend "bare" without it',
    );
  });

  it("new Linear() and forward(x) reject bad arguments, naming them", async () => {
    expect(() => new Linear({ inFeatures: 3, outFeatures: -1 })).toThrow(
      "new Linear(): outFeatures must be a positive integer, got -1",
    );
    expect(() => new Linear({ inFeatures: 3, outFeatures: 2, bias: new Float32Array(3) })).toThrow(
      "new Linear(): bias must hold 2 floats, got 3",
    );
    const layer = new Linear({ inFeatures: 3, outFeatures: 2 });
    // @ts-expect-error: not a Float32Array
    await expect(layer.forward([1, 2, 3])).rejects.toThrow(
      "Linear.forward(): x must be a Float32Array, got Array",
    );
  });
});
