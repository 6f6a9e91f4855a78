// One T5 attention (`T5Attention` with its q, k, v, o projections, no biases): self-attention
// when keys come from the normed query input, cross-attention (`EncDecAttention`) when they come
// from the encoder output. Explicit forward and backward around {@link t5AttentionForward}.
// Legend: B sequences, Tq query / Tk key positions, C hidden size, H heads, D head size.
import { holds } from "../held-bytes.js";
import type { MatmulBackend } from "../matmul.js";
import type { Projection, ProjectionOptions } from "../projection.js";
import type { Scratch } from "../scratch.js";
import {
  type T5AttentionDims,
  t5AttentionBackward,
  t5AttentionForward,
} from "./t5-attention-kernel.js";

/** The four projections of an attention, by T5 module name. */
export interface T5AttentionProjections {
  q: Projection;
  k: Projection;
  v: Projection;
  o: Projection;
}

/** What {@link t5AttentionLayerBackward} needs. */
export interface T5AttentionContext {
  q: Float32Array; // [B·Tq, H·D]
  k: Float32Array; // [B·Tk, H·D]
  v: Float32Array; // [B·Tk, H·D]
  lse: Float32Array; // [B, H, Tq]
  /** Attention output [B·Tq, H·D], kept only while o's context needs it (pooled). */
  attn: Float32Array | null;
  projections: [unknown, unknown, unknown, unknown]; // q, k, v, o contexts
  dims: T5AttentionDims;
  /** True when k and v read the query input (self-attention). */
  self: boolean;
}

/** Where an attention runs: its projections, kernel sizes, bias, backend and pool. */
export interface T5AttentionSetting {
  p: T5AttentionProjections;
  dims: T5AttentionDims;
  /** `[H, Tq, Tk]` position bias, or null (cross-attention). */
  bias: Float32Array | null;
  backend: MatmulBackend;
  scratch: Scratch;
}

/**
 * o(attention(q(x), k(kv), v(kv))) [B·Tq, C] (pooled) for normed x [B·Tq, C] and kv [B·Tk, C]
 * (`kv === x` for self-attention); the context when `save`. Draws options 0–3.
 */
export async function t5AttentionLayerForward(
  x: Float32Array,
  kv: Float32Array,
  setting: T5AttentionSetting,
  options: (i: number) => ProjectionOptions,
  save: boolean,
): Promise<{ output: Float32Array; context: T5AttentionContext | null }> {
  const { p, dims, bias, backend, scratch } = setting;
  const { B, Tq, Tk, H, D } = dims;
  const inner = H * D;
  const run = (proj: Projection, input: Float32Array, i: number, rows: number) =>
    proj.forward(input, { ...options(i), save, out: scratch.acquire(rows * proj.outFeatures) });
  const fq = await run(p.q, x, 0, B * Tq);
  const fk = await run(p.k, kv, 1, B * Tk);
  const fv = await run(p.v, kv, 2, B * Tk);
  const attn = scratch.acquire(B * Tq * inner);
  const lse = scratch.acquire(B * H * Tq);
  await t5AttentionForward(attn, lse, fq.output, fk.output, fv.output, bias, dims, backend);
  const fo = await run(p.o, attn, 3, B * Tq);
  if (!save) {
    scratch.release(fq.output, fk.output, fv.output, attn, lse);
    return { output: fo.output, context: null };
  }
  const keepAttn = holds(fo.context, attn); // a frozen o keeps nothing of its input
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
      dims,
      self: kv === x,
    },
  };
}

/**
 * Backward of {@link t5AttentionLayerForward}: accumulates projection gradients and, when given,
 * the bias gradient dBias [H, Tq, Tk]; returns dx [B·Tq, C] (scratch, self-attention: k and v's
 * part included) and, for cross-attention, dkv [B·Tk, C] (scratch), else null.
 */
export async function t5AttentionLayerBackward(
  ctx: T5AttentionContext,
  dOutput: Float32Array,
  setting: T5AttentionSetting,
  dBias: Float32Array | null,
): Promise<{ dx: Float32Array; dkv: Float32Array | null }> {
  const { p, bias, backend, scratch } = setting;
  const { q, k, v, dims } = ctx;
  const C = p.q.inFeatures;
  const dAttn = await p.o.backward(
    ctx.projections[3],
    dOutput,
    scratch.get("t5.attn.dAttn", q.length),
  );
  const dq = scratch.get("t5.attn.dq", q.length);
  const dk = scratch.get("t5.attn.dk", k.length);
  const dv = scratch.get("t5.attn.dv", v.length);
  await t5AttentionBackward(dq, dk, dv, dBias, dAttn, ctx.lse, q, k, v, bias, dims, backend);
  const rowsQ = q.length / p.q.outFeatures;
  const rowsK = k.length / p.k.outFeatures;
  const dx = await p.q.backward(ctx.projections[0], dq, scratch.get("t5.attn.dx", rowsQ * C));
  const dkv = await p.k.backward(ctx.projections[1], dk, scratch.get("t5.attn.dkv", rowsK * C));
  const dxv = await p.v.backward(ctx.projections[2], dv, scratch.get("t5.attn.dxv", rowsK * C));
  for (let i = 0; i < dkv.length; i++) dkv[i] += dxv[i];
  if (ctx.self) for (let i = 0; i < dx.length; i++) dx[i] += dkv[i];
  scratch.release(ctx.lse, q, k, v);
  if (ctx.attn) scratch.release(ctx.attn);
  return { dx, dkv: ctx.self ? null : dkv };
}
