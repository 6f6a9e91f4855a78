// Llama's self-attention sublayer (`LlamaAttention`): q/k/v projections, rotary embeddings on q and
// k, causal grouped-query attention, output projection. Explicit forward and backward.
// Legend: N rows, C hidden size, H/KV heads, D head size.
import { attentionBackward, attentionForward } from "./causal-attention.js";
import { headDim, type LlamaConfig } from "./config.js";
import type { Geometry } from "./geometry.js";
import { holds } from "./held-bytes.js";
import type { MatmulBackend } from "./matmul.js";
import type { Projection, ProjectionOptions } from "./projection.js";
import { type RotaryTables, rotaryApply } from "./rotary.js";
import type { Scratch } from "./scratch.js";

/** The four attention projections of a layer, by Llama module name. */
export interface AttentionProjections {
  q_proj: Projection;
  k_proj: Projection;
  v_proj: Projection;
  o_proj: Projection;
}

/** What {@link selfAttentionBackward} needs: rotated q, k, v, each row's log-sum-exp, projection contexts. */
export interface SelfAttentionContext {
  q: Float32Array; // [N, H·D] rotated
  k: Float32Array; // [N, KV·D] rotated
  v: Float32Array; // [N, KV·D]
  lse: Float32Array; // [B, H, T]
  /** Attention output [N, H·D], kept only while o_proj's context needs it (pooled). */
  attn: Float32Array | null;
  projections: [unknown, unknown, unknown, unknown]; // q, k, v, o contexts
  geometry: Geometry;
}

/** Forward of the attention sublayer on normed input x[N, C]; returns o_proj output [N, C]. */
export async function selfAttentionForward(
  x: Float32Array,
  p: AttentionProjections,
  config: LlamaConfig,
  rope: RotaryTables,
  geometry: Geometry,
  options: (i: number) => ProjectionOptions,
  backend: MatmulBackend,
  scratch: Scratch,
  save: boolean,
): Promise<{ output: Float32Array; context: SelfAttentionContext | null }> {
  const { batchSize: B, seqLen: T } = geometry;
  const D = headDim(config);
  const H = config.numAttentionHeads;
  const KV = config.numKeyValueHeads;
  const N = B * T;
  // Outputs in pooled buffers: q, k, v live in the context until backward; o_proj's output is
  // the stage's, given back by the executor.
  const out = (i: number, length: number) => ({ ...options(i), out: scratch.acquire(length) });
  const fq = await p.q_proj.forward(x, out(0, N * H * D));
  const fk = await p.k_proj.forward(x, out(1, N * KV * D));
  const fv = await p.v_proj.forward(x, out(2, N * KV * D));
  rotaryApply(fq.output, rope, N, T, H, 1);
  rotaryApply(fk.output, rope, N, T, KV, 1);
  const attn = scratch.acquire(N * H * D); // pooled: given back after backward (or below)
  const lse = scratch.acquire(B * H * T);
  const dims = { B, T, H, KV, D };
  await attentionForward(
    attn,
    lse,
    fq.output,
    fk.output,
    fv.output,
    dims,
    geometry.keyMask,
    backend,
    scratch,
  );
  // Not saving: q, k, v and the log-sum-exps go back before o_proj's output is taken.
  if (!save) scratch.release(lse, fq.output, fk.output, fv.output);
  const fo = await p.o_proj.forward(attn, out(3, x.length));
  if (!save) {
    scratch.release(attn);
    return { output: fo.output, context: null };
  }
  const keepAttn = holds(fo.context, attn); // a frozen o_proj keeps nothing of its input
  if (!keepAttn) scratch.release(attn);
  return {
    output: fo.output,
    context: {
      q: fq.output,
      k: fk.output,
      v: fv.output,
      lse,
      attn: keepAttn ? attn : null,
      projections: [fq.context, fk.context, fv.context, fo.context],
      geometry,
    },
  };
}

/**
 * Backward of {@link selfAttentionForward}: accumulates projection gradients, returns dx[N, C] in
 * scratch (valid until the next attention backward).
 */
export async function selfAttentionBackward(
  ctx: SelfAttentionContext,
  dOutput: Float32Array,
  p: AttentionProjections,
  config: LlamaConfig,
  rope: RotaryTables,
  backend: MatmulBackend,
  scratch: Scratch,
): Promise<Float32Array> {
  const { batchSize: B, seqLen: T, keyMask } = ctx.geometry;
  const D = headDim(config);
  const H = config.numAttentionHeads;
  const KV = config.numKeyValueHeads;
  const N = B * T;
  const dAttn = await p.o_proj.backward(
    ctx.projections[3],
    dOutput,
    scratch.get("attention.dAttn", N * H * D),
  );
  // Temporaries that die inside this call: reused across steps.
  const dq = scratch.get("attention.dq", ctx.q.length);
  const dk = scratch.get("attention.dk", ctx.k.length);
  const dv = scratch.get("attention.dv", ctx.v.length);
  const dims = { B, T, H, KV, D };
  await attentionBackward(
    ...([dq, dk, dv, dAttn, ctx.lse, ctx.q, ctx.k, ctx.v] as const),
    dims,
    keyMask,
    backend,
    scratch,
  );
  rotaryApply(dq, rope, N, T, H, -1);
  rotaryApply(dk, rope, N, T, KV, -1);
  const C = config.hiddenSize;
  const dx = await p.q_proj.backward(ctx.projections[0], dq, scratch.get("attention.dx", N * C));
  const dxk = await p.k_proj.backward(ctx.projections[1], dk, scratch.get("attention.dxk", N * C));
  const dxv = await p.v_proj.backward(ctx.projections[2], dv, scratch.get("attention.dxv", N * C));
  for (let i = 0; i < dx.length; i++) dx[i] += dxk[i] + dxv[i];
  scratch.release(ctx.lse, ctx.q, ctx.k, ctx.v);
  if (ctx.attn) scratch.release(ctx.attn);
  return dx;
}
