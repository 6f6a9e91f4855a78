// T5's ungated feed-forward (`T5DenseActDense`): wo(act(wi(x))), act relu (`feed_forward_proj:
// "relu"`, Chronos) or gelu_new; no biases. (The gated one is Llama's MLP with T5's gate.)
// Legend: N rows, C hidden size, F feed-forward size.
import { holds } from "../held-bytes.js";
import type { Projection, ProjectionOptions } from "../projection.js";
import type { Scratch } from "../scratch.js";
import { geluNew, geluNewGrad } from "./gelu-new.js";

/** The two projections, by T5 module name. */
export interface DenseActDenseProjections {
  wi: Projection;
  wo: Projection;
}

/** What {@link denseActDenseBackward} needs. */
export interface DenseActDenseContext {
  z: Float32Array; // [N, F] pre-activation
  /** act(z) [N, F], kept only while wo's context needs it (pooled). */
  a: Float32Array | null;
  projections: [unknown, unknown]; // wi, wo
}

const act = (name: "relu" | "gelu_new", z: number) =>
  name === "relu" ? Math.max(z, 0) : geluNew(z);
const actGrad = (name: "relu" | "gelu_new", z: number) =>
  name === "relu" ? (z > 0 ? 1 : 0) : geluNewGrad(z);

/** y[N, C] (pooled) = wo(act(wi(x))) for normed x[N, C]; the context when `save`. */
export async function denseActDenseForward(
  x: Float32Array,
  p: DenseActDenseProjections,
  activation: "relu" | "gelu_new",
  options: (i: number) => ProjectionOptions,
  scratch: Scratch,
  save: boolean,
): Promise<{ output: Float32Array; context: DenseActDenseContext | null }> {
  const N = x.length / p.wi.inFeatures;
  const F = p.wi.outFeatures;
  const z = scratch.acquire(N * F);
  const fi = await p.wi.forward(x, { ...options(0), save, out: z });
  const a = scratch.acquire(N * F);
  for (let i = 0; i < a.length; i++) a[i] = act(activation, z[i]);
  const fo = await p.wo.forward(a, {
    ...options(1),
    save,
    out: scratch.acquire(N * p.wo.outFeatures),
  });
  if (!save) {
    scratch.release(z, a);
    return { output: fo.output, context: null };
  }
  const keepA = holds(fo.context, a);
  if (!keepA) scratch.release(a);
  return {
    output: fo.output,
    context: { z, a: keepA ? a : null, projections: [fi.context, fo.context] },
  };
}

/** Backward of {@link denseActDenseForward}: accumulates projection gradients, returns dx (scratch). */
export async function denseActDenseBackward(
  ctx: DenseActDenseContext,
  dOutput: Float32Array,
  p: DenseActDenseProjections,
  activation: "relu" | "gelu_new",
  scratch: Scratch,
): Promise<Float32Array> {
  const N = dOutput.length / p.wo.outFeatures;
  const F = p.wi.outFeatures;
  const da = await p.wo.backward(ctx.projections[1], dOutput, scratch.get("t5.ff.da", N * F));
  for (let i = 0; i < da.length; i++) da[i] *= actGrad(activation, ctx.z[i]);
  const dx = await p.wi.backward(
    ctx.projections[0],
    da,
    scratch.get("t5.ff.dx", N * p.wi.inFeatures),
  );
  scratch.release(ctx.z);
  if (ctx.a) scratch.release(ctx.a);
  return dx;
}
