// Page entry: one LoRA training step of a Llama model (kairos-base-tiny's widths, one layer, seeded random
// weights, non-zero LoRA B) on the backend in `?backend=`, through every package as the demo
// uses them: tokenizer (windows → ids), train (model, LoRA, step runner), checkpointing (the
// schedule the runner executes), lora (layers and kernels). The Node side compares backends.
import { type Backend, createBackend, Random } from "@kairos/lora";
import { createGpuBackend } from "@kairos/lora/gpu";
import {
  CHRONOS_TOKENIZER,
  LlamaModel,
  LoraModel,
  llamaConfig,
  sequenceLength,
  storeAllRunner,
  tokenizerFor,
  windowBatch,
} from "@kairos/train";

/** What one backend computed. */
export interface AgreementReport {
  backend: string;
  loss: number;
  /** Every LoRA gradient, concatenated in parameter order. */
  gradients: number[];
  /** Logits of the window's last position, `[vocab]`. */
  logits: number[];
  milliseconds: number;
}

declare global {
  interface Window {
    kairosAgreement(): Promise<AgreementReport>;
  }
}

async function open(name: string): Promise<Backend> {
  if (name === "reference" || name === "wasm") return createBackend(name);
  return createGpuBackend({ mode: name as "webgl2" | "webgpu" });
}

window.kairosAgreement = async () => {
  const backend = await open(new URLSearchParams(location.search).get("backend") ?? "");
  const tokenizer = {
    ...CHRONOS_TOKENIZER,
    nTokens: 1024,
    contextLength: 128,
    predictionLength: 32,
  };
  const config = llamaConfig({
    vocabSize: 1024,
    hiddenSize: 64,
    intermediateSize: 176,
    numHiddenLayers: 1,
    numAttentionHeads: 4,
    numKeyValueHeads: 2,
    maxPositionEmbeddings: 256,
    tokenizer,
  });
  const model = LlamaModel.create(config, 7, { backend });
  const lora = new LoraModel(model, backend, { rank: 4, seed: 3 });
  const rng = new Random(11);
  for (const p of lora.parameters()) {
    if (p.name.endsWith("lora_B.weight"))
      for (let i = 0; i < p.value.length; i++) p.value[i] = 0.1 * (rng.uniform() - 0.5);
  }
  const series = Float64Array.from({ length: 400 }, (_, i) => 100 + 10 * Math.sin(i / 9) + i / 7);
  const span = tokenizer.contextLength + tokenizer.predictionLength;
  const windows = [150].map((s) => ({
    context: series.subarray(s, s + tokenizer.contextLength),
    target: series.subarray(s + tokenizer.contextLength, s + span),
  }));
  const batch = windowBatch(tokenizerFor(tokenizer), tokenizer, windows);
  const start = performance.now();
  lora.zeroGrad();
  const loss = await storeAllRunner.run(lora.stages(batch), batch.ids, 1, 0);
  const T = sequenceLength(tokenizer);
  const logits = await model.logits(batch.ids, 1, T, [T - 1], batch.keyMask);
  const milliseconds = performance.now() - start;
  const gradients = lora.parameters().flatMap((p) => Array.from(p.grad));
  await backend.dispose();
  return { backend: backend.name, loss, gradients, logits: Array.from(logits), milliseconds };
};
