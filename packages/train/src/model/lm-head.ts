// The last stage of the chain: final RMSNorm (`model.norm`), LM head and the chunked next-token
// cross-entropy. Its output is the mean loss `[1]`; its context keeps the normed input and each
// row's log-sum-exp, never the logits. A frozen head (LoRA) instead forms the gradient of the
// normed input during the saving forward, from the logits it computes anyway, and keeps that:
// the backward then only scales it by dLoss (linear) and runs the norm's backward.
// Legend: N rows, C hidden size.
import {
  type CrossEntropyWorkspace,
  crossEntropyBackward,
  crossEntropyForward,
} from "./chunked-cross-entropy.js";
import type { MatmulBackend } from "./matmul.js";
import { rmsNormBackwardOn, rmsNormForwardOn } from "./rms-norm.js";
import type { Scratch } from "./scratch.js";
import type { StageForward } from "./stage.js";

/** Weights, gradients and buffers of the head. */
export interface LmHead {
  norm: Float32Array; // [C]
  normGrad: Float32Array | null;
  weight: Float32Array; // [V, C]
  weightGrad: Float32Array | null;
  eps: number;
  /**
   * Factor on the normed states before the head (T5 with tied embeddings: d_model^−0.5, as
   * `T5ForConditionalGeneration.forward`); default 1.
   */
  scale?: number;
  C: number;
  backend: MatmulBackend;
  workspace: CrossEntropyWorkspace;
  scratch: Scratch;
  /** The stage's output `[loss]`, overwritten by each forward (read it before the next). */
  loss: Float32Array;
}

/** What {@link lmHeadBackward} needs: hn and lse to recompute the logits, or dhn already formed. */
export type LmHeadContext = {
  x: Float32Array; // [N, C] input (not counted)
  rstd: Float32Array; // [N]
  bytes: number;
} & (
  | { hn: Float32Array; lse: Float32Array; dhn?: undefined } // [N, C], [N]
  | { dhn: Float32Array } // [N, C]: d(mean loss)/d(normed input), before dLoss and scale
);

/**
 * Keeps a frozen head's weight resident on the backend where it can (the wasm backend uploads
 * and packs it once instead of once per loss chunk: 4 MB each for kairos-base-small's head), as a
 * frozen Linear does. A trainable head changes every step, so it is never retained.
 */
export function retainFrozenHead(head: LmHead): void {
  if (head.weightGrad === null) head.backend.retain?.(head.weight);
}

/** Loss `[1]` of hidden states x[N, C] against labels[N]; the context when `save`. */
export async function lmHeadForward(
  head: LmHead,
  x: Float32Array,
  labels: Int32Array,
  save: boolean,
): Promise<StageForward> {
  const { C } = head;
  const N = x.length / C;
  const pool = head.scratch; // context buffers: given back after backward, or below
  const hn = pool.acquire(N * C);
  const rstd = pool.acquire(N);
  await rmsNormForwardOn(head.backend, hn, rstd, x, head.norm, N, C, head.eps);
  const scale = head.scale ?? 1;
  if (scale !== 1) for (let i = 0; i < hn.length; i++) hn[i] *= scale;
  const lse = pool.acquire(N);
  if (save && head.weightGrad === null) {
    const dhn = pool.acquire(N * C);
    const { backend, workspace } = head;
    const ce = await crossEntropyForward(hn, head.weight, labels, lse, C, backend, workspace, dhn);
    pool.release(hn, lse);
    head.loss[0] = ce.loss;
    const context: LmHeadContext = { x, rstd, dhn, bytes: 4 * (N * C + N) };
    return { output: head.loss, context };
  }
  const ce = await crossEntropyForward(
    hn,
    head.weight,
    labels,
    lse,
    C,
    head.backend,
    head.workspace,
  );
  const context: LmHeadContext | undefined = save
    ? { x, hn, rstd, lse, bytes: 4 * (N * C + 2 * N) }
    : undefined;
  if (!save) pool.release(hn, rstd, lse);
  head.loss[0] = ce.loss;
  return { output: head.loss, context };
}

/** Backward of {@link lmHeadForward} scaled by dLoss: accumulates head/norm gradients, returns dx. */
export async function lmHeadBackward(
  head: LmHead,
  ctx: LmHeadContext,
  labels: Int32Array,
  dLoss: number,
): Promise<Float32Array> {
  const { C } = head;
  const N = ctx.x.length / C;
  let dhn: Float32Array;
  let factor = head.scale ?? 1;
  if (ctx.dhn !== undefined) {
    dhn = ctx.dhn; // formed by the forward at dLoss 1
    factor *= dLoss;
  } else {
    dhn = head.scratch.get("head.dhn", N * C, false); // overwritten
    await crossEntropyBackward(
      ...([dhn, head.weightGrad, dLoss, ctx.hn, head.weight, labels, ctx.lse, C] as const),
      head.backend,
      head.workspace,
    );
  }
  if (factor !== 1) for (let i = 0; i < dhn.length; i++) dhn[i] *= factor;
  const dx = head.scratch.acquire(N * C).fill(0); // pooled: the executor gives it back
  await rmsNormBackwardOn(head.backend, dx, head.normGrad, dhn, ctx.x, head.norm, ctx.rstd, N, C);
  if (ctx.dhn !== undefined) head.scratch.release(ctx.dhn, ctx.rstd);
  else head.scratch.release(ctx.hn, ctx.rstd, ctx.lse);
  return dx;
}
