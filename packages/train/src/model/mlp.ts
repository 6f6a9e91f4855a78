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
  const g = await p.gate_proj.forward(x, options(0));
  const u = await p.up_proj.forward(x, options(1));
  const m = scratch.acquire(g.output.length); // pooled: given back after backward (or below)
  swigluForward(m, g.output, u.output, m.length);
  const d = await p.down_proj.forward(m, options(2));
  const keepM = save && holds(d.context, m); // a frozen down_proj keeps nothing of its input
  if (!keepM) scratch.release(m);
  if (!save) return { output: d.output, context: null };
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

/** Backward of {@link mlpForward}: accumulates projection gradients, returns dx[N, C]. */
export async function mlpBackward(
  ctx: MlpContext,
  dOutput: Float32Array,
  p: MlpProjections,
  scratch: Scratch,
): Promise<Float32Array> {
  const dm = await p.down_proj.backward(ctx.projections[2], dOutput);
  const dGate = scratch.get("mlp.dGate", dm.length); // temporaries reused across steps
  const dUp = scratch.get("mlp.dUp", dm.length);
  swigluBackward(dGate, dUp, dm, ctx.gate, ctx.up, dm.length);
  const dx = await p.gate_proj.backward(ctx.projections[0], dGate);
  const dxu = await p.up_proj.backward(ctx.projections[1], dUp);
  for (let i = 0; i < dx.length; i++) dx[i] += dxu[i];
  if (ctx.m) scratch.release(ctx.m);
  return dx;
}
