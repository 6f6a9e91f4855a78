// A tiny forecaster for tests: Llama config with Chronos tokenizer settings (64 tokens, context 24,
// horizon 8), weights drawn with std 0.5 so a frozen head can express a fit.
import { CHRONOS_TOKENIZER, llamaConfig } from "../../src/model/config.js";
import { LlamaModel } from "../../src/model/llama.js";
import type { MatmulBackend } from "../../src/model/matmul.js";
import { initParameters } from "../../src/model/parameters.js";

export const forecasterConfig = llamaConfig({
  vocabSize: 64,
  hiddenSize: 16,
  intermediateSize: 32,
  numHiddenLayers: 2,
  numAttentionHeads: 2,
  numKeyValueHeads: 1,
  maxPositionEmbeddings: 64,
  tokenizer: { ...CHRONOS_TOKENIZER, nTokens: 64, contextLength: 24, predictionLength: 8 },
});

export function tinyForecaster(backend: MatmulBackend, seed = 1): LlamaModel {
  return new LlamaModel(forecasterConfig, initParameters(forecasterConfig, seed, 0.5), { backend });
}

/** A seasonal series with trend and a little deterministic noise. */
export function seasonalSeries(n: number): Float64Array {
  return Float64Array.from(
    { length: n },
    (_, i) => 10 + 0.02 * i + 3 * Math.sin((2 * Math.PI * i) / 12) + 0.3 * Math.sin(i * 1.7),
  );
}
