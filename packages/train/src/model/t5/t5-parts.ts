// What a T5 model's blocks share: config, weights by HF key, gradients (when trainable), the
// linear modules by HF module path (frozen `Linear`s, trainable ones, or LoRA layers swapped in),
// the backend, the buffer pool, and the position buckets of each (stack, lengths) seen.
import type { MatmulBackend } from "../matmul.js";
import type { Projection } from "../projection.js";
import type { SublayerNorm } from "../residual-norm.js";
import type { Scratch } from "../scratch.js";
import { positionBiasBackward, positionBiasForward, positionBuckets } from "./relative-position.js";
import type { T5Config } from "./t5-config.js";
import { relativeBiasKey, type T5Stack } from "./t5-parameters.js";

/** The shared state of a T5 model's layers. */
export interface T5Parts {
  readonly config: T5Config;
  readonly weights: Map<string, Float32Array>;
  readonly grads: Map<string, Float32Array> | null;
  /** Linear modules by path (`encoder.block.0.layer.0.SelfAttention.q`); LoRA swaps entries. */
  readonly projections: Record<string, Projection>;
  readonly backend: MatmulBackend;
  readonly scratch: Scratch;
  /** Position buckets by `${stack}:${Tq}:${Tk}:${offset}`. */
  readonly buckets: Map<string, Int32Array>;
}

/** The weight (and gradient) of a norm by key, as a residual sublayer takes it. */
export function normOf(parts: T5Parts, key: string): SublayerNorm {
  return {
    weight: parts.weights.get(key) as Float32Array,
    grad: parts.grads?.get(key) ?? null,
    eps: parts.config.layerNormEpsilon,
    backend: parts.backend,
  };
}

function bucketsOf(parts: T5Parts, stack: T5Stack, Tq: number, Tk: number, offset: number) {
  const key = `${stack}:${Tq}:${Tk}:${offset}`;
  let b = parts.buckets.get(key);
  if (!b) {
    const c = parts.config;
    const bidirectional = stack === "encoder";
    const [n, max] = [c.relativeAttentionNumBuckets, c.relativeAttentionMaxDistance];
    b = positionBuckets(Tq, Tk, bidirectional, n, max, offset);
    parts.buckets.set(key, b);
  }
  return b;
}

/**
 * A stack's self-attention bias `[H, Tq, Tk]` for queries at positions offset… (named scratch,
 * valid until the next call for that stack): bidirectional buckets in the encoder, causal ones in
 * the decoder.
 */
export function positionBias(
  parts: T5Parts,
  stack: T5Stack,
  Tq: number,
  Tk: number,
  offset = 0,
): Float32Array {
  const H = parts.config.numHeads;
  const bias = parts.scratch.get(`t5.bias.${stack}`, H * Tq * Tk);
  const table = parts.weights.get(relativeBiasKey(stack)) as Float32Array;
  positionBiasForward(bias, table, bucketsOf(parts, stack, Tq, Tk, offset), H);
  return bias;
}

/** A zeroed `[H, Tq, Tk]` bias gradient when the bias table is trainable, else null. */
export function positionBiasGrad(parts: T5Parts, Tq: number, Tk: number): Float32Array | null {
  return parts.grads ? parts.scratch.get("t5.dbias", parts.config.numHeads * Tq * Tk) : null;
}

/** Accumulates a bias gradient from {@link positionBiasGrad} into the stack's table gradient. */
export function positionBiasAccumulate(
  parts: T5Parts,
  stack: T5Stack,
  dBias: Float32Array | null,
  Tq: number,
  Tk: number,
): void {
  const g = parts.grads?.get(relativeBiasKey(stack));
  if (!dBias || !g) return;
  positionBiasBackward(g, dBias, bucketsOf(parts, stack, Tq, Tk, 0), parts.config.numHeads);
}
