// Gradient-norm clipping (`torch.nn.utils.clip_grad_norm_`): scales all gradients so their joint
// L2 norm is at most `maxNorm`; returns the norm before clipping (NaN/Infinity left for the caller).

/** Global L2 norm of the gradients, clipped in place to `maxNorm` when finite and larger. */
export function clipGradNorm(grads: Float32Array[], maxNorm: number): number {
  let ss = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) ss += g[i] * g[i];
  const norm = Math.sqrt(ss);
  if (Number.isFinite(norm) && maxNorm > 0 && norm > maxNorm) {
    const k = maxNorm / (norm + 1e-6);
    for (const g of grads) for (let i = 0; i < g.length; i++) g[i] *= k;
  }
  return norm;
}
