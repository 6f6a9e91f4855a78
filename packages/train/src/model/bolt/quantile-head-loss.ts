// Chronos-Bolt's training loss on the quantile head's normalised predictions p [B, Q, H] against
// the normalised target y [B, H] with its mask m (`ChronosBoltModelForForecasting.forward`):
//   loss = (1/B) Σ_b Σ_h (1/Q) Σ_q 2 |(y − p)(1[y ≤ p] − q)| m
// i.e. twice the pinball loss, mean over quantiles, sum over the horizon, mean over the batch.
// ∂loss/∂p = 2 m (1[y ≤ p] − q) / (B Q); at y = p torch's |·|' is 0, and so is this one.
// Legend: B rows, Q quantiles, H prediction length.

/** The loss (float64 accumulation) of p [B·Q·H], y and m [B·H]. */
export function quantileHeadLoss(
  p: Float32Array,
  y: Float32Array,
  m: Uint8Array,
  quantiles: readonly number[],
  B: number,
  H: number,
): number {
  const Q = quantiles.length;
  let sum = 0;
  for (let b = 0; b < B; b++)
    for (let q = 0; q < Q; q++)
      for (let h = 0; h < H; h++) {
        if (!m[b * H + h]) continue;
        const d = y[b * H + h] - p[(b * Q + q) * H + h];
        sum += 2 * Math.abs(d * ((d <= 0 ? 1 : 0) - quantiles[q]));
      }
  return sum / (B * Q);
}

/** dp [B·Q·H] (overwritten) = dLoss · ∂loss/∂p. */
export function quantileHeadLossBackward(
  dp: Float32Array,
  p: Float32Array,
  y: Float32Array,
  m: Uint8Array,
  quantiles: readonly number[],
  B: number,
  H: number,
  dLoss: number,
): void {
  const Q = quantiles.length;
  const c = (2 * dLoss) / (B * Q);
  for (let b = 0; b < B; b++)
    for (let q = 0; q < Q; q++)
      for (let h = 0; h < H; h++) {
        const i = (b * Q + q) * H + h;
        const d = y[b * H + h] - p[i];
        dp[i] = m[b * H + h] && d !== 0 ? c * ((d < 0 ? 1 : 0) - quantiles[q]) : 0;
      }
}
