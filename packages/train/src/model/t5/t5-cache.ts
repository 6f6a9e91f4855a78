// KV-cached decoding for T5 (as transformers' `generate` with `EncoderDecoderCache`): the
// cross-attention keys and values of every decoder block are computed once from the encoder
// output; each step feeds one token a sequence, appends its self-attention key and value to the
// cache, and attends over the positions so far with the position bias of offset (key − step).
// Legend: B sequences, Te encoder positions, L cache capacity, C hidden size, H heads, D head size.

import type { Projection } from "../projection.js";
import { residualNormForward } from "../residual-norm.js";
import { rmsNormForward } from "../rms-norm.js";
import { t5AttentionForward } from "./t5-attention-kernel.js";
import { feedForwardLayer } from "./t5-block.js";
import { attentionPath } from "./t5-parameters.js";
import { normOf, positionBias, type T5Parts } from "./t5-parts.js";

/** Keys and values of one attention, `[B·rows, H·D]`. */
interface KeyValues {
  k: Float32Array;
  v: Float32Array;
}

/** The state of a cached decode. */
export interface T5DecoderCache {
  readonly batchSize: number;
  readonly encoderLength: number;
  /** Steps the cache holds (L). */
  readonly capacity: number;
  /** Steps fed so far. */
  length: number;
  readonly encoderMask: Uint8Array | null;
  /** Per decoder block: self-attention keys and values `[B·L, H·D]`, first `length` rows a sequence. */
  readonly self: KeyValues[];
  /** Per decoder block: cross-attention keys and values `[B·Te, H·D]`. */
  readonly cross: KeyValues[];
}

const noSeeds = () => ({ save: false });

async function project(p: Projection, x: Float32Array): Promise<Float32Array> {
  return (await p.forward(x, { save: false })).output;
}

/** `copies` consecutive copies of each of the `blocks` equal blocks of `a`. */
function tile<T extends Float32Array | Uint8Array>(a: T, blocks: number, copies: number): T {
  if (copies === 1) return a;
  const n = a.length / blocks;
  const out = new (a.constructor as new (n: number) => T)(a.length * copies);
  for (let b = 0; b < blocks; b++)
    for (let c = 0; c < copies; c++) out.set(a.subarray(b * n, (b + 1) * n), (b * copies + c) * n);
  return out;
}

/**
 * A cache over the encoder output enc [B·Te, C] for up to `capacity` steps. With `copies` > 1
 * the cache decodes B·copies sequences, each source's `copies` in a row (sample paths of one
 * context): the cross-attention keys and values are computed once a source and then copied.
 */
export async function t5DecoderCache(
  parts: T5Parts,
  enc: Float32Array,
  encoderMask: Uint8Array | null,
  batchSize: number,
  encoderLength: number,
  capacity: number,
  copies = 1,
): Promise<T5DecoderCache> {
  const c = parts.config;
  const inner = c.numHeads * c.dKv;
  if (enc.length !== batchSize * encoderLength * c.dModel)
    throw new RangeError(
      `t5DecoderCache(): enc must have ${batchSize * encoderLength * c.dModel} elements, got ${enc.length}`,
    );
  if (!Number.isInteger(capacity) || capacity <= 0)
    throw new RangeError(`t5DecoderCache(): capacity must be a positive integer, got ${capacity}`);
  if (!Number.isInteger(copies) || copies <= 0)
    throw new RangeError(`t5DecoderCache(): copies must be a positive integer, got ${copies}`);
  const self: KeyValues[] = [];
  const cross: KeyValues[] = [];
  for (let l = 0; l < c.numDecoderLayers; l++) {
    const path = attentionPath("decoder", l, "EncDecAttention");
    const pr = parts.projections;
    const [k, v] = [await project(pr[`${path}.k`], enc), await project(pr[`${path}.v`], enc)];
    cross.push({ k: tile(k, batchSize, copies), v: tile(v, batchSize, copies) });
    const size = batchSize * copies * capacity * inner;
    self.push({ k: new Float32Array(size), v: new Float32Array(size) });
  }
  const mask = encoderMask && tile(encoderMask, batchSize, copies);
  const B = batchSize * copies;
  return { batchSize: B, encoderLength, capacity, length: 0, encoderMask: mask, self, cross };
}

