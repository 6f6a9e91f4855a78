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
  prefixK: Float32Array; // [L, KV·D] rotated
  prefixV: Float32Array; // [L, KV·D]
  k: Float32Array; // [S, maxNew, KV·D] rotated
  v: Float32Array; // [S, maxNew, KV·D]
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
      d.caches.push({
        prefixK: inner.k,
        prefixV: inner.v,
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
    const [L, own] = [this.L, j + 1];
    const scores = new Float64Array(L + own); // prefix keys, then this sample's own
    const scale = 1 / Math.sqrt(D);
    for (let s = 0; s < S; s++) {
      const ownBase = s * this.maxNew * kw; // sample s's continuation in the cache
      for (let hd = 0; hd < H; hd++) {
        const g = Math.floor(hd / (H / KV));
        const qo = s * H * D + hd * D;
        let max = Number.NEGATIVE_INFINITY;
        for (let t = 0; t < L + own; t++) {
          const [kb, ko] = t < L ? [cache.prefixK, t * kw] : [cache.k, ownBase + (t - L) * kw];
          if (t < L && this.prefixMask[t] === 0) {
            scores[t] = Number.NEGATIVE_INFINITY; // a missing value is never attended to
            continue;
          }
          let dot = 0;
          for (let d = 0; d < D; d++) dot += q[qo + d] * kb[ko + g * D + d];
          scores[t] = dot * scale;
          if (scores[t] > max) max = scores[t];
        }
        let sum = 0;
        for (let t = 0; t < L + own; t++) {
          scores[t] = Math.exp(scores[t] - max);
          sum += scores[t];
        }
        for (let t = 0; t < L + own; t++) {
          const w = scores[t] / sum;
          if (w === 0) continue;
          const [vb, vo] = t < L ? [cache.prefixV, t * kw] : [cache.v, ownBase + (t - L) * kw];
          for (let d = 0; d < D; d++) attn[qo + d] += w * vb[vo + g * D + d];
        }
      }
    }
    const o = (await p.o_proj.forward(attn, { save: false })).output;
    for (let i = 0; i < o.length; i++) o[i] += x[i];
    return o;
  }
}
