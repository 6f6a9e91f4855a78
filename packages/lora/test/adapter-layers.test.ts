import { describe, expect, it } from "vitest";
import {
  adapterFromLayers,
  type LoraLayerLike,
  loadAdapterIntoLayers,
} from "../src/adapter-layers";
import { LoRALinear } from "../src/lora-linear";
import { parseAdapter, serializeAdapter } from "../src/peft-adapter";

describe("adapterFromLayers / loadAdapterIntoLayers", () => {
  const layer = (
    rank: number,
    inFeatures: number,
    outFeatures: number,
    seed: number,
    alpha = 8,
  ): LoraLayerLike => ({
    rank,
    inFeatures,
    outFeatures,
    alpha,
    useRslora: false,
    loraA: new Float32Array(rank * inFeatures).map((_, i) => Math.sin(seed + i)),
    loraB: new Float32Array(outFeatures * rank).map((_, i) => Math.cos(seed + i)),
  });

  it("adapterFromLayers(layers) snapshots A and B and derives target_modules", () => {
    const layers = {
      "blocks.0.q_proj": layer(4, 6, 5, 1),
      "blocks.1.q_proj": layer(4, 6, 5, 2),
      "head.out": layer(2, 5, 3, 3),
    };
    const adapter = adapterFromLayers(layers, { loraDropout: 0.1 });
    expect(adapter.config).toEqual({
      r: 4,
      loraAlpha: 8,
      loraDropout: 0.1,
      targetModules: ["out", "q_proj"],
      useRslora: false,
      baseModelNameOrPath: null,
      taskType: null,
    });
    layers["blocks.0.q_proj"].loraA[0] = 99;
    expect(adapter.modules["blocks.0.q_proj"].loraA[0]).toBe(Math.fround(Math.sin(1)));
  });

  it("loadAdapterIntoLayers(adapter, layers) restores what adapterFromLayers saved through the files", () => {
    const source = { "a.q": layer(4, 6, 5, 1), "b.v": layer(2, 3, 7, 2) };
    const target = { "a.q": layer(4, 6, 5, 10), "b.v": layer(2, 3, 7, 20) };
    loadAdapterIntoLayers(parseAdapter(serializeAdapter(adapterFromLayers(source))), target);
    expect(target["a.q"].loraA).toEqual(source["a.q"].loraA);
    expect(target["b.v"].loraB).toEqual(source["b.v"].loraB);
  });

  it("loadAdapterIntoLayers(adapter, layers) names the layer that differs and changes nothing", () => {
    const adapter = adapterFromLayers({ "a.q": layer(4, 6, 5, 1), "b.v": layer(2, 3, 7, 2) });
    const target = { "a.q": layer(4, 6, 5, 10), "b.v": layer(2, 3, 7, 20, 16) };
    const before = target["a.q"].loraA.slice();
    expect(() => loadAdapterIntoLayers(adapter, target)).toThrow(
      /layer "b.v" has rank, in, out, alpha, useRslora 2, 3, 7, 16, false but the adapter has 2, 3, 7, 8, false/,
    );
    expect(target["a.q"].loraA).toEqual(before);
    expect(() => loadAdapterIntoLayers(adapter, { "a.q": target["a.q"] })).toThrow(
      /module "b.v" has no layer/,
    );
  });

  it("adapterFromLayers(layers) rejects layers with different alphas", () => {
    expect(() => adapterFromLayers({ x: layer(2, 2, 2, 0, 8), y: layer(2, 2, 2, 0, 4) })).toThrow(
      /PEFT stores one lora_alpha/,
    );
  });

  it("loadAdapterIntoLayers(adapter, layers) makes a fresh LoRALinear compute what the saved one did", async () => {
    const weight = new Float32Array(5 * 6).map((_, i) => Math.sin(i));
    const make = (seed: number) =>
      new LoRALinear({
        inFeatures: 6,
        outFeatures: 5,
        rank: 3,
        alpha: 6,
        weight: weight.slice(),
        useRslora: true,
        dropout: 0.1,
        seed,
      });
    const trained = make(1);
    trained.loraB.set(new Float32Array(15).map((_, i) => Math.cos(i)));
    const adapter = parseAdapter(serializeAdapter(adapterFromLayers({ "blocks.0.proj": trained })));
    expect(adapter.config).toMatchObject({ r: 3, loraAlpha: 6, useRslora: true, loraDropout: 0.1 });
    const fresh = make(2);
    loadAdapterIntoLayers(adapter, { "blocks.0.proj": fresh });
    const x = new Float32Array(4 * 6).map((_, i) => Math.tan(i / 10));
    trained.training = false;
    fresh.training = false;
    const want = (await trained.forward(x, { save: false })).output;
    const got = (await fresh.forward(x, { save: false })).output;
    expect(got).not.toEqual((await make(2).forward(x, { save: false })).output);
    expect(got).toEqual(want);
    await fresh.merge();
    expect(() => loadAdapterIntoLayers(adapter, { "blocks.0.proj": fresh })).toThrow(
      /"blocks.0.proj" is merged; unmerge\(\) it first/,
    );
  });
});
