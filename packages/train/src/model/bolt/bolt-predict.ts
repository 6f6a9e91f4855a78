// `ChronosBoltPipeline.predict`: quantile forecasts of any horizon. The first H steps are one
// forward; past them, each of the Q quantile paths is appended to its context (kept to the last
// context_length values) and forecast again, and the Q·Q forecasts of each step are reduced back
// to Q by `torch.quantile` (linear interpolation between order statistics), until the horizon is
// reached. Contexts are NaN-left-padded to the longest and truncated to context_length first.
// Legend: B rows, Q quantiles, H prediction length, L context length.
import { quantileSorted } from "../../forecast/quantiles.js";
import { boltBatch } from "./bolt-batch.js";
import type { ChronosBoltModel } from "./bolt-model.js";

const FN = "ChronosBoltModel.predict()";

/** The rows, NaN-left-padded to the longest and truncated to `maxLength`: [B][L]. */
function stackRows(contexts: readonly ArrayLike<number>[], maxLength: number): Float32Array[] {
  const L = Math.min(maxLength, Math.max(...contexts.map((r) => r.length)));
  return contexts.map((r) => {
    const out = new Float32Array(L).fill(Number.NaN);
    const n = Math.min(r.length, L);
    for (let t = 0; t < n; t++) out[L - n + t] = r[r.length - n + t];
    return out;
  });
}

/** [B·Q·horizon] quantiles of `contexts`. */
export async function boltPredict(
  model: ChronosBoltModel,
  contexts: readonly ArrayLike<number>[],
  horizon: number,
): Promise<Float32Array> {
  if (!Number.isInteger(horizon) || horizon <= 0)
    throw new RangeError(`${FN}: horizon must be a positive integer, got ${horizon}`);
  const { contextLength, predictionLength: H, quantiles } = model.config;
  const Q = quantiles.length;
  const first = boltBatch(model.config, contexts, null, undefined, FN);
  const B = first.batchSize;
  for (let b = 0; b < B; b++) {
    if (
      first.encoderMask
        .subarray(b * first.encoderLength, b * first.encoderLength + first.patchCount)
        .every((m) => m === 0)
    )
      throw new RangeError(
        `${FN}: contexts[${b}] must hold an observed (non-NaN) value in its last ${first.contextLength}, got none`,
      );
  }
  const out = new Float32Array(B * Q * horizon);
  let pred = await model.quantilePredictions(first); // [B, Q, H]
  const write = (p: Float32Array, from: number) => {
    const n = Math.min(H, horizon - from);
    for (let bq = 0; bq < B * Q; bq++) out.set(p.subarray(bq * H, bq * H + n), bq * horizon + from);
  };
  write(pred, 0);
  if (horizon <= H) return out;
  // One context per (row, quantile path), each growing by its path's forecast.
  const base = stackRows(contexts, contextLength);
  let paths = base.flatMap((r) => Array.from({ length: Q }, () => r));
  const column = new Float64Array(Q * Q);
  for (let done = H; done < horizon; done += H) {
    paths = paths.map((r, i) => {
      const grown = new Float32Array(r.length + H);
      grown.set(r);
      grown.set(pred.subarray(i * H, i * H + H), r.length);
      return grown.subarray(Math.max(0, grown.length - contextLength));
    });
    const all = await model.quantilePredictions(
      boltBatch(model.config, paths, null, undefined, FN),
    );
    // all: [B·Q paths, Q, H] = [B, Q·Q, H]; reduce each step's Q·Q values to the Q levels.
    pred = new Float32Array(B * Q * H);
    for (let b = 0; b < B; b++)
      for (let h = 0; h < H; h++) {
        for (let j = 0; j < Q * Q; j++) column[j] = all[(b * Q * Q + j) * H + h];
        column.sort();
        for (let q = 0; q < Q; q++)
          pred[(b * Q + q) * H + h] = quantileSorted(column, quantiles[q]);
      }
    write(pred, done);
  }
  return out;
}
