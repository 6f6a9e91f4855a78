// A Chronos-Bolt model's tensors under `ChronosBoltModelForForecasting.state_dict()` names: the T5
// core's (`shared.weight` [vocab, C], encoder and decoder blocks, final norms; no LM head) and the
// two residual blocks, `input_patch_embedding` ([values | mask] of a patch → C) and
// `output_patch_embedding` (C → Q·H quantile predictions).
import { initTensors } from "../parameters.js";
import { t5ParameterShapes } from "../t5/t5-parameters.js";
import type { BoltConfig } from "./bolt-config.js";
import { residualBlockShapes } from "./residual-block.js";

/** Key prefixes of the two residual blocks. */
export const INPUT_PATCH_EMBEDDING = "input_patch_embedding";
export const OUTPUT_PATCH_EMBEDDING = "output_patch_embedding";

/** Shapes of the two residual blocks' tensors. */
export function boltHeadShapes(c: BoltConfig): Map<string, number[]> {
  const { dModel: C, dFf: F } = c.t5;
  return new Map([
    ...residualBlockShapes(INPUT_PATCH_EMBEDDING, 2 * c.patchSize, F, C),
    ...residualBlockShapes(OUTPUT_PATCH_EMBEDDING, C, F, c.quantiles.length * c.predictionLength),
  ]);
}

/** Every tensor's key and shape: the T5 core's, then the residual blocks'. */
export function boltParameterShapes(c: BoltConfig): Map<string, number[]> {
  return new Map([...t5ParameterShapes(c.t5), ...boltHeadShapes(c)]);
}

/** Fresh tensors: norms 1, everything else N(0, std²) from a seeded stream. */
export function initBoltParameters(
  c: BoltConfig,
  seed: number,
  std = 0.05,
): Map<string, Float32Array> {
  return initTensors(boltParameterShapes(c), seed, std, (key) => key.endsWith("layer_norm.weight"));
}
