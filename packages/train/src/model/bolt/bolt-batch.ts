// One Chronos-Bolt batch: B contexts of the same length (NaN-left-padded or truncated to it) with
// their instance norm and patches, and optionally the targets that follow them, normalised by the
// contexts' loc and scale and NaN-padded to the prediction length (a NaN target is masked).
// Legend: B rows, L context length, P patches, S patch size, Te encoder positions, H prediction length.
import type { BoltConfig } from "./bolt-config.js";
import { instanceNorm, type LocScale, normalizeRows } from "./instance-norm.js";
import { patchRows } from "./patch.js";

/** Inputs (and targets) of a `ChronosBoltModelForForecasting` forward, flattened row-major. */
export interface BoltBatch {
  batchSize: number;
  /** Context values a row L (after padding or truncation). */
  contextLength: number;
  /** P: patches a row. */
  patchCount: number;
  /** Te = P (+ 1 with [REG]). */
  encoderLength: number;
  /** [B·P·2S]: per patch S normalised values (0 where missing), then S observed flags: the chain's input. */
  patches: Float32Array;
  /** [B·Te]: 1 where a patch has an observed value, and at [REG]. */
  encoderMask: Uint8Array;
  /** The contexts' instance norm, [B] each. */
  locScale: LocScale;
  /** [B·H] normalised targets, 0 where missing or past a short target; null without targets. */
  target: Float32Array | null;
  /** [B·H] 1 where `target` is observed; null without targets. */
  targetMask: Uint8Array | null;
}

function rowOf(fn: string, name: string, value: unknown): ArrayLike<number> {
  const ok =
    value !== null &&
    typeof value === "object" &&
    typeof (value as ArrayLike<number>).length === "number" &&
    (ArrayBuffer.isView(value) || Array.isArray(value));
  if (!ok)
    throw new TypeError(
      `${fn}: ${name} must be an array of numbers, got ${value === null ? "null" : typeof value}`,
    );
  const row = value as ArrayLike<number>;
  for (let i = 0; i < row.length; i++) {
    if (typeof row[i] !== "number")
      throw new TypeError(`${fn}: ${name}[${i}] must be a number, got ${typeof row[i]}`);
  }
  return row;
}

/**
 * A batch of `contexts` (each truncated to its last `length` values or NaN-left-padded to them;
 * default the longest context, at most the model's context length) and optional `targets` (at
 * most the prediction length each).
 * @example const batch = boltBatch(config, [series.subarray(0, 48)], [series.subarray(48, 64)]);
 */
export function boltBatch(
  config: BoltConfig,
  contexts: readonly ArrayLike<number>[],
  targets?: readonly ArrayLike<number>[] | null,
  length?: number,
  fn = "boltBatch()",
): BoltBatch {
  if (!Array.isArray(contexts) || contexts.length === 0)
    throw new TypeError(
      `${fn}: contexts must be a non-empty array of rows, got ${String(contexts)}`,
    );
  const rows = contexts.map((c, b) => rowOf(fn, `contexts[${b}]`, c));
  const longest = Math.max(...rows.map((r) => r.length));
  const L = length ?? Math.min(config.contextLength, longest);
  if (!Number.isInteger(L) || L <= 0)
    throw new RangeError(`${fn}: length must be a positive integer, got ${L}`);
  const B = rows.length;
  const x = new Float32Array(B * L).fill(Number.NaN);
  rows.forEach((r, b) => {
    const n = Math.min(r.length, L);
    for (let t = 0; t < n; t++) x[b * L + L - n + t] = r[r.length - n + t];
  });
  const locScale = instanceNorm(x, B, L);
  normalizeRows(x, locScale, L);
  const { patches, encoderMask, patchCount } = patchRows(
    x,
    B,
    L,
    config.patchSize,
    config.patchStride,
    config.useRegToken,
  );
  const batch: BoltBatch = {
    batchSize: B,
    contextLength: L,
    patchCount,
    encoderLength: patchCount + (config.useRegToken ? 1 : 0),
    patches,
    encoderMask,
    locScale,
    target: null,
    targetMask: null,
  };
  if (!targets) return batch;
  if (!Array.isArray(targets) || targets.length !== B)
    throw new RangeError(
      `${fn}: targets must hold one row a context (${B}), got ${targets.length}`,
    );
  const H = config.predictionLength;
  const y = new Float32Array(B * H).fill(Number.NaN);
  targets.forEach((t, b) => {
    const r = rowOf(fn, `targets[${b}]`, t);
    if (r.length > H)
      throw new RangeError(`${fn}: targets[${b}] must hold at most ${H} values, got ${r.length}`);
    for (let h = 0; h < r.length; h++) y[b * H + h] = r[h];
  });
  normalizeRows(y, locScale, H);
  const mask = new Uint8Array(B * H);
  for (let i = 0; i < y.length; i++) {
    mask[i] = Number.isNaN(y[i]) ? 0 : 1;
    if (!mask[i]) y[i] = 0;
  }
  return { ...batch, target: y, targetMask: mask };
}
