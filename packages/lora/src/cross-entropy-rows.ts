// Softmax cross-entropy over rows of logits (`Backend.crossEntropyRows`): the argument check every
// backend shares and the clear, naive kernel they are tested against (the per-row pass that
// @kairos/train's chunked loss ran in plain JavaScript: max, log-sum-exp, loss; softmax − onehot).
// Legend: R rows, V vocabulary; logits `[R, V]` row-major.
import { checkVector } from "./matmul-shape";

/** Label value whose row is ignored: no loss, zero gradient (PyTorch `ignore_index`). */
export const IGNORE_INDEX = -100;

/**
 * Throws a `RangeError`/`TypeError` naming the argument when the operands of
 * `crossEntropyRows` do not fit `rows` × `vocab`, a label is neither in [0, vocab) nor −100, or
 * `gradScale` is given and not finite.
 */
export function checkCrossEntropyRows(
  fn: string,
  logits: Float32Array,
  labels: Int32Array,
  lse: Float32Array,
  rows: number,
  vocab: number,
  gradScale?: number,
): void {
  if (!Number.isInteger(rows) || rows < 0) {
    throw new RangeError(`${fn}: rows must be a non-negative integer, got ${rows}`);
  }
  if (!Number.isInteger(vocab) || vocab < 1) {
    throw new RangeError(`${fn}: vocab must be a positive integer, got ${vocab}`);
  }
  checkVector(fn, "logits", logits, rows * vocab);
  checkVector(fn, "lse", lse, rows);
  if (!(labels instanceof Int32Array)) {
    throw new TypeError(`${fn}: labels must be an Int32Array, got ${typeof labels}`);
  }
  if (labels.length < rows) {
    throw new RangeError(`${fn}: labels must hold at least ${rows} labels, got ${labels.length}`);
  }
  if (gradScale !== undefined && !Number.isFinite(gradScale)) {
    throw new RangeError(`${fn}: gradScale must be a finite number, got ${gradScale}`);
  }
  for (let r = 0; r < rows; r++) {
    const y = labels[r];
    if (y !== IGNORE_INDEX && !(y >= 0 && y < vocab)) {
      throw new RangeError(`${fn}: labels must be in [0, ${vocab}) or -100, got ${y} at row ${r}`);
    }
  }
}

/**
 * The naive kernel of `Backend.crossEntropyRows`, in float64 row by row. Forward (no
 * `gradScale`): lse[r] = log Σ_v exp(logits[r, v]), through the row's max. Backward (with
 * `gradScale`): reads lse from the forward and overwrites logits with
 * gradScale · (softmax − onehot(label)), zeros on ignored rows. Either way returns
 * Σ_r (lse[r] − logits[r, label[r]]) over rows whose label is not −100.
 *
 * @example
 * const sum = naiveCrossEntropyRows(logits, labels, lse, rows, vocab); // forward
 * naiveCrossEntropyRows(logits, labels, lse, rows, vocab, 1 / count); // dlogits, in place
 */
export function naiveCrossEntropyRows(
  logits: Float32Array,
  labels: Int32Array,
  lse: Float32Array,
  rows: number,
  vocab: number,
  gradScale?: number,
): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * vocab;
    const y = labels[r];
    if (gradScale === undefined) {
      let max = Number.NEGATIVE_INFINITY;
      for (let v = 0; v < vocab; v++) if (logits[o + v] > max) max = logits[o + v];
      let sum = 0;
      for (let v = 0; v < vocab; v++) sum += Math.exp(logits[o + v] - max);
      const l = max + Math.log(sum);
      lse[r] = l;
      if (y !== IGNORE_INDEX) total += l - logits[o + y];
      continue;
    }
    if (y === IGNORE_INDEX) {
      logits.fill(0, o, o + vocab);
      continue;
    }
    const l = lse[r];
    total += l - logits[o + y];
    for (let v = 0; v < vocab; v++) logits[o + v] = Math.exp(logits[o + v] - l) * gradScale;
    logits[o + y] -= gradScale;
  }
  return total;
}
