// Llama's MLP (`LlamaMLP`): down_proj(silu(gate_proj(x)) ⊙ up_proj(x)), no biases.
import { holds } from "./held-bytes.js";
import type { Projection, ProjectionOptions } from "./projection.js";
import type { Scratch } from "./scratch.js";
import { swigluBackward, swigluForward } from "./swiglu.js";

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
  projections: [unknown, unknown, unknown]; // gate, up, down contexts
}

/** Forward on normed input x[N, C]; returns [N, C]. */
export async function mlpForward(
  x: Float32Array,
  p: MlpProjections,
  options: (i: number) => ProjectionOptions,
  scratch: Scratch,
  save: boolean,
): Promise<{ output: Float32Array; context: MlpContext | null }> {
  // Outputs in pooled buffers: gate, up (and m) live in the context until backward; down_proj's
  // output is the stage's, given back by the executor.
  const N = x.length / p.gate_proj.inFeatures;
  const I = p.gate_proj.outFeatures;
  const out = (i: number, length: number) => ({ ...options(i), out: scratch.acquire(length) });
  const g = await p.gate_proj.forward(x, out(0, N * I));
  const u = await p.up_proj.forward(x, out(1, N * I));
  const m = scratch.acquire(N * I);
  swigluForward(m, g.output, u.output, m.length);
  const d = await p.down_proj.forward(m, out(2, x.length));
  const keepM = save && holds(d.context, m); // a frozen down_proj keeps nothing of its input
  if (!keepM) scratch.release(m);
  if (!save) {
    scratch.release(g.output, u.output);
    return { output: d.output, context: null };
  }
  return {
    output: d.output,
    context: {
      gate: g.output,
      up: u.output,
      m: keepM ? m : null,
      projections: [g.context, u.context, d.context],
    },
  };
}

/**
 * Backward of {@link mlpForward}: accumulates projection gradients, returns dx[N, C] in scratch
 * (valid until the next MLP backward).
 */
export async function mlpBackward(
  ctx: MlpContext,
  dOutput: Float32Array,
  p: MlpProjections,
  scratch: Scratch,
): Promise<Float32Array> {
  // Temporaries that die inside this call: reused across steps.
  const size = ctx.gate.length;
  const rowsC = (dOutput.length / p.down_proj.outFeatures) * p.gate_proj.inFeatures;
  const dm = await p.down_proj.backward(ctx.projections[2], dOutput, scratch.get("mlp.dm", size));
  const dGate = scratch.get("mlp.dGate", size);
  const dUp = scratch.get("mlp.dUp", size);
  swigluBackward(dGate, dUp, dm, ctx.gate, ctx.up, size);
  const dx = await p.gate_proj.backward(ctx.projections[0], dGate, scratch.get("mlp.dx", rowsC));
  const dxu = await p.up_proj.backward(ctx.projections[1], dUp, scratch.get("mlp.dxu", rowsC));
  for (let i = 0; i < dx.length; i++) dx[i] += dxu[i];
  scratch.release(ctx.gate, ctx.up);
  if (ctx.m) scratch.release(ctx.m);
  return dx;
}
