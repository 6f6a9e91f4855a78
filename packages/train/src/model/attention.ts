// Llama's self-attention sublayer (`LlamaAttention`): q/k/v projections, rotary embeddings on q and
// k, causal grouped-query attention, output projection. Explicit forward and backward.
// Legend: N rows, C hidden size, H/KV heads, D head size.
import { attentionBackward, attentionForward } from "./causal-attention.js";
import { headDim, type LlamaConfig } from "./config.js";
import type { Geometry } from "./geometry.js";
import { holds } from "./held-bytes.js";
import type { MatmulBackend } from "./matmul.js";
import type { Projection, ProjectionOptions } from "./projection.js";
import { addInto } from "./residual-norm.js";
import { type RotaryTables, rotaryApply } from "./rotary.js";
import type { Scratch } from "./scratch.js";

/** The four attention projections of a layer, by Llama module name. */
export interface AttentionProjections {
  q_proj: Projection;
  k_proj: Projection;
  v_proj: Projection;
  o_proj: Projection;
}

/**
 * What {@link selfAttentionBackward} needs: rotated q, k, v, each row's log-sum-exp, projection
 * contexts. A lean context (checkpointing's lean save) has no q, k, v nor their projections'
 * contexts: {@link selfAttentionRebuild} recomputes them from the normed input before backward.
 */
export interface SelfAttentionContext {
  q: Float32Array | null; // [N, H·D] rotated
  k: Float32Array | null; // [N, KV·D] rotated
  v: Float32Array | null; // [N, KV·D]
  lse: Float32Array; // [B, H, T]
  /** Attention output [N, H·D], kept only while o_proj's context needs it (pooled). */
  attn: Float32Array | null;
  projections: [unknown, unknown, unknown, unknown]; // q, k, v, o contexts
  geometry: Geometry;
  /** The projections' options (dropout seeds), to rebuild q, k, v with the same masks. */
  options: (i: number) => ProjectionOptions;
}

/** What q, k, v are computed with. */
interface QkvSetting {
  p: AttentionProjections;
  config: LlamaConfig;
  rope: RotaryTables;
  geometry: Geometry;
  options: (i: number) => ProjectionOptions;
  scratch: Scratch;
}

/** Rotated q, k, v of normed x[N, C] in pooled buffers, with the projections' contexts. */
async function projectQkv(x: Float32Array, setting: QkvSetting, save: boolean) {
  const { p, config, rope, geometry, options, scratch } = setting;
  const T = geometry.seqLen;
  const N = geometry.batchSize * T;
  const D = headDim(config);
  const [H, KV] = [config.numAttentionHeads, config.numKeyValueHeads];
  const out = (i: number, length: number) => ({
    ...options(i),
    save,
    out: scratch.acquire(length),
  });
  const fq = await p.q_proj.forward(x, out(0, N * H * D));
  const fk = await p.k_proj.forward(x, out(1, N * KV * D));
  const fv = await p.v_proj.forward(x, out(2, N * KV * D));
  rotaryApply(fq.output, rope, N, T, H, 1);
  rotaryApply(fk.output, rope, N, T, KV, 1);
  return {
    q: fq.output,
    k: fk.output,
    v: fv.output,
    contexts: [fq.context, fk.context, fv.context] as [unknown, unknown, unknown],
  };
}

