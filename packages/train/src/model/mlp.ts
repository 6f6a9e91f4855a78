// Llama's MLP (`LlamaMLP`): down_proj(silu(gate_proj(x)) ⊙ up_proj(x)), no biases. The gate is a
// parameter: T5's gated feed-forward (`T5DenseGatedActDense`) is wo(gelu_new(wi_0 x) ⊙ wi_1 x).

import { NO_OUTPUT } from "@kairos/lora";
import { holds } from "./held-bytes.js";
import type { MatmulBackend } from "./matmul.js";
import type { Projection, ProjectionOptions } from "./projection.js";
import { addInto } from "./residual-norm.js";
import type { Scratch } from "./scratch.js";
import { type GatedActivation, SWIGLU } from "./swiglu.js";

/** The three MLP projections of a layer, by Llama module name. */
export interface MlpProjections {
  gate_proj: Projection;
  up_proj: Projection;
  down_proj: Projection;
}

/** What {@link mlpBackward} needs. */
export interface MlpContext {
  gate: Float32Array; // [N, I]
  up: Float32Array; // [N, I]
  /** Gated product [N, I], kept only while down_proj's context needs it (pooled). */
  m: Float32Array | null;
  /** Projection contexts (gate, up, down) per block of rows: one block unless all are frozen. */
  projections: [unknown, unknown, unknown][];
  /** Rows per block. */
  blockRows: number;
}

/**
 * Floats of one [rows, I] temporary when all three projections are frozen (LoRA's default:
 * adapters on attention only). Row by row the MLP is independent, so it runs in blocks: the
 * temporaries (the gated product; gate and up too when not saving) are block-sized named scratch
 * instead of whole-batch buffers that would sit beside the checkpoints while the forward runs.
 * 4 MB a temporary: blocks of a few hundred rows made each projection too small a matmul to
 * share across threads (kairos-base-small: 256 rows × 384 ran on one core, ~20% of a step).
 */
export const FROZEN_BLOCK_FLOATS = 1 << 20;

/**
 * Rows per block of a frozen MLP over N rows of intermediate size I: N split evenly into as few
 * blocks as keep each within FROZEN_BLOCK_FLOATS (at least 64 rows), so no block is a sliver.
 */
export function frozenBlockRows(N: number, I: number): number {
  const most = Math.max(64, Math.floor(FROZEN_BLOCK_FLOATS / I));
  return Math.max(1, Math.ceil(N / Math.ceil(N / most)));
}

/** True when a projection keeps no input and has no gradient (a frozen `Linear`). */
function isFrozen(p: Projection): boolean {
  return (p as { trainable?: boolean }).trainable === false;
}

/**
 * Forward on normed input x[N, C]; returns [N, C] (pooled: the stage's output), or `NO_OUTPUT`
 * with `output` false (a context forward: down_proj builds only its context, nothing if frozen).
 */
export async function mlpForward(
  x: Float32Array,
  p: MlpProjections,
  options: (i: number) => ProjectionOptions,
  scratch: Scratch,
  save: boolean,
  output = true,
  gated: GatedActivation = SWIGLU,
): Promise<{ output: Float32Array; context: MlpContext | null }> {
  const C = p.gate_proj.inFeatures;
  const N = x.length / C;
  const I = p.gate_proj.outFeatures;
  const frozen = [p.gate_proj, p.up_proj, p.down_proj].every(isFrozen);
  const blockRows = frozen ? frozenBlockRows(N, I) : N;
  // gate and up live in the context until backward (pooled); otherwise block scratch.
  const gate = save ? scratch.acquire(N * I) : null;
  const up = save ? scratch.acquire(N * I) : null;
  const y = output ? scratch.acquire(N * C) : NO_OUTPUT;
  const contexts: [unknown, unknown, unknown][] = [];
  let keptM: Float32Array | null = null;
  for (let r0 = 0; r0 < N; r0 += blockRows) {
    const rows = Math.min(blockRows, N - r0);
    const span = (buffer: Float32Array | null, width: number, name: string) =>
      buffer ? buffer.subarray(r0 * width, (r0 + rows) * width) : scratch.get(name, rows * width);
    const xs = rows === N ? x : x.subarray(r0 * C, (r0 + rows) * C);
    const g = await p.gate_proj.forward(xs, {
      ...options(0),
      out: span(gate, I, "mlp.block.gate"),
    });
    const u = await p.up_proj.forward(xs, { ...options(1), out: span(up, I, "mlp.block.up") });
    // A trainable down_proj keeps its input: then m is a whole pooled buffer in the context.
    const m = frozen ? scratch.get("mlp.block.m", rows * I, false) : scratch.acquire(N * I);
    await gated.forward(m, g.output, u.output, m.length);
    // Without an output, down_proj builds only its context (nothing when frozen): the gated
    // product is all this costs, beside gate and up.
    const down = output ? { out: span(y, C, "") } : { output: false };
    const d = await p.down_proj.forward(m, { ...options(2), ...down });
    if (!frozen) {
      if (save && holds(d.context, m)) keptM = m;
      else scratch.release(m);
    }
    contexts.push([g.context, u.context, d.context]);
  }
  if (!save || !gate || !up) return { output: y, context: null };
  return { output: y, context: { gate, up, m: keptM, projections: contexts, blockRows } };
}

/**
 * Backward of {@link mlpForward}: accumulates projection gradients, returns dx[N, C] in scratch
 * (valid until the next MLP backward). `backend`: where the two input gradients are summed (its
 * axpy; without, here).
 */
export async function mlpBackward(
  ctx: MlpContext,
  dOutput: Float32Array,
  p: MlpProjections,
  scratch: Scratch,
  gated: GatedActivation = SWIGLU,
  backend?: MatmulBackend,
): Promise<Float32Array> {
  const C = p.gate_proj.inFeatures;
  const I = p.gate_proj.outFeatures;
  const N = dOutput.length / C;
  const dx = scratch.get("mlp.dx", N * C, false);
  // Temporaries that die inside this call, block-sized: reused across blocks and steps.
  for (let b = 0, r0 = 0; r0 < N; b++, r0 += ctx.blockRows) {
    const rows = Math.min(ctx.blockRows, N - r0);
    const [cg, cu, cd] = ctx.projections[b];
    const dy = dOutput.subarray(r0 * C, (r0 + rows) * C);
    const dm = await p.down_proj.backward(cd, dy, scratch.get("mlp.dm", rows * I, false));
    const dGate = scratch.get("mlp.dGate", rows * I, false);
    const dUp = scratch.get("mlp.dUp", rows * I, false);
    const at = (a: Float32Array) => a.subarray(r0 * I, (r0 + rows) * I);
    await gated.backward(dGate, dUp, dm, at(ctx.gate), at(ctx.up), rows * I);
    const dxs = dx.subarray(r0 * C, (r0 + rows) * C);
    await p.gate_proj.backward(cg, dGate, dxs);
    const dxu = await p.up_proj.backward(cu, dUp, scratch.get("mlp.dxu", rows * C, false));
    if (backend) await addInto(backend, dxu, dxs);
    else for (let i = 0; i < dxs.length; i++) dxs[i] += dxu[i];
  }
  scratch.release(ctx.gate, ctx.up);
  if (ctx.m) scratch.release(ctx.m);
  return dx;
}