/**
 * One decoding step: x [B, C] (the fed tokens' embeddings) through every decoder block with the
 * cache, which grows by one position; returns the final-normed states [B, C].
 */
export async function decodeStep(
  parts: T5Parts,
  cache: T5DecoderCache,
  x: Float32Array,
): Promise<Float32Array> {
  const c = parts.config;
  const { batchSize: B, capacity: L } = cache;
  const t = cache.length;
  if (t >= L) throw new RangeError(`decodeStep(): the cache holds ${L} steps, all used`);
  const [C, H, D] = [c.dModel, c.numHeads, c.dKv];
  const inner = H * D;
  const { scratch } = parts;
  const pr = parts.projections;
  let h = x;
  for (let l = 0; l < c.numDecoderLayers; l++) {
    const selfPath = attentionPath("decoder", l, "SelfAttention");
    const crossPath = attentionPath("decoder", l, "EncDecAttention");
    const bias = positionBias(parts, "decoder", 1, t + 1, t);
    // Self-attention over positions 0…t: this step's key and value go into row t of each sequence.
    const selfNorm = normOf(parts, `decoder.block.${l}.layer.0.layer_norm.weight`);
    const a = await residualNormForward(h, selfNorm, C, scratch, false, async (n) => {
      const { k, v } = cache.self[l];
      const [kt, vt] = [
        await project(pr[`${selfPath}.k`], n),
        await project(pr[`${selfPath}.v`], n),
      ];
      for (let b = 0; b < B; b++) {
        k.set(kt.subarray(b * inner, (b + 1) * inner), (b * L + t) * inner);
        v.set(vt.subarray(b * inner, (b + 1) * inner), (b * L + t) * inner);
      }
      const dims = { B, Tq: 1, Tk: t + 1, Tkv: L, H, D, causal: false, keyMask: null };
      return attend(parts, pr[`${selfPath}.q`], pr[`${selfPath}.o`], n, k, v, bias, dims);
    });
    if (h !== x) scratch.release(h);
    // Cross-attention over the encoder output's cached keys and values.
    const crossNorm = normOf(parts, `decoder.block.${l}.layer.1.layer_norm.weight`);
    const { k, v } = cache.cross[l];
    const Te = cache.encoderLength;
    const dims = { B, Tq: 1, Tk: Te, H, D, causal: false, keyMask: cache.encoderMask };
    const q = pr[`${crossPath}.q`];
    const o = pr[`${crossPath}.o`];
    const cr = await residualNormForward(a.output, crossNorm, C, scratch, false, (n) =>
      attend(parts, q, o, n, k, v, null, dims),
    );
    scratch.release(a.output);
    const f = await feedForwardLayer(parts, "decoder", l, cr.output, false, noSeeds);
    scratch.release(cr.output);
    h = f.output;
  }
  cache.length = t + 1;
  const out = new Float32Array(B * C);
  const norm = normOf(parts, "decoder.final_layer_norm.weight");
  rmsNormForward(out, new Float32Array(B), h, norm.weight, B, C, norm.eps);
  if (h !== x) scratch.release(h);
  return out;
}

/** o(attention(q(n), k, v)) [B, C] (pooled) for one query row a sequence. */
async function attend(
  parts: T5Parts,
  q: Projection,
  o: Projection,
  n: Float32Array,
  k: Float32Array,
  v: Float32Array,
  bias: Float32Array | null,
  dims: Parameters<typeof t5AttentionForward>[6],
) {
  const { scratch, backend } = parts;
  const qt = await project(q, n);
  const attn = scratch.get("t5.cache.attn", qt.length);
  const lse = scratch.get("t5.cache.lse", dims.B * dims.H);
  await t5AttentionForward(attn, lse, qt, k, v, bias, dims, backend);
  const out = scratch.acquire(dims.B * o.outFeatures);
  await o.forward(attn, { save: false, out });
  return { output: out, context: null };
}
