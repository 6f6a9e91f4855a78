// One T5 block (`T5Block`) with explicit forward and backward, as pre-norm residual layers:
//   encoder:  h = x + SelfAttention(LN₀ x),  y = h + FF(LN₁ h)
//   decoder:  h₁ = x + SelfAttention(LN₀ x) (causal),  h₂ = h₁ + EncDecAttention(LN₁ h₁, enc),
//             y = h₂ + FF(LN₂ h₂)
// Self-attention adds the stack's relative-position bias (the table of block 0, shared by every
// block); cross-attention has none and hides the encoder's padded positions. FF is
// `T5DenseActDense` or, gated, Llama's MLP kernel with T5's gate.
// Legend: B sequences, Te encoder / Td decoder positions, N rows, C hidden size.

import { seedOptions } from "../decoder-layer.js";
import { heldBytes } from "../held-bytes.js";
import { type MlpContext, mlpBackward, mlpForward } from "../mlp.js";
import type { ProjectionOptions } from "../projection.js";
import {
  residualNormBackward,
  residualNormForward,
  type SublayerContext,
} from "../residual-norm.js";
import {
  type DenseActDenseContext,
  denseActDenseBackward,
  denseActDenseForward,
} from "./dense-act-dense.js";
import { GATED_GELU, GATED_RELU } from "./gelu-new.js";
import {
  type T5AttentionContext,
  type T5AttentionSetting,
  t5AttentionLayerBackward,
  t5AttentionLayerForward,
} from "./t5-attention.js";
import type { T5AttentionDims } from "./t5-attention-kernel.js";
import {
  attentionPath,
  feedForwardPath,
  ffLayerIndex,
  type T5AttentionModule,
  type T5Stack,
} from "./t5-parameters.js";
import {
  normOf,
  positionBias,
  positionBiasAccumulate,
  positionBiasGrad,
  type T5Parts,
} from "./t5-parts.js";

/** Shapes of one step: B sequences, Te encoder and Td decoder positions, the encoder's mask. */
export interface T5Geometry {
  batchSize: number;
  encoderLength: number;
  decoderLength: number;
  /** 1 = real encoder position, `[B·Te]`; null: all real. */
  encoderMask: Uint8Array | null;
}

type AttentionSub = SublayerContext<T5AttentionContext>;
type FeedForwardSub = SublayerContext<MlpContext | DenseActDenseContext>;

/** What an encoder block's backward needs besides its input. */
export interface T5EncoderBlockContext {
  h: Float32Array; // [N, C] pooled
  attention: AttentionSub;
  ff: FeedForwardSub;
  bytes: number;
}

/** What a decoder block's backward needs besides its input and the encoder output. */
export interface T5DecoderBlockContext {
  h1: Float32Array; // [N, C] pooled
  h2: Float32Array; // [N, C] pooled
  self: AttentionSub;
  cross: AttentionSub;
  ff: FeedForwardSub;
  bytes: number;
}

/** Seeds drawn per block (4 per attention, 3 for the feed-forward), so recomputation replays. */
const SEEDS = { encoder: 7, decoder: 11 } as const;

function attentionSetting(
  parts: T5Parts,
  stack: T5Stack,
  block: number,
  module: T5AttentionModule,
  dims: T5AttentionDims,
  bias: Float32Array | null,
): T5AttentionSetting {
  const path = attentionPath(stack, block, module);
  const pr = parts.projections;
  const p = { q: pr[`${path}.q`], k: pr[`${path}.k`], v: pr[`${path}.v`], o: pr[`${path}.o`] };
  return { p, dims, bias, backend: parts.backend, scratch: parts.scratch };
}

/** Kernel sizes of a stack's self-attention. */
function selfDims(parts: T5Parts, stack: T5Stack, g: T5Geometry): T5AttentionDims {
  const T = stack === "encoder" ? g.encoderLength : g.decoderLength;
  const { numHeads: H, dKv: D } = parts.config;
  const keyMask = stack === "encoder" ? g.encoderMask : null;
  return { B: g.batchSize, Tq: T, Tk: T, H, D, causal: stack === "decoder", keyMask };
}

function crossDims(parts: T5Parts, g: T5Geometry): T5AttentionDims {
  const { numHeads: H, dKv: D } = parts.config;
  const [Tq, Tk] = [g.decoderLength, g.encoderLength];
  return { B: g.batchSize, Tq, Tk, H, D, causal: false, keyMask: g.encoderMask };
}