/**
 * Forward of the attention sublayer on normed input x[N, C]; returns o_proj output [N, C], or
 * `NO_OUTPUT` with `output` false (a context forward: o_proj builds only its context). With
 * `lean` (and `save`) the context keeps the log-sum-exps and o_proj's context only; q, k, v are
 * given back at once and rebuilt before backward by {@link selfAttentionRebuild}.
 */
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
  output = true,
  lean = false,
): Promise<{ output: Float32Array; context: SelfAttentionContext | null }> {
  const { batchSize: B, seqLen: T } = geometry;
  const D = headDim(config);
  const H = config.numAttentionHeads;
  const KV = config.numKeyValueHeads;
  const N = B * T;
  // Outputs in pooled buffers: q, k, v live in the context until backward (unless lean);
  // o_proj's output is the stage's, given back by the executor.
  const setting = { p, config, rope, geometry, options, scratch };
  const { q, k, v, contexts } = await projectQkv(x, setting, save && !lean);
  const attn = scratch.acquire(N * H * D); // pooled: given back after backward (or below)
  const lse = scratch.acquire(B * H * T);
  const dims = { B, T, H, KV, D };
  await attentionForward(attn, lse, q, k, v, dims, geometry.keyMask, backend);
  // Not saving: q, k, v and the log-sum-exps go back before o_proj's output is taken.
  if (!save) scratch.release(lse);
  if (!save || lean) scratch.release(q, k, v);
  const fo = await p.o_proj.forward(
    attn,
    output ? { ...options(3), out: scratch.acquire(x.length) } : { ...options(3), output: false },
  );
  if (!save) {
    scratch.release(attn);
    return { output: fo.output, context: null };
  }
  const keepAttn = holds(fo.context, attn); // a frozen o_proj keeps nothing of its input
  if (!keepAttn) scratch.release(attn);
  // Lean: nothing of q, k, v is kept (given back above); the backward rebuilds them.
  const qkv = lean
    ? { q: null, k: null, v: null, contexts: [null, null, null] as const }
    : { q, k, v, contexts };
  return {
    output: fo.output,
    context: {
      q: qkv.q,
      k: qkv.k,
      v: qkv.v,
      lse,
      attn: keepAttn ? attn : null,
      projections: [...qkv.contexts, fo.context],
      geometry,
      options,
    },
  };
}

/**
 * Turns a lean context back into a whole one: q, k, v and their projections' contexts from the
 * normed input x[N, C] (which those contexts may keep), with the forward's dropout masks.
 */
export async function selfAttentionRebuild(
  ctx: SelfAttentionContext,
  x: Float32Array,
  p: AttentionProjections,
  config: LlamaConfig,
  rope: RotaryTables,
  scratch: Scratch,
): Promise<void> {
  const setting = { p, config, rope, geometry: ctx.geometry, options: ctx.options, scratch };
  const { q, k, v, contexts } = await projectQkv(x, setting, true);
  Object.assign(ctx, { q, k, v });
  ctx.projections = [contexts[0], contexts[1], contexts[2], ctx.projections[3]];
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
  const { q, k, v } = ctx;
  if (!q || !k || !v)
    throw new Error("selfAttentionBackward(): a lean context must be rebuilt first");
  const dAttn = await p.o_proj.backward(
    ctx.projections[3],
    dOutput,
    scratch.get("attention.dAttn", N * H * D, false),
  );
  // Temporaries that die inside this call: reused across steps.
  const dq = scratch.get("attention.dq", q.length);
  const dk = scratch.get("attention.dk", k.length);
  const dv = scratch.get("attention.dv", v.length);
  const dims = { B, T, H, KV, D };
  await attentionBackward(
    ...([dq, dk, dv, dAttn, ctx.lse, q, k, v] as const),
    dims,
    keyMask,
    backend,
  );
  rotaryApply(dq, rope, N, T, H, -1);
  rotaryApply(dk, rope, N, T, KV, -1);
  const C = config.hiddenSize;
  const dx = await p.q_proj.backward(
    ctx.projections[0],
    dq,
    scratch.get("attention.dx", N * C, false),
  );
  const dxk = await p.k_proj.backward(
    ctx.projections[1],
    dk,
    scratch.get("attention.dxk", N * C, false),
  );
  const dxv = await p.v_proj.backward(
    ctx.projections[2],
    dv,
    scratch.get("attention.dxv", N * C, false),
  );
  await addInto(backend, dxk, dx);
  await addInto(backend, dxv, dx);
  scratch.release(ctx.lse, q, k, v);
  if (ctx.attn) scratch.release(ctx.attn);
  return dx;
}
