// Llama's MLP (`LlamaMLP`): down_proj(silu(gate_proj(x)) ⊙ up_proj(x)), no biases.
import { type Projection, type ProjectionOptions, projectionContextBytes } from "./projection.js";
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
  m: Float32Array; // [N, I] gated product, down_proj's input
  projections: [unknown, unknown, unknown]; // gate, up, down contexts
  /** Bytes held besides the input: gate, up, the gated product, plus what the projections report. */
  bytes: number;
}

/** Forward on normed input x[N, C]; returns [N, C]. */
export async function mlpForward(
  x: Float32Array,
  p: MlpProjections,
  options: (i: number) => ProjectionOptions,
  scratch: Scratch,
  save: boolean,
): Promise<{ output: Float32Array; context: MlpContext }> {
  const g = await p.gate_proj.forward(x, options(4));
  const u = await p.up_proj.forward(x, options(5));
  const m = scratch.acquire(g.output.length); // pooled: given back after backward (or below)
  swigluForward(m, g.output, u.output, m.length);
  const d = await p.down_proj.forward(m, options(6));
  if (!save) scratch.release(m);
  return {
    output: d.output,
    context: {
      gate: g.output,
      up: u.output,
      m,
      projections: [g.context, u.context, d.context],
      bytes: 12 * m.length + [g, u, d].reduce((a, f) => a + projectionContextBytes(f.context), 0),
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
  scratch.release(ctx.m);
  return dx;
}
