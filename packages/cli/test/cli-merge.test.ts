import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Random, ReferenceBackend } from "@kairos/lora";
import { saveAdapter } from "@kairos/lora/node";
import {
  CHRONOS_TOKENIZER,
  initParameters,
  LlamaModel,
  LoraModel,
  llamaConfig,
  type TokenBatch,
} from "@kairos/train";
import { loadModel, saveModel } from "@kairos/train/node";
import { describe, expect, it } from "vitest";
import { kairos } from "./cli-kairos.js";

const root = mkdtempSync(join(tmpdir(), "kairos-merge-"));
const backend = new ReferenceBackend();
const config = llamaConfig({
  vocabSize: 32,
  hiddenSize: 16,
  numHiddenLayers: 2,
  tokenizer: { ...CHRONOS_TOKENIZER, nTokens: 32 },
});
const rng = new Random(7);
const batch: TokenBatch = {
  ids: Int32Array.from({ length: 24 }, () => rng.int(32)),
  labels: Int32Array.from({ length: 24 }, () => rng.int(32)),
  batchSize: 2,
  seqLen: 12,
};

async function fixture() {
  const baseDir = join(root, "base");
  await saveModel(baseDir, new LlamaModel(config, initParameters(config, 1, 0.2), { backend }));
  const lora = new LoraModel(await loadModel(baseDir, { backend }), backend, {
    targetModules: ["q_proj", "v_proj", "down_proj"],
    rank: 2,
    alpha: 4,
    seed: 3,
  });
  for (const l of Object.values(lora.layers))
    l.loraB.forEach((_, i, b) => void (b[i] = rng.normal() * 0.3));
  const adapterDir = join(root, "adapter");
  await saveAdapter(adapterDir, lora.adapter("base"));
  return { baseDir, adapterDir, loraLoss: await lora.loss(batch) };
}

describe("kairos merge", () => {
  it("main(['merge', ...]) writes a plain model whose loss equals base + adapter's", async () => {
    const { baseDir, adapterDir, loraLoss } = await fixture();
    const out = join(root, "merged");
    const r = await kairos(
      "merge",
      "--base",
      baseDir,
      "--adapter",
      adapterDir,
      "--out",
      out,
      "--backend",
      "reference",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/merged 6 modules/);
    const merged = await (await loadModel(out, { backend })).loss(batch);
    const base = await (await loadModel(baseDir, { backend })).loss(batch);
    expect(Math.abs(merged - loraLoss)).toBeLessThan(1e-4);
    expect(Math.abs(base - loraLoss)).toBeGreaterThan(1e-3);
  });

  it("main(['merge', ...]) exits 1 when the adapter does not fit the base, 2 without --out", async () => {
    const { adapterDir } = await fixture();
    const other = join(root, "other");
    const small = llamaConfig({
      vocabSize: 32,
      hiddenSize: 8,
      numHiddenLayers: 2,
      tokenizer: { ...CHRONOS_TOKENIZER, nTokens: 32 },
    });
    await saveModel(other, new LlamaModel(small, initParameters(small, 1), { backend }));
    let r = await kairos(
      "merge",
      "--base",
      other,
      "--adapter",
      adapterDir,
      "--out",
      join(root, "x"),
      "--backend",
      "reference",
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^kairos merge: adapter .* does not fit base model .*other/);
    r = await kairos("merge", "--adapter", adapterDir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/required option '--out <dir>' not specified/);
    r = await kairos("merge", "--adapter", adapterDir, "--out", "x", "--backend", "cuda");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--backend must be one of auto, reference, wasm, gpu, got cuda/);
  });
});
