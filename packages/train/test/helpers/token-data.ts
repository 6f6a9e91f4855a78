// Synthetic token data for trainer tests: each sequence walks a cycle of token ids from a random
// phase, so a model can learn the next token.

import type { Random } from "@kairos/lora";
import type { TokenBatch } from "../../src/model/batch.js";

export function cycleBatch(
  rng: Random,
  batchSize: number,
  seqLen: number,
  vocab: number,
): TokenBatch {
  const ids = new Int32Array(batchSize * seqLen);
  const labels = new Int32Array(batchSize * seqLen);
  const period = vocab - 2;
  for (let b = 0; b < batchSize; b++) {
    const phase = rng.int(period);
    for (let t = 0; t < seqLen; t++) {
      ids[b * seqLen + t] = 2 + ((phase + 3 * t) % period);
      labels[b * seqLen + t] = 2 + ((phase + 3 * (t + 1)) % period);
    }
  }
  return { ids, labels, batchSize, seqLen };
}
