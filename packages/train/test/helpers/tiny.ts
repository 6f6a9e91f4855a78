// A tiny Llama config for tests: 2 layers, grouped-query heads, small vocabulary.
import { llamaConfig } from "../../src/model/config.js";

export const tinyConfig = llamaConfig({
  vocabSize: 11,
  hiddenSize: 8,
  intermediateSize: 12,
  numHiddenLayers: 2,
  numAttentionHeads: 2,
  numKeyValueHeads: 1,
  maxPositionEmbeddings: 16,
});