/** The self-attention layer (layer.0) of a block over x [N, C]. */
function selfAttention(
  parts: T5Parts,
  stack: T5Stack,
  block: number,
  g: T5Geometry,
  x: Float32Array,
  save: boolean,
  options: (i: number) => ProjectionOptions,
) {
  const dims = selfDims(parts, stack, g);
  const bias = positionBias(parts, stack, dims.Tq, dims.Tk);
  const setting = attentionSetting(parts, stack, block, "SelfAttention", dims, bias);
  const norm = normOf(parts, `${stack}.block.${block}.layer.0.layer_norm.weight`);
  const C = parts.config.dModel;
  return residualNormForward(x, norm, C, parts.scratch, save, (n) =>
    t5AttentionLayerForward(n, n, setting, options, save),
  );
}

function selfAttentionBackward(
  parts: T5Parts,
  stack: T5Stack,
  block: number,
  g: T5Geometry,
  ctx: AttentionSub,
  x: Float32Array,
  dy: Float32Array,
) {
  const dims = selfDims(parts, stack, g);
  const bias = positionBias(parts, stack, dims.Tq, dims.Tk);
  const setting = attentionSetting(parts, stack, block, "SelfAttention", dims, bias);
  const norm = normOf(parts, `${stack}.block.${block}.layer.0.layer_norm.weight`);
  return residualNormBackward(
    ctx,
    x,
    dy,
    norm,
    parts.config.dModel,
    parts.scratch,
    async (c, d) => {
      const dBias = positionBiasGrad(parts, dims.Tq, dims.Tk);
      const { dx } = await t5AttentionLayerBackward(c, d, setting, dBias);
      positionBiasAccumulate(parts, stack, dBias, dims.Tq, dims.Tk);
      return dx;
    },
  );
}

/** Feed-forward projections and kernel of a block. */
function feedForward(parts: T5Parts, stack: T5Stack, block: number) {
  const path = feedForwardPath(stack, block);
  const pr = parts.projections;
  const c = parts.config;
  const gate = c.denseActFn === "relu" ? GATED_RELU : GATED_GELU;
  const norm = normOf(
    parts,
    `${stack}.block.${block}.layer.${ffLayerIndex(stack)}.layer_norm.weight`,
  );
  const gated = {
    gate_proj: pr[`${path}.wi_0`],
    up_proj: pr[`${path}.wi_1`],
    down_proj: pr[`${path}.wo`],
  };
  const plain = { wi: pr[`${path}.wi`], wo: pr[`${path}.wo`] };
  return {
    norm,
    forward: (n: Float32Array, options: (i: number) => ProjectionOptions, save: boolean) =>
      c.isGated
        ? mlpForward(n, gated, options, parts.scratch, save, true, gate)
        : denseActDenseForward(n, plain, c.denseActFn, options, parts.scratch, save),
    backward: (ctx: MlpContext | DenseActDenseContext, d: Float32Array) =>
      c.isGated
        ? mlpBackward(ctx as MlpContext, d, gated, parts.scratch, gate, parts.backend)
        : denseActDenseBackward(ctx as DenseActDenseContext, d, plain, c.denseActFn, parts.scratch),
  };
}

export function feedForwardLayer(
  parts: T5Parts,
  stack: T5Stack,
  block: number,
  x: Float32Array,
  save: boolean,
  options: (i: number) => ProjectionOptions,
) {
  const ff = feedForward(parts, stack, block);
  return residualNormForward<MlpContext | DenseActDenseContext>(
    x,
    ff.norm,
    parts.config.dModel,
    parts.scratch,
    save,
    (n) => ff.forward(n, options, save),
  );
}

function feedForwardLayerBackward(
  parts: T5Parts,
  stack: T5Stack,
  block: number,
  ctx: FeedForwardSub,
  x: Float32Array,
  dy: Float32Array,
) {
  const ff = feedForward(parts, stack, block);
  return residualNormBackward(ctx, x, dy, ff.norm, parts.config.dModel, parts.scratch, ff.backward);
}

/** Options i of a block's sublayer `offset` (0, 4, 8): its projections' dropout seeds. */
const shifted = (options: (i: number) => ProjectionOptions, offset: number) => (i: number) =>
  options(offset + i);

