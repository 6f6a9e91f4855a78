// Incremental decoding with a key/value cache, for sampling many continuations of one context:
// the context (prefix) runs once through the ordinary forward, its rotated keys and values are kept
// per layer, and each sampling step then runs only the new token of every sample, attending to the
// shared prefix plus that sample's own cached continuation. Without it, each of `steps` sampling
// steps ran the whole samples × (context + steps) batch again: ~T× the work.
// Legend: S samples, L prefix length, C hidden size, H/KV heads, D head size, V vocabulary.
import { headDim } from "../model/config.js";
import type { DecoderLayer } from "../model/decoder-layer.js";
import type { LlamaModel } from "../model/llama.js";
import { rmsNormForward } from "../model/rms-norm.js";
import { rotaryApply } from "../model/rotary.js";
import { noRandom } from "../model/stage.js";

interface LayerCache {
  /** Per key/value head g: the prefix's rotated keys `[L, D]`, contiguous for the matmul. */
  prefixK: Float32Array[];
  /** Per key/value head: the prefix's values `[L, D]`. */
  prefixV: Float32Array[];
  k: Float32Array; // [S, maxNew, KV·D] rotated
  v: Float32Array; // [S, maxNew, KV·D]
}

/** Head g's columns `[L, D]` of rows `[L, KV·D]`, copied contiguous. */
function headColumns(rows: Float32Array, L: number, KV: number, D: number, g: number) {
  const out = new Float32Array(L * D);
  for (let t = 0; t < L; t++) out.set(rows.subarray((t * KV + g) * D, (t * KV + g + 1) * D), t * D);
  return out;
}

/** One context, `samples` continuations of up to `maxNew` tokens each. */
export class CachedDecoder {
  private readonly caches: LayerCache[] = [];
  private readonly L: number;
  /** Tokens decoded so far after the prefix. */
  private length = 0;

  private constructor(
    private readonly model: LlamaModel,
    private readonly prefixMask: Uint8Array,
    private readonly samples: number,
    private readonly maxNew: number,
  ) {
    this.L = prefixMask.length;
  }

  /**
   * Runs the prefix `ids[L]` (`mask` 0 = missing value, never attended to) and returns the
   * decoder with the logits `[V]` of its last position (the next token's, for every sample).
   */
  static async start(
    model: LlamaModel,
    ids: Int32Array,
    mask: Uint8Array,
    samples: number,
    maxNew: number,
  ): Promise<{ decoder: CachedDecoder; logits: Float32Array }> {
    const d = new CachedDecoder(model, mask, samples, maxNew);
    const L = ids.length;
    const kvWidth = model.config.numKeyValueHeads * headDim(model.config);
    const geometry = { batchSize: 1, seqLen: L, keyMask: mask };
    let x = model.embed(ids);
    for (const layer of model.layers) {
      // A saving forward exposes the rotated k and v; the rest of its context is dropped (never
      // given back to the pool, so the cache may keep the two buffers).
      const a = await layer.attentionForward(x, geometry, true, noRandom);
      const inner = a.context?.inner as { k: Float32Array; v: Float32Array };
      const [KV, D] = [model.config.numKeyValueHeads, headDim(model.config)];
      const heads = Array.from({ length: KV }, (_, g) => g);
      d.caches.push({
        prefixK: heads.map((g) => headColumns(inner.k, L, KV, D, g)),
        prefixV: heads.map((g) => headColumns(inner.v, L, KV, D, g)),
        k: new Float32Array(samples * maxNew * kvWidth),
        v: new Float32Array(samples * maxNew * kvWidth),
      });
      x = (await layer.mlpForward(a.output, false, noRandom)).output;
    }
    const logits = await model.headLogits(x.subarray((L - 1) * model.config.hiddenSize));
    return { decoder: d, logits };
  }

  /** Appends token `ids[s]` to each sample's continuation; returns the next logits `[S, V]`. */
  async step(ids: Int32Array): Promise<Float32Array> {
    if (this.length >= this.maxNew) {
      throw new RangeError(`CachedDecoder.step(): at most ${this.maxNew} tokens, got one more`);
    }
    const position = this.L + this.length;
    let x = this.model.embed(ids);
    for (const [l, layer] of this.model.layers.entries()) {
      const h = await this.attend(layer, this.caches[l], x, position);
      x = (await layer.mlpForward(h, false, noRandom)).output;
    }
    this.length++;
    return this.model.headLogits(x);
  }

