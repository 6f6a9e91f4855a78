// Sampling one token from logits with temperature, top-k and nucleus (top-p) filtering, as
// transformers' `TemperatureLogitsWarper`, `TopKLogitsWarper` and `TopPLogitsWarper` do, in that order.
import type { Random } from "@kairos/lora";

/** Sampling options. `topK` 0 and `topP` 1 disable the filters. */
export interface SamplingOptions {
  temperature: number;
  topK: number;
  topP: number;
  /** Ids below this are never sampled (special tokens). */
  firstId: number;
}

/**
 * Draws an id from softmax(logits / temperature) restricted to the top-k ids and then to the
 * smallest set whose probability reaches topP. `scratch` holds at least `logits.length` entries.
 */
export function sampleToken(
  logits: Float32Array,
  o: SamplingOptions,
  rng: Random,
  scratch: Float64Array,
  order: Int32Array,
): number {
  const V = logits.length;
  let n = 0;
  for (let v = o.firstId; v < V; v++) order[n++] = v;
  const ids = order.subarray(0, n);
  ids.sort((a, b) => logits[b] - logits[a]);
  const k = o.topK > 0 ? Math.min(o.topK, n) : n;
  const max = logits[ids[0]];
  let sum = 0;
  for (let i = 0; i < k; i++) {
    const e = Math.exp((logits[ids[i]] - max) / o.temperature);
    scratch[i] = e;
    sum += e;
  }
  // Nucleus: keep the smallest prefix whose mass reaches topP (the first token always stays).
  let keep = k;
  if (o.topP < 1) {
    let acc = 0;
    for (let i = 0; i < k; i++) {
      acc += scratch[i] / sum;
      if (acc >= o.topP) {
        keep = i + 1;
        break;
      }
    }
  }
  let mass = 0;
  for (let i = 0; i < keep; i++) mass += scratch[i];
  let u = rng.uniform() * mass;
  for (let i = 0; i < keep; i++) {
    u -= scratch[i];
    if (u < 0) return ids[i];
  }
  return ids[keep - 1];
}
