// Forecast windows as causal-LM token sequences: the context (left-padded to `contextLength`) and
// the target, tokenized with the context's scale (Chronos's mean scale, for MeanScaleUniformBins),
// then inputs = sequence[0 … S−2] and labels = sequence[1 … S−1], −100 where the next value is
// missing. One token a value: a scheme writing more must fit them in contextLength.
import type { Tokenizer } from "@kairos/tokenizer";
import type { TrainingWindow } from "../family/forecast-model.js";
import type { TokenBatch } from "../model/batch.js";
import { IGNORE_INDEX } from "../model/chunked-cross-entropy.js";
import type { TokenizerSettings } from "../model/config.js";

export type { TrainingWindow } from "../family/forecast-model.js";
export { tokenizerFor } from "../model/tokenizer-registry.js";

/** Positions of one window's sequence: contextLength + predictionLength − 1. */
export function sequenceLength(s: TokenizerSettings): number {
  return s.contextLength + s.predictionLength + (s.useEosToken ? 1 : 0) - 1;
}

/** Tokenizes windows into one batch `[windows.length, sequenceLength]`. */
export function windowBatch(
  tok: Tokenizer,
  s: TokenizerSettings,
  windows: TrainingWindow[],
): TokenBatch {
  const T = sequenceLength(s);
  const B = windows.length;
  const ids = new Int32Array(B * T);
  const labels = new Int32Array(B * T).fill(IGNORE_INDEX);
  const keyMask = new Uint8Array(B * T);
  const full = new Int32Array(T + 1);
  const mask = new Uint8Array(T + 1);
  windows.forEach((w, b) => {
    const c = tok.encode(w.context);
    const y = tok.encodeLabels(w.target, c.scale);
    const pad = s.contextLength - c.ids.length;
    if (pad < 0 || s.contextLength + y.ids.length !== T + 1) {
      throw new RangeError(
        `windowBatch(): windows[${b}] must tokenize to at most ${s.contextLength} context ids and ${T + 1 - s.contextLength} label ids (one a value), got ${c.ids.length} and ${y.ids.length}`,
      );
    }
    full.fill(0);
    mask.fill(0);
    full.set(c.ids, pad);
    mask.set(c.mask, pad);
    full.set(y.ids, s.contextLength);
    mask.set(y.mask, s.contextLength);
    for (let t = 0; t < T; t++) {
      ids[b * T + t] = full[t];
      keyMask[b * T + t] = mask[t];
      if (mask[t + 1]) labels[b * T + t] = full[t + 1];
    }
  });
  return { ids, labels, keyMask, batchSize: B, seqLen: T };
}

/**
 * A batch as the token-window file records another trainer reads (`kairos export-windows`,
 * scripts/export-pretrain-windows.mjs, the PyTorch scripts beside them): per window, little-endian,
 * ids int32[T], labels int32[T] (−100: no loss), keyMask uint8[T] (1: a real token).
 *
 * @example
 * const bytes = windowRecords(windowBatch(tok, settings, windows)); // windows.length × 9T bytes
 */
export function windowRecords(b: TokenBatch): Uint8Array {
  const T = b.seqLen;
  const record = 9 * T;
  const out = new Uint8Array(b.batchSize * record);
  const view = new DataView(out.buffer);
  const keyMask = b.keyMask ?? new Uint8Array(b.batchSize * T).fill(1);
  for (let w = 0; w < b.batchSize; w++) {
    const at = w * record;
    for (let p = 0; p < T; p++) {
      view.setInt32(at + 4 * p, b.ids[w * T + p], true);
      view.setInt32(at + 4 * (T + p), b.labels[w * T + p], true);
      out[at + 8 * T + p] = keyMask[w * T + p];
    }
  }
  return out;
}

/** The `record` field list of a token-window file's `windows.json` ({@link windowRecords}). */
export function windowRecordFields(T: number) {
  return [
    { name: "ids", dtype: "<i4", length: T },
    { name: "labels", dtype: "<i4", length: T, ignoreIndex: IGNORE_INDEX },
    { name: "keyMask", dtype: "u1", length: T },
  ];
}
