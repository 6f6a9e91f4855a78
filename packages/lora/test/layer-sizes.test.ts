import { describe, expect, it } from "vitest";
import { linearSizes, loraLinearSizes } from "../src/layer-sizes";
import { Linear } from "../src/linear";
import { LoRALinear } from "../src/lora-linear";
import { randomArray } from "./helpers";

const bytesOf = (arrays: Float32Array[]) => arrays.reduce((s, a) => s + a.byteLength, 0);

describe("layer sizes", () => {
  it("loraLinearSizes(config, rows) equals what a LoRALinear allocates and its context keeps", async () => {
    const config = { inFeatures: 12, outFeatures: 7, rank: 3, bias: true };
    const sizes = loraLinearSizes(config, 5);
    const layer = new LoRALinear({
      ...config,
      alpha: 6,
      weight: randomArray(84, 1),
      bias: randomArray(7, 2),
      dropout: 0.1,
    });
    const params = layer.trainableParameters();
    expect(sizes.trainableBytes).toBe(bytesOf(params.map((p) => p.value)));
    expect(sizes.gradientBytes).toBe(bytesOf(params.map((p) => p.grad)));
    expect(sizes.adamWStateBytes).toBe(2 * sizes.trainableBytes);
    expect(sizes.frozenBytes).toBe(bytesOf([layer.weight, layer.bias!]));
    const { output, context } = await layer.forward(randomArray(60, 3));
    expect(sizes.contextBytes).toBe(context!.bytes);
    expect(sizes.contextBytes).toBe(bytesOf([context!.x, context!.xa]));
    expect(sizes.outputBytes).toBe(output.byteLength);
  });

  it("linearSizes(config, rows) equals what a trainable Linear allocates and its context keeps", async () => {
    const config = { inFeatures: 12, outFeatures: 7, bias: true, trainable: true };
    const sizes = linearSizes(config, 5);
    const layer = new Linear(config);
    const params = layer.trainableParameters();
    expect(sizes.trainableBytes).toBe(bytesOf(params.map((p) => p.value)));
    expect(sizes.gradientBytes).toBe(bytesOf(params.map((p) => p.grad)));
    const { context } = await layer.forward(randomArray(60, 3));
    expect(sizes.contextBytes).toBe(context!.bytes);
    expect(linearSizes({ ...config, trainable: false }, 5)).toMatchObject({
      trainableBytes: 0,
      contextBytes: 0,
      frozenBytes: 4 * 91,
    });
  });

  it("loraLinearSizes at 256×256 rank 8 is 1/8 of full fine-tuning's trainable bytes", () => {
    const lora = loraLinearSizes({ inFeatures: 256, outFeatures: 256, rank: 8 }, 4096);
    const full = linearSizes({ inFeatures: 256, outFeatures: 256, trainable: true }, 4096);
    expect(lora.trainableBytes).toBe(8 * 512 * 4);
    expect(full.trainableBytes).toBe(256 * 256 * 4);
    expect(lora.contextBytes).toBe(4096 * 264 * 4);
  });
});
