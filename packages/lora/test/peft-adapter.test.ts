import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LoRALinear } from "../src/lora-linear";
import {
  type Adapter,
  type AdapterFiles,
  adapterFromLayers,
  checkAdapterFits,
  type LoraLayerLike,
  loadAdapterIntoLayers,
  parseAdapter,
  serializeAdapter,
} from "../src/peft-adapter";
import { readSafetensors, writeSafetensors } from "../src/safetensors";

// Fixtures written by test/fixtures/make_peft_fixture.py (torch + a hand-written reference writer).
const dir = new URL("./fixtures/peft-adapter/", import.meta.url);
const referenceFiles = (): AdapterFiles => ({
  "adapter_model.safetensors": readFileSync(new URL("adapter_model.safetensors", dir)),
  "adapter_config.json": readFileSync(new URL("adapter_config.json", dir), "utf8"),
});
const expected = JSON.parse(readFileSync(new URL("../peft-adapter.expected.json", dir), "utf8"));

/** The adapter the reference script built, from its recorded inputs. */
function expectedAdapter(): Adapter {
  const modules: Adapter["modules"] = {};
  for (const [path, m] of Object.entries<Record<string, number & number[]>>(expected.modules)) {
    modules[path] = {
      rank: m.rank,
      inFeatures: m.inFeatures,
      outFeatures: m.outFeatures,
      loraA: new Float32Array(m.loraA),
      loraB: new Float32Array(m.loraB),
    };
  }
  return { config: expected.config, modules };
}

const model = {
  modules: {
    "blocks.0.attn.q_proj": { inFeatures: 6, outFeatures: 5 },
    "blocks.0.attn.v_proj": { inFeatures: 6, outFeatures: 5 },
    "blocks.1.mlp.fc_in": { inFeatures: 6, outFeatures: 9 },
  },
};

/** Rewrites adapter_config.json fields of the reference files. */
function withConfig(patch: Record<string, unknown>): AdapterFiles {
  const files = referenceFiles();
  const config = { ...JSON.parse(files["adapter_config.json"]), ...patch };
  return { ...files, "adapter_config.json": JSON.stringify(config) };
}

describe("PEFT adapter files against the torch reference", () => {
  it("parseAdapter(files) loads the reference PEFT adapter with exact values", () => {
    const adapter = parseAdapter(referenceFiles(), { model });
    expect(adapter).toEqual(expectedAdapter());
  });

  it("serializeAdapter(adapter) writes the reference adapter_model.safetensors byte for byte", () => {
    const files = serializeAdapter(expectedAdapter());
    const reference = referenceFiles()["adapter_model.safetensors"];
    expect(Buffer.from(files["adapter_model.safetensors"]).equals(reference)).toBe(true);
  });

  it("serializeAdapter(adapter) writes adapter_config.json as PEFT's json.dumps(indent=2, sort_keys=True)", () => {
    const files = serializeAdapter(expectedAdapter());
    expect(files["adapter_config.json"]).toBe(referenceFiles()["adapter_config.json"]);
  });

  it("serializeAdapter(adapter) lists a module of another rank in rank_pattern and reads it back", () => {
    const adapter = expectedAdapter();
    adapter.modules["extra.proj"] = {
      rank: 2,
      inFeatures: 3,
      outFeatures: 4,
      loraA: new Float32Array(6).fill(0.5),
      loraB: new Float32Array(8).fill(-1),
    };
    const files = serializeAdapter(adapter);
    expect(JSON.parse(files["adapter_config.json"]).rank_pattern).toEqual({ "extra.proj": 2 });
    expect(parseAdapter(files)).toEqual(adapter);
  });
});

