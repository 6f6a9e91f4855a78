// A T5 encoder-decoder (`T5ForConditionalGeneration`, the architecture of Amazon's Chronos), forward
// only for now: the encoder over token ids with T5's bidirectional relative position bias, and a
// decoder that runs one position at a time over a key/value cache (self-attention looking back
// with its own bias, cross-attention over the encoder output without one). Teacher-forced logits
// are those steps in a row, so generation and scoring share one path. T5 attention has no
// 1/sqrt(d) scaling; its layer norm is RMSNorm (no mean, no bias). Weights under Hugging Face's key
// names (`encoder.block.0.layer.0.SelfAttention.q.weight`, …), [out, in] as nn.Linear keeps them.
// Legend: B rows, Te encoder length, C d_model, H heads, D d_kv, F d_ff, V vocabulary.
import type { MatmulBackend } from "../matmul.js";
import { rmsNormForward } from "../rms-norm.js";
import { relativePositionBucket } from "./relative-position.js";
import type { T5Config } from "./t5-config.js";

/** What the decoder keeps between steps. */
export interface T5DecoderCache {
  readonly batchSize: number;
  readonly encoderLength: number;
  /** Encoder padding mask `[B, Te]` (1 = attend), or null. */
  readonly encoderMask: Uint8Array | null;
  /** Per decoder layer: cross-attention keys and values `[B, Te, H·D]`, computed once. */
  readonly crossK: Float32Array[];
  readonly crossV: Float32Array[];
  /** Per decoder layer: self-attention keys and values `[B, maxLength, H·D]`. */
  readonly selfK: Float32Array[];
  readonly selfV: Float32Array[];
  readonly maxLength: number;
  /** Positions decoded so far. */
  length: number;
}

function gelu(x: number): number {
  // transformers' gelu_new (the tanh approximation).
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
}

/** A T5 model over a weight map; `backend` runs the products. */
export class T5Model {
  private readonly inner: number;

  constructor(
    readonly config: T5Config,
    readonly weights: Map<string, Float32Array>,
    readonly backend: MatmulBackend,
  ) {
    this.inner = config.numHeads * config.dKv;
    for (const [key, length] of this.expectedSizes()) {
      const w = weights.get(key);
      if (!w || w.length !== length) {
        throw new RangeError(
          `T5Model(): weight ${key} must have ${length} elements, got ${w ? w.length : "none"}`,
        );
      }
    }
  }

  /** Every weight the config needs, with its element count. */
  private expectedSizes(): Map<string, number> {
    const { dModel: C, dFf: F, vocabSize: V, numHeads: H } = this.config;
    const I = this.inner;
    const m = new Map<string, number>([["shared.weight", V * C]]);
    const ff = (p: string) => {
      const wi = this.config.isGatedAct ? ["wi_0", "wi_1"] : ["wi"];
      for (const w of wi) m.set(`${p}.DenseReluDense.${w}.weight`, F * C);
      m.set(`${p}.DenseReluDense.wo.weight`, C * F);
      m.set(`${p}.layer_norm.weight`, C);
    };
    const attention = (p: string, kind: string) => {
      for (const w of ["q", "k", "v"]) m.set(`${p}.${kind}.${w}.weight`, I * C);
      m.set(`${p}.${kind}.o.weight`, C * I);
      m.set(`${p}.layer_norm.weight`, C);
    };
    const buckets = this.config.relativeAttentionNumBuckets * H;
    for (let i = 0; i < this.config.numLayers; i++) {
      attention(`encoder.block.${i}.layer.0`, "SelfAttention");
      ff(`encoder.block.${i}.layer.1`);
    }
    for (let i = 0; i < this.config.numDecoderLayers; i++) {
      attention(`decoder.block.${i}.layer.0`, "SelfAttention");
      attention(`decoder.block.${i}.layer.1`, "EncDecAttention");
      ff(`decoder.block.${i}.layer.2`);
    }
    m.set("encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight", buckets);
    m.set("decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight", buckets);
    m.set("encoder.final_layer_norm.weight", C);
    m.set("decoder.final_layer_norm.weight", C);
    if (!this.config.tieWordEmbeddings) m.set("lm_head.weight", V * C);
    return m;
  }