/** y [B·Te, C] (pooled) of encoder block `block` on x [B·Te, C]; the context when `save`. */
export async function encoderBlockForward(
  parts: T5Parts,
  block: number,
  g: T5Geometry,
  x: Float32Array,
  save: boolean,
  rng: () => number,
): Promise<{ output: Float32Array; context: T5EncoderBlockContext | null }> {
  const options = seedOptions(rng, SEEDS.encoder, save);
  const a = await selfAttention(parts, "encoder", block, g, x, save, options);
  const f = await feedForwardLayer(parts, "encoder", block, a.output, save, shifted(options, 4));
  if (!a.context || !f.context) {
    parts.scratch.release(a.output);
    return { output: f.output, context: null };
  }
  const context = { h: a.output, attention: a.context, ff: f.context, bytes: 0 };
  context.bytes = heldBytes(context, x);
  return { output: f.output, context };
}

/** Backward of {@link encoderBlockForward}: accumulates gradients, returns dx (pooled). */
export async function encoderBlockBackward(
  parts: T5Parts,
  block: number,
  g: T5Geometry,
  ctx: T5EncoderBlockContext,
  x: Float32Array,
  dy: Float32Array,
): Promise<Float32Array> {
  const dh = await feedForwardLayerBackward(parts, "encoder", block, ctx.ff, ctx.h, dy);
  const dx = await selfAttentionBackward(parts, "encoder", block, g, ctx.attention, x, dh);
  parts.scratch.release(dh, ctx.h);
  return dx;
}

/** The cross-attention layer (layer.1) of decoder block `block`. */
function crossSetting(parts: T5Parts, block: number, g: T5Geometry) {
  const setting = attentionSetting(
    parts,
    "decoder",
    block,
    "EncDecAttention",
    crossDims(parts, g),
    null,
  );
  const norm = normOf(parts, `decoder.block.${block}.layer.1.layer_norm.weight`);
  return { setting, norm };
}

/**
 * y [B·Td, C] (pooled) of decoder block `block` on x [B·Td, C] and the encoder output
 * enc [B·Te, C]; the context when `save`.
 */
export async function decoderBlockForward(
  parts: T5Parts,
  block: number,
  g: T5Geometry,
  x: Float32Array,
  enc: Float32Array,
  save: boolean,
  rng: () => number,
): Promise<{ output: Float32Array; context: T5DecoderBlockContext | null }> {
  const options = seedOptions(rng, SEEDS.decoder, save);
  const C = parts.config.dModel;
  const s = await selfAttention(parts, "decoder", block, g, x, save, options);
  const { setting, norm } = crossSetting(parts, block, g);
  const crossOptions = shifted(options, 4);
  const c = await residualNormForward(s.output, norm, C, parts.scratch, save, (n) =>
    t5AttentionLayerForward(n, enc, setting, crossOptions, save),
  );
  const f = await feedForwardLayer(parts, "decoder", block, c.output, save, shifted(options, 8));
  if (!s.context || !c.context || !f.context) {
    parts.scratch.release(s.output, c.output);
    return { output: f.output, context: null };
  }
  const context = {
    h1: s.output,
    h2: c.output,
    self: s.context,
    cross: c.context,
    ff: f.context,
    bytes: 0,
  };
  context.bytes = heldBytes(context, x);
  return { output: f.output, context };
}

/**
 * Backward of {@link decoderBlockForward}: accumulates gradients, adds the encoder output's
 * gradient (through cross-attention's k and v) into dEnc [B·Te, C], returns dx (pooled).
 */
export async function decoderBlockBackward(
  parts: T5Parts,
  block: number,
  g: T5Geometry,
  ctx: T5DecoderBlockContext,
  x: Float32Array,
  dy: Float32Array,
  dEnc: Float32Array,
): Promise<Float32Array> {
  const C = parts.config.dModel;
  const dh2 = await feedForwardLayerBackward(parts, "decoder", block, ctx.ff, ctx.h2, dy);
  const { setting, norm } = crossSetting(parts, block, g);
  const dh1 = await residualNormBackward(
    ctx.cross,
    ctx.h1,
    dh2,
    norm,
    C,
    parts.scratch,
    async (c, d) => {
      const { dx, dkv } = await t5AttentionLayerBackward(c, d, setting, null);
      const de = dkv as Float32Array;
      for (let i = 0; i < de.length; i++) dEnc[i] += de[i];
      return dx;
    },
  );
  const dx = await selfAttentionBackward(parts, "decoder", block, g, ctx.self, x, dh1);
  parts.scratch.release(dh2, dh1, ctx.h1, ctx.h2);
  return dx;
}
