// A pre-norm residual sublayer, y = x + inner(RMSNorm(x)), with explicit forward and backward: the
// shape of every Llama sublayer and every T5 layer (T5LayerNorm is RMSNorm). The context keeps the
// normed input only while one of the inner projections' contexts holds it.
// Legend: N rows, C hidden size.
import { heldBytes, holds } from "./held-bytes.js";
import type { MatmulBackend } from "./matmul.js";
import { rmsNormBackwardOn, rmsNormForwardOn } from "./rms-norm.js";
import type { Scratch } from "./scratch.js";

/** What a sublayer's backward needs besides its input. */
export interface SublayerContext<T> {
  /** The normed input, kept only while a projection's context needs it (pooled). */
  normed: Float32Array | null;
  rstd: Float32Array; // [N]
  inner: T;
  /** Bytes this context holds beyond the sublayer's input (each distinct buffer once). */
  bytes: number;
}

/** The norm of a sublayer: weight [C], its gradient (or null), epsilon, the backend it runs on. */
export interface SublayerNorm {
  weight: Float32Array;
  grad: Float32Array | null;
  eps: number;
  backend: MatmulBackend;
}

/**
 * Runs `inner` on RMSNorm(x) (x [N, C]) and adds x back (to nothing when `inner` built no output,
 * in a context forward); keeps the normed input only if `inner`'s projections hold it.
 */
export async function residualNormForward<T extends { projections: unknown[] }>(
  x: Float32Array,
  norm: SublayerNorm,
  C: number,
  scratch: Scratch,
  save: boolean,
  inner: (n: Float32Array) => Promise<{ output: Float32Array; context: T | null }>,
): Promise<{ output: Float32Array; context: SublayerContext<T> | null }> {
  const N = x.length / C;
  const n = scratch.acquire(N * C); // context buffers: given back after backward, or below
  const rstd = scratch.acquire(N);
  await rmsNormForwardOn(norm.backend, n, rstd, x, norm.weight, N, C, norm.eps);
  const f = await inner(n);
  const y = f.output;
  await addInto(norm.backend, x, y);
  if (!save || !f.context) {
    scratch.release(n, rstd);
    return { output: y, context: null };
  }
  const keep = f.context.projections.flat().some((c) => holds(c, n));
  if (!keep) scratch.release(n);
  const context = { normed: keep ? n : null, rstd, inner: f.context, bytes: 0 };
  context.bytes = heldBytes(context, x);
  return { output: y, context };
}

/**
 * Backward of {@link residualNormForward}: dx = dy + RMSNorm'(innerBackward(dy)) (pooled: the
 * caller gives it back); accumulates the norm's gradient and gives the context's buffers back.
 */
export async function residualNormBackward<T>(
  ctx: SublayerContext<T>,
  x: Float32Array,
  dOutput: Float32Array,
  norm: SublayerNorm,
  C: number,
  scratch: Scratch,
  innerBackward: (inner: T, d: Float32Array) => Promise<Float32Array>,
): Promise<Float32Array> {
  const N = x.length / C;
  const dn = await innerBackward(ctx.inner, dOutput);
  // The residual path carries dy through unchanged.
  const dx = scratch.acquire(dOutput.length);
  dx.set(dOutput);
  await rmsNormBackwardOn(norm.backend, dx, norm.grad, dn, x, norm.weight, ctx.rstd, N, C);
  scratch.release(ctx.rstd);
  if (ctx.normed) scratch.release(ctx.normed);
  return dx;
}

/** y += x on the backend where it has axpy (in place on the wasm one's own arrays), else here. */
export async function addInto(backend: MatmulBackend, x: Float32Array, y: Float32Array) {
  if (backend.axpy) return backend.axpy(1, x, y.subarray(0, x.length));
  for (let i = 0; i < x.length; i++) y[i] += x[i];
}