  /** h[S, C] = x + o_proj(attention of each sample's new row over the prefix and its past). */
  private async attend(
    layer: DecoderLayer,
    cache: LayerCache,
    x: Float32Array,
    position: number,
  ): Promise<Float32Array> {
    const { config, projections: p } = layer;
    const [S, C, D] = [this.samples, config.hiddenSize, headDim(config)];
    const [H, KV] = [config.numAttentionHeads, config.numKeyValueHeads];
    const kw = KV * D;
    const n = new Float32Array(S * C);
    rmsNormForward(n, new Float32Array(S), x, layer.inputNorm, S, C, config.rmsNormEps);
    const q = (await p.q_proj.forward(n, { save: false })).output;
    const k = (await p.k_proj.forward(n, { save: false })).output;
    const v = (await p.v_proj.forward(n, { save: false })).output;
    rotaryApply(q, layer.rope, S, 1, H, 1, position);
    rotaryApply(k, layer.rope, S, 1, KV, 1, position);
    const j = this.length;
    for (let s = 0; s < S; s++) {
      cache.k.set(k.subarray(s * kw, s * kw + kw), (s * this.maxNew + j) * kw);
      cache.v.set(v.subarray(s * kw, s * kw + kw), (s * this.maxNew + j) * kw);
    }
    const attn = new Float32Array(S * H * D);
    const [L, own, rep] = [this.L, j + 1, H / KV];
    const scale = 1 / Math.sqrt(D);
    const backend = this.model.options.backend;
    // Per key/value head, the rows of all samples' query heads in its group (R = S·rep) meet the
    // shared prefix as matmuls on the backend: scores [R, L] = scale·q·kᵀ, later out = w·v. The
    // few keys of each sample's own continuation, and the softmax, stay here.
    const R = S * rep;
    const qg = new Float32Array(R * D);
    const scores = new Float32Array(R * L);
    const ownScores = new Float64Array(own);
    const out = new Float32Array(R * D);
    const ownWeights = new Float32Array(R * own);
    for (let g = 0; g < KV; g++) {
      for (let r = 0; r < R; r++) {
        const qo = (Math.floor(r / rep) * H + g * rep + (r % rep)) * D;
        qg.set(q.subarray(qo, qo + D), r * D);
      }
      await backend.matmul(qg, cache.prefixK[g], scores, {
        ...{ m: R, n: L, k: D, transposeB: true, alpha: scale },
      });
      for (let r = 0; r < R; r++) {
        const s = Math.floor(r / rep);
        const ownBase = s * this.maxNew * kw + g * D; // sample s's continuation, head g
        const row = scores.subarray(r * L, (r + 1) * L);
        let max = Number.NEGATIVE_INFINITY;
        for (let t = 0; t < L; t++) {
          if (this.prefixMask[t] === 0)
            row[t] = Number.NEGATIVE_INFINITY; // never attended to
          else if (row[t] > max) max = row[t];
        }
        for (let t = 0; t < own; t++) {
          let dot = 0;
          for (let d = 0; d < D; d++) dot += qg[r * D + d] * cache.k[ownBase + t * kw + d];
          ownScores[t] = dot * scale;
          if (ownScores[t] > max) max = ownScores[t];
        }
        let sum = 0;
        for (let t = 0; t < L; t++) sum += row[t] = Math.exp(row[t] - max);
        for (let t = 0; t < own; t++) sum += ownScores[t] = Math.exp(ownScores[t] - max);
        for (let t = 0; t < L; t++) row[t] /= sum;
        for (let t = 0; t < own; t++) ownWeights[r * own + t] = ownScores[t] / sum;
      }
      await backend.matmul(scores, cache.prefixV[g], out, { m: R, n: D, k: L });
      for (let r = 0; r < R; r++) {
        const s = Math.floor(r / rep);
        const ownBase = s * this.maxNew * kw + g * D;
        const ao = (s * H + g * rep + (r % rep)) * D;
        for (let d = 0; d < D; d++) attn[ao + d] = out[r * D + d];
        for (let t = 0; t < own; t++) {
          const w = ownWeights[r * own + t];
          for (let d = 0; d < D; d++) attn[ao + d] += w * cache.v[ownBase + t * kw + d];
        }
      }
    }
    const o = (await p.o_proj.forward(attn, { save: false })).output;
    for (let i = 0; i < o.length; i++) o[i] += x[i];
    return o;
  }
}
