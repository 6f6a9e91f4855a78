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
  const n = V - o.firstId;
  const k = o.topK > 0 ? Math.min(o.topK, n) : n;
  const ids = k < n ? topIds(logits, o.firstId, k, order) : allIdsSorted(logits, o.firstId, order);
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

/** Every id from `first` on, by logit descending, ties in id order (a stable sort). */
function allIdsSorted(logits: Float32Array, first: number, order: Int32Array): Int32Array {
  let n = 0;
  for (let v = first; v < logits.length; v++) order[n++] = v;
  const ids = order.subarray(0, n);
  return ids.sort((a, b) => logits[b] - logits[a]);
}

/**
 * The k ids of largest logit from `first` on, in the order {@link allIdsSorted} gives them, without
 * sorting the whole vocabulary: a sorted buffer of the best k so far, where an id enters only past
 * the k-th logit (O(V) for a vocabulary of 4096 and k 50, against a sort's O(V log V)).
 */
function topIds(logits: Float32Array, first: number, k: number, order: Int32Array): Int32Array {
  const best = order.subarray(0, k);
  let size = 0;
  for (let v = first; v < logits.length; v++) {
    const x = logits[v];
    if (size === k && !(x > logits[best[k - 1]])) continue; // a tie keeps the earlier id
    // After every id of logit ≥ x: equal logits stay in id order.
    let lo = 0;
    let hi = size;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (logits[best[mid]] >= x) lo = mid + 1;
      else hi = mid;
    }
    const end = Math.min(size, k - 1);
    best.copyWithin(lo + 1, lo, end);
    best[lo] = v;
    if (size < k) size++;
  }
  return best;
}