  private w(key: string): Float32Array {
    return this.weights.get(key) as Float32Array;
  }

  /** y[N, out] = x[N, in] · W[out, in]ᵀ. */
  private async linear(x: Float32Array, key: string, inF: number, outF: number) {
    const out = new Float32Array((x.length / inF) * outF);
    await this.backend.matmul(x, this.w(key), out, {
      m: x.length / inF,
      n: outF,
      k: inF,
      transposeB: true,
    });
    return out;
  }

  private norm(x: Float32Array, key: string): Float32Array {
    const C = this.config.dModel;
    const N = x.length / C;
    const out = new Float32Array(x.length);
    rmsNormForward(out, new Float32Array(N), x, this.w(key), N, C, this.config.layerNormEpsilon);
    return out;
  }

  private embed(ids: Int32Array): Float32Array {
    const C = this.config.dModel;
    const table = this.w("shared.weight");
    const x = new Float32Array(ids.length * C);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!(id >= 0 && id < this.config.vocabSize)) {
        throw new RangeError(
          `T5Model: token id must be in [0, ${this.config.vocabSize}), got ${id}`,
        );
      }
      x.set(table.subarray(id * C, id * C + C), i * C);
    }
    return x;
  }

  /** x += wo(act(wi LN(x))) (or the gated form), for x[N, C]. */
  private async feedForward(x: Float32Array, p: string): Promise<void> {
    const { dModel: C, dFf: F } = this.config;
    const n = this.norm(x, `${p}.layer_norm.weight`);
    const act = this.config.denseActFn === "relu" ? (v: number) => (v > 0 ? v : 0) : gelu;
    const ff = `${p}.DenseReluDense`;
    const h = await this.linear(n, `${ff}.${this.config.isGatedAct ? "wi_0" : "wi"}.weight`, C, F);
    if (this.config.isGatedAct) {
      const g = await this.linear(n, `${ff}.wi_1.weight`, C, F);
      for (let i = 0; i < h.length; i++) h[i] = act(h[i]) * g[i];
    } else {
      for (let i = 0; i < h.length; i++) h[i] = act(h[i]);
    }
    const y = await this.linear(h, `${ff}.wo.weight`, F, C);
    for (let i = 0; i < x.length; i++) x[i] += y[i];
  }

  /**
   * Attention of `rows` queries q[rows, H·D] of each of B batch rows over keys/values
   * [B, stride, H·D] (the first `keys` positions): softmax(q·k + bias + mask) · v, no scaling.
   * `bias(h, qi, kj)` is the position bias or null; masked keys are never attended to.
   */
  private attend(
    q: Float32Array,
    k: Float32Array,
    v: Float32Array,
    B: number,
    rows: number,
    keys: number,
    stride: number,
    keyMask: Uint8Array | null,
    bias: ((h: number, qi: number, kj: number) => number) | null,
    causalFrom: number | null,
  ): Float32Array {
    const { numHeads: H, dKv: D } = this.config;
    const I = this.inner;
    const out = new Float32Array(B * rows * I);
    const scores = new Float64Array(keys);
    for (let b = 0; b < B; b++) {
      for (let qi = 0; qi < rows; qi++) {
        const qo = (b * rows + qi) * I;
        const last = causalFrom === null ? keys : Math.min(keys, causalFrom + qi + 1);
        for (let h = 0; h < H; h++) {
          let max = Number.NEGATIVE_INFINITY;
          for (let j = 0; j < last; j++) {
            if (keyMask && keyMask[b * stride + j] === 0) {
              scores[j] = Number.NEGATIVE_INFINITY;
              continue;
            }
            const ko = (b * stride + j) * I + h * D;
            let dot = 0;
            for (let d = 0; d < D; d++) dot += q[qo + h * D + d] * k[ko + d];
            scores[j] = dot + (bias ? bias(h, qi, j) : 0);
            if (scores[j] > max) max = scores[j];
          }
          let sum = 0;
          for (let j = 0; j < last; j++) {
            scores[j] = Number.isFinite(scores[j]) ? Math.exp(scores[j] - max) : 0;
            sum += scores[j];
          }
          for (let j = 0; j < last; j++) {
            if (scores[j] === 0) continue;
            const p = scores[j] / sum;
            const vo = (b * stride + j) * I + h * D;
            for (let d = 0; d < D; d++) out[qo + h * D + d] += p * v[vo + d];
          }
        }
      }
    }
    return out;
  }

  /** The bias table lookup of a stack: `relative_attention_bias[bucket(k − q), h]`. */
  private positionBias(stack: "encoder" | "decoder") {
    const table = this.w(`${stack}.block.0.layer.0.SelfAttention.relative_attention_bias.weight`);
    const {
      numHeads: H,
      relativeAttentionNumBuckets: n,
      relativeAttentionMaxDistance: max,
    } = this.config;
    return (h: number, query: number, key: number) =>
      table[relativePositionBucket(key - query, stack === "encoder", n, max) * H + h];
  }

  /** Final-normed encoder output `[B·Te, C]` of ids `[B, Te]` (mask 1 = real token). */
  async encode(
    ids: Int32Array,
    mask: Uint8Array | null,
    batchSize: number,
    length: number,
  ): Promise<Float32Array> {
    if (ids.length !== batchSize * length) {
      throw new RangeError(
        `T5Model.encode(): ids must have ${batchSize}·${length} elements, got ${ids.length}`,
      );
    }
    const { dModel: C } = this.config;
    const I = this.inner;
    const x = this.embed(ids);
    const bias = this.positionBias("encoder");
    for (let l = 0; l < this.config.numLayers; l++) {
      const p = `encoder.block.${l}.layer.0`;
      const n = this.norm(x, `${p}.layer_norm.weight`);
      const sa = `${p}.SelfAttention`;
      const q = await this.linear(n, `${sa}.q.weight`, C, I);
      const k = await this.linear(n, `${sa}.k.weight`, C, I);
      const v = await this.linear(n, `${sa}.v.weight`, C, I);
      const a = this.attend(q, k, v, batchSize, length, length, length, mask, bias, null);
      const o = await this.linear(a, `${sa}.o.weight`, I, C);
      for (let i = 0; i < x.length; i++) x[i] += o[i];
      await this.feedForward(x, `encoder.block.${l}.layer.1`);
    }
    return this.norm(x, "encoder.final_layer_norm.weight");
  }

  /** A decoder cache over an encoder output `[B·Te, C]`, for up to `maxLength` positions. */
  async decoderCache(
    encoderOutput: Float32Array,
    encoderMask: Uint8Array | null,
    batchSize: number,
    encoderLength: number,
    maxLength: number,
  ): Promise<T5DecoderCache> {
    const { dModel: C } = this.config;
    const I = this.inner;
    const crossK: Float32Array[] = [];
    const crossV: Float32Array[] = [];
    for (let l = 0; l < this.config.numDecoderLayers; l++) {
      const ca = `decoder.block.${l}.layer.1.EncDecAttention`;
      crossK.push(await this.linear(encoderOutput, `${ca}.k.weight`, C, I));
      crossV.push(await this.linear(encoderOutput, `${ca}.v.weight`, C, I));
    }
    const layers = this.config.numDecoderLayers;
    const self = () =>
      Array.from({ length: layers }, () => new Float32Array(batchSize * maxLength * I));
    return {
      batchSize,
      encoderLength,
      encoderMask,
      crossK,
      crossV,
      selfK: self(),
      selfV: self(),
      maxLength,
      length: 0,
    };
  }

  /** Feeds token `ids[b]` to each row at the next position; returns the logits `[B, V]`. */
  async decodeStep(cache: T5DecoderCache, ids: Int32Array): Promise<Float32Array> {
    const { batchSize: B, maxLength } = cache;
    if (ids.length !== B) {
      throw new RangeError(`T5Model.decodeStep(): ids must have ${B} elements, got ${ids.length}`);
    }
    if (cache.length >= maxLength) {
      throw new RangeError(
        `T5Model.decodeStep(): the cache holds ${maxLength} positions, all used`,
      );
    }
    const { dModel: C, vocabSize: V } = this.config;
    const I = this.inner;
    const t = cache.length;
    const x = this.embed(ids);
    const selfBias = this.positionBias("decoder");
    const bias = (h: number, _qi: number, j: number) => selfBias(h, t, j);
    for (let l = 0; l < this.config.numDecoderLayers; l++) {
      const p = `decoder.block.${l}`;
      const n = this.norm(x, `${p}.layer.0.layer_norm.weight`);
      const sa = `${p}.layer.0.SelfAttention`;
      const q = await this.linear(n, `${sa}.q.weight`, C, I);
      const k = await this.linear(n, `${sa}.k.weight`, C, I);
      const v = await this.linear(n, `${sa}.v.weight`, C, I);
      for (let b = 0; b < B; b++) {
        cache.selfK[l].set(k.subarray(b * I, b * I + I), (b * maxLength + t) * I);
        cache.selfV[l].set(v.subarray(b * I, b * I + I), (b * maxLength + t) * I);
      }
      const kv = [cache.selfK[l], cache.selfV[l]] as const;
      const a = this.attend(q, ...kv, B, 1, t + 1, maxLength, null, bias, null);
      const o = await this.linear(a, `${sa}.o.weight`, I, C);
      for (let i = 0; i < x.length; i++) x[i] += o[i];
      const nc = this.norm(x, `${p}.layer.1.layer_norm.weight`);
      const ca = `${p}.layer.1.EncDecAttention`;
      const qc = await this.linear(nc, `${ca}.q.weight`, C, I);
      const Te = cache.encoderLength;
      const ac = this.attend(
        qc,
        cache.crossK[l],
        cache.crossV[l],
        B,
        1,
        Te,
        Te,
        cache.encoderMask,
        null,
        null,
      );
      const oc = await this.linear(ac, `${ca}.o.weight`, I, C);
      for (let i = 0; i < x.length; i++) x[i] += oc[i];
      await this.feedForward(x, `${p}.layer.2`);
    }
    cache.length++;
    const h = this.norm(x, "decoder.final_layer_norm.weight");
    if (this.config.tieWordEmbeddings) {
      const s = C ** -0.5;
      for (let i = 0; i < h.length; i++) h[i] *= s;
    }
    const head = this.config.tieWordEmbeddings ? "shared.weight" : "lm_head.weight";
    return this.linear(h, head, C, V);
  }

  /**
   * Teacher-forced logits `[B, Td, V]` of decoder inputs `[B, Td]` over encoder ids `[B, Te]`
   * (the decoder steps in a row, as generation runs them).
   */
  async logits(
    inputIds: Int32Array,
    attentionMask: Uint8Array | null,
    decoderInputIds: Int32Array,
    batchSize: number,
  ): Promise<Float32Array> {
    const Te = inputIds.length / batchSize;
    const Td = decoderInputIds.length / batchSize;
    const V = this.config.vocabSize;
    const enc = await this.encode(inputIds, attentionMask, batchSize, Te);
    const cache = await this.decoderCache(enc, attentionMask, batchSize, Te, Td);
    const out = new Float32Array(batchSize * Td * V);
    const step = new Int32Array(batchSize);
    for (let t = 0; t < Td; t++) {
      for (let b = 0; b < batchSize; b++) step[b] = decoderInputIds[b * Td + t];
      const l = await this.decodeStep(cache, step);
      for (let b = 0; b < batchSize; b++) out.set(l.subarray(b * V, b * V + V), (b * Td + t) * V);
    }
    return out;
  }
}
