import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Adapter,
  type AdapterFiles,
  checkAdapterFits,
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

  it("serializeAdapter(adapter) writes the base's hub revision as PEFT's revision, and reads it back", () => {
    const adapter = expectedAdapter();
    adapter.config = { ...adapter.config, baseModelNameOrPath: "amazon/chronos-t5-tiny" };
    expect(JSON.parse(serializeAdapter(adapter)["adapter_config.json"]).revision).toBeNull();
    adapter.config.revision = "v1.2";
    const files = serializeAdapter(adapter);
    expect(JSON.parse(files["adapter_config.json"]).revision).toBe("v1.2");
    expect(parseAdapter(files).config.revision).toBe("v1.2");
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
