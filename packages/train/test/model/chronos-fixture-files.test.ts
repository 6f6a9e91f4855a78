// The published layouts of Chronos (T5) and Chronos-Bolt, as PyTorch + transformers + peft wrote
// them (test/fixtures/chronos/make_chronos_fixtures.py): Kairos reads the model directories and
// the PEFT adapters with T5's module names, and its MeanScaleUniformBins in seq2seq mode
// tokenizes a context and decodes generated ids exactly as Chronos does.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadAdapter } from "@kairos/lora/node";
import { describe, expect, it } from "vitest";
import { tokenizerSettingsFromJson } from "../../src/model/config.js";
import { tokenizerFor } from "../../src/model/tokenizer-registry.js";
import { readModelDirectory } from "../../src/node.js";

const root = join(import.meta.dirname, "../fixtures/chronos");
type Tensor = { shape: number[]; data: (number | null)[] };
const expected = (dir: string) =>
  JSON.parse(readFileSync(join(root, dir, "expected.json"), "utf8"));
const values = (t: Tensor) => Float64Array.from(t.data, (v) => (v === null ? Number.NaN : v));

describe.skipIf(!existsSync(join(root, "t5"))).each(["t5", "t5-gated", "bolt"])(
  "fixture %s",
  (dir) => {
    it("readModelDirectory() reads every tensor transformers saved, with its config", async () => {
      const m = await readModelDirectory(join(root, dir));
      const keys: string[] = expected(dir).safetensors_keys;
      expect([...m.tensors.keys()].sort()).toEqual([...keys].sort());
      expect((m.config as { model_type: string }).model_type).toBe("t5");
      expect((m.config as { chronos_config: object }).chronos_config).toBeTypeOf("object");
    });

    it("loadAdapter() reads peft's adapter with T5 module paths, shaped like the base weights", async () => {
      const base = await readModelDirectory(join(root, dir));
      const adapter = await loadAdapter(join(root, dir, "adapter"));
      const paths = Object.keys(adapter.modules);
      expect(paths).toContain("encoder.block.0.layer.0.SelfAttention.q");
      if (dir !== "bolt") expect(paths).toContain("decoder.block.1.layer.1.EncDecAttention.v");
      for (const [path, m] of Object.entries(adapter.modules)) {
        const w = base.tensors.get(`${path}.weight`);
        expect(w?.shape, path).toEqual([m.outFeatures, m.inFeatures]);
        expect(m.rank).toBe(4);
      }
      expect(adapter.config.loraAlpha).toBe(8);
    });
  },
);

describe.skipIf(!existsSync(join(root, "t5")))("Chronos tokenization (seq2seq)", () => {
  const e = expected("t5");
  const config = JSON.parse(readFileSync(join(root, "t5/config.json"), "utf8"));
  const settings = tokenizerSettingsFromJson(config.chronos_config);
  const tok = tokenizerFor(settings);

  it("chronos_config reads as seq2seq tokenizer settings", () => {
    expect(settings).toMatchObject({ modelType: "seq2seq", nTokens: 512, contextLength: 64 });
  });

  it("encodes the context to Chronos's ids, mask (EOS appended) and scale", () => {
    const enc = tok.encode(values(e.chronos.context));
    expect(Array.from(enc.ids)).toEqual(e.chronos.input_ids.data);
    expect(Array.from(enc.mask)).toEqual(e.chronos.attention_mask.data);
    // expected.json rounds to 7 significant digits
    expect(Math.abs((enc.scale as number) / e.chronos.scale.data[0] - 1)).toBeLessThan(1e-6);
  });

  it("decodes generated ids to Chronos's values", () => {
    const enc = tok.encode(values(e.chronos.context));
    const out = tok.decode(Int32Array.from(e.chronos.generated_ids.data), enc.scale as number);
    const want = values(e.chronos.generated_values);
    for (let i = 0; i < want.length; i++)
      expect(Math.abs(out[i] - want[i])).toBeLessThanOrEqual(1e-4 * Math.abs(want[i]) + 1e-6);
  });
});
