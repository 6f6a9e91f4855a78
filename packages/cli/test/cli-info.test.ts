import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type NamedTensor, serializeAdapter, writeSafetensors } from "@kairos/lora";
import { CHRONOS_TOKENIZER, llamaConfig, parameterShapes, toConfigJson } from "@kairos/train";
import { describe, expect, it } from "vitest";
import { kairos } from "./cli-kairos.js";

const root = mkdtempSync(join(tmpdir(), "kairos-info-"));
const config = llamaConfig({
  vocabSize: 64,
  hiddenSize: 16,
  numHiddenLayers: 2,
  tokenizer: { ...CHRONOS_TOKENIZER, nTokens: 64 },
});

function writeModel(name: string, drop?: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  const tensors = new Map<string, NamedTensor>();
  for (const [key, shape] of parameterShapes(config)) {
    if (key !== drop)
      tensors.set(key, { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
  }
  writeFileSync(join(dir, "model.safetensors"), writeSafetensors(tensors, { format: "pt" }));
  writeFileSync(join(dir, "config.json"), JSON.stringify(toConfigJson(config)));
  return dir;
}

function writeAdapter(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  const m = (inF: number, outF: number) => ({
    loraA: new Float32Array(4 * inF),
    loraB: new Float32Array(outF * 4),
    rank: 4,
    inFeatures: inF,
    outFeatures: outF,
  });
  const files = serializeAdapter({
    config: {
      r: 4,
      loraAlpha: 8,
      loraDropout: 0,
      targetModules: ["q_proj", "v_proj"],
      useRslora: false,
      baseModelNameOrPath: "kairos-base-tiny",
      taskType: null,
    },
    modules: {
      "model.layers.0.self_attn.q_proj": m(16, 16),
      "model.layers.0.self_attn.v_proj": m(16, 16),
    },
  });
  writeFileSync(join(dir, "adapter_model.safetensors"), files["adapter_model.safetensors"]);
  writeFileSync(join(dir, "adapter_config.json"), files["adapter_config.json"]);
  return dir;
}

describe("kairos info", () => {
  it("main(['info', modelDir]) describes a model directory", async () => {
    const dir = writeModel("model");
    const r = await kairos("info", dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Llama model/);
    expect(r.stdout).toMatch(/layers 2, hidden 16, heads 4 \(kv 4\), intermediate 64, vocab 64/);
    const total = [...parameterShapes(config).values()].reduce(
      (n, s) => n + s.reduce((a, b) => a * b, 1),
      0,
    );
    const j = JSON.parse((await kairos("info", dir, "--json")).stdout);
    expect(j.parameters).toBe(total);
    expect(j.kind).toBe("model");
  });

  it("main(['info', adapterDir]) describes a PEFT adapter", async () => {
    const r = await kairos("info", writeAdapter("adapter"));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/rank 4, alpha 8, dropout 0, rsLoRA no/);
    expect(r.stdout).toMatch(/target modules: q_proj, v_proj/);
    expect(r.stdout).toMatch(/adapted modules 2, parameters 256/);
  });

  it("main(['info', dir]) exits 1 on a truncated or incomplete model or adapter file, naming it", async () => {
    const truncated = writeModel("truncated");
    const file = join(truncated, "model.safetensors");
    writeFileSync(file, readFileSync(file).subarray(0, 200));
    let r = await kairos("info", truncated);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^kairos info: ${file}: safetensors: `));
    r = await kairos("info", writeModel("incomplete", "model.norm.weight"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no tensor model\.norm\.weight, which the config needs/);
    const adapter = writeAdapter("bad-adapter");
    const af = join(adapter, "adapter_model.safetensors");
    writeFileSync(af, readFileSync(af).subarray(0, 100));
    r = await kairos("info", adapter);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad-adapter.*safetensors/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("main(['info', dir]) exits 2 for a missing directory or one that is neither", async () => {
    let r = await kairos("info", join(root, "nope"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/DIR ".*nope" does not exist/);
    r = await kairos("info", root);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds neither a model/);
  });
});
