// Llama's self-attention sublayer (`LlamaAttention`): q/k/v projections, rotary embeddings on q and
// k, causal grouped-query attention, output projection. Explicit forward and backward.
// Legend: N rows, C hidden size, H/KV heads, D head size.
import { attentionBackward, attentionForward } from "./causal-attention.js";
import { headDim, type LlamaConfig } from "./config.js";
import type { Geometry } from "./geometry.js";
import { type Projection, type ProjectionOptions, projectionContextBytes } from "./projection.js";
import { type RotaryTables, rotaryApply } from "./rotary.js";
import type { Scratch } from "./scratch.js";

/** The four attention projections of a layer, by Llama module name. */
export interface AttentionProjections {
  q_proj: Projection;
  k_proj: Projection;
  v_proj: Projection;
  o_proj: Projection;
}

/** What {@link attentionBackward} needs: rotated q, k, v, probabilities and the projections' contexts. */
export interface SelfAttentionContext {
  q: Float32Array; // [N, H·D] rotated
  k: Float32Array; // [N, KV·D] rotated
  v: Float32Array; // [N, KV·D]
  probs: Float32Array; // [B, H, T, T]
  attn: Float32Array; // [N, H·D] attention output, o_proj's input
  projections: [unknown, unknown, unknown, unknown]; // q, k, v, o contexts
  geometry: Geometry;
  /** Bytes held besides the input: q, k, v, probs, attention output, plus what the projections report. */
  bytes: number;
}

/** Forward of the attention sublayer on normed input x[N, C]; returns o_proj output [N, C]. */
export async function selfAttentionForward(
  x: Float32Array,
  p: AttentionProjections,
  config: LlamaConfig,
  rope: RotaryTables,
  geometry: Geometry,
  options: (i: number) => ProjectionOptions,
  scratch: Scratch,
  save: boolean,
): Promise<{ output: Float32Array; context: SelfAttentionContext }> {
  const { batchSize: B, seqLen: T } = geometry;
  const D = headDim(config);
  const H = config.numAttentionHeads;
  const KV = config.numKeyValueHeads;
  const N = B * T;
  const fq = await p.q_proj.forward(x, options(0));
  const fk = await p.k_proj.forward(x, options(1));
  const fv = await p.v_proj.forward(x, options(2));
  rotaryApply(fq.output, rope, N, T, H, 1);
  rotaryApply(fk.output, rope, N, T, KV, 1);
  const attn = scratch.acquire(N * H * D); // pooled: given back after backward (or below)
  const probs = scratch.acquire(B * H * T * T);
  attentionForward(
    attn,
    probs,
    fq.output,
    fk.output,
    fv.output,
    { B, T, H, KV, D },
    geometry.keyMask,
  );
  const fo = await p.o_proj.forward(attn, options(3));
  if (!save) scratch.release(attn, probs);
  const bytes =
    4 * (fq.output.length + fk.output.length + fv.output.length + probs.length + attn.length) +
    [fq, fk, fv, fo].reduce((a, f) => a + projectionContextBytes(f.context), 0);
  return {
    output: fo.output,
    context: {
      q: fq.output,
      k: fk.output,
      v: fv.output,
      probs,
      attn,
      projections: [fq.context, fk.context, fv.context, fo.context],
      geometry,
      bytes,
    },
  };
}

/** Backward of {@link selfAttentionForward}: accumulates projection gradients, returns dx[N, C]. */
export async function selfAttentionBackward(
  ctx: SelfAttentionContext,
  dOutput: Float32Array,
  p: AttentionProjections,
  config: LlamaConfig,
  rope: RotaryTables,
  scratch: Scratch,
): Promise<Float32Array> {
  const { batchSize: B, seqLen: T } = ctx.geometry;
  const D = headDim(config);
  const H = config.numAttentionHeads;
  const KV = config.numKeyValueHeads;
  const N = B * T;
  const dAttn = await p.o_proj.backward(ctx.projections[3], dOutput);
  // Temporaries that die inside this call: reused across steps.
  const dq = scratch.get("attention.dq", ctx.q.length);
  const dk = scratch.get("attention.dk", ctx.k.length);
  const dv = scratch.get("attention.dv", ctx.v.length);
  const rowScratch = new Float64Array(T);
  attentionBackward(
    dq,
    dk,
    dv,
    dAttn,
    ctx.probs,
    ctx.q,
    ctx.k,
    ctx.v,
    { B, T, H, KV, D },
    rowScratch,
  );
  rotaryApply(dq, rope, N, T, H, -1);
  rotaryApply(dk, rope, N, T, KV, -1);
  const dx = await p.q_proj.backward(ctx.projections[0], dq);
  const dxk = await p.k_proj.backward(ctx.projections[1], dk);
  const dxv = await p.v_proj.backward(ctx.projections[2], dv);
  for (let i = 0; i < dx.length; i++) dx[i] += dxk[i] + dxv[i];
  scratch.release(ctx.probs, ctx.attn);
  return dx;
}