describe("parseAdapter errors", () => {
  it("parseAdapter(files, { model }) names the module whose shape does not fit", () => {
    const small = {
      modules: { ...model.modules, "blocks.1.mlp.fc_in": { inFeatures: 6, outFeatures: 8 } },
    };
    expect(() => parseAdapter(referenceFiles(), { model: small })).toThrow(
      /"blocks.1.mlp.fc_in" is \[out 9, in 6\] but the model's is \[out 8, in 6\]/,
    );
  });

  it("parseAdapter(files, { model }) names a module missing from the model", () => {
    const { "blocks.0.attn.v_proj": _, ...rest } = model.modules;
    expect(() => parseAdapter(referenceFiles(), { model: { modules: rest } })).toThrow(
      /"blocks.0.attn.v_proj" is not in the model/,
    );
  });

  it.each([
    [{ peft_type: "IA3" }, /peft_type must be "LORA", got "IA3"/],
    [{ bias: "all" }, /bias must be "none", got "all"/],
    [{ fan_in_fan_out: true }, /fan_in_fan_out must be false/],
    [{ use_dora: true }, /use_dora must be false/],
    [{ alpha_pattern: { q_proj: 32 } }, /alpha_pattern is not supported/],
    [{ r: 8 }, /"blocks.0.attn.q_proj" has rank 4 but adapter_config.json gives 8/],
    [{ r: 0 }, /config.r must be a positive integer, got 0/],
    [{ lora_dropout: 1.5 }, /loraDropout must be in \[0, 1\), got 1.5/],
    [{ task_type: "FORECAST" }, /taskType must be null or one of/],
  ])("parseAdapter(files) rejects adapter_config.json %j", (patch, message) => {
    expect(() => parseAdapter(withConfig(patch))).toThrow(message);
  });

  it("parseAdapter(files) answers any value in any config field with a result or a RangeError", () => {
    const fields = Object.keys(JSON.parse(referenceFiles()["adapter_config.json"]));
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.jsonValue({ maxDepth: 2 }), (field, value) => {
        try {
          const adapter = parseAdapter(withConfig({ [field]: value }));
          expect(Object.keys(adapter.modules)).toHaveLength(3);
        } catch (error) {
          expect(error).toBeInstanceOf(RangeError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("parseAdapter(files) rejects adapter_config.json that is not JSON", () => {
    expect(() => parseAdapter({ ...referenceFiles(), "adapter_config.json": "{r: 4" })).toThrow(
      /not valid JSON/,
    );
  });

  it("parseAdapter(files) rejects a tensor key outside the LoRA layout, and a half pair", () => {
    const { tensors, metadata } = readSafetensors(referenceFiles()["adapter_model.safetensors"]);
    const extra = new Map(tensors).set("base_model.model.head.bias", {
      shape: [1],
      data: new Float32Array(1),
    });
    const files = referenceFiles();
    expect(() =>
      parseAdapter({ ...files, "adapter_model.safetensors": writeSafetensors(extra, metadata) }),
    ).toThrow(
      /key "base_model.model.head.bias" is not base_model.model.<module>.lora_A\|lora_B.weight/,
    );
    const half = new Map(tensors);
    half.delete("base_model.model.blocks.1.mlp.fc_in.lora_B.weight");
    expect(() =>
      parseAdapter({ ...files, "adapter_model.safetensors": writeSafetensors(half, metadata) }),
    ).toThrow(/"blocks.1.mlp.fc_in" has lora_A but no lora_B/);
  });

  it("parseAdapter(files) rejects lora_A and lora_B whose ranks disagree", () => {
    const { tensors, metadata } = readSafetensors(referenceFiles()["adapter_model.safetensors"]);
    tensors.set("base_model.model.blocks.1.mlp.fc_in.lora_B.weight", {
      shape: [12, 3],
      data: new Float32Array(36),
    });
    expect(() =>
      parseAdapter({
        ...referenceFiles(),
        "adapter_model.safetensors": writeSafetensors(tensors, metadata),
      }),
    ).toThrow(/lora_A \[4,6\] and lora_B \[12,3\] are not \[r, in\] and \[out, r\]/);
  });

  it("parseAdapter(files) passes on a corrupted safetensors error", () => {
    const files = referenceFiles();
    expect(() =>
      parseAdapter({
        ...files,
        "adapter_model.safetensors": files["adapter_model.safetensors"].subarray(0, 100),
      }),
    ).toThrow(/safetensors: header length \d+ runs past the end/);
  });

  it("serializeAdapter(adapter) rejects a module whose loraB has the wrong length", () => {
    const adapter = expectedAdapter();
    adapter.modules["blocks.0.attn.q_proj"].loraB = new Float32Array(3);
    expect(() => serializeAdapter(adapter)).toThrow(
      /"blocks.0.attn.q_proj" loraB must be a Float32Array of \[5, 4\]/,
    );
  });

  it("checkAdapterFits(adapter, model) accepts the matching model", () => {
    expect(() => checkAdapterFits(expectedAdapter(), model)).not.toThrow();
  });
});

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
