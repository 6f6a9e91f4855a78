// Price paths: log-returns with volatility clustering — GARCH(1,1), σ²ₜ = ω + α ε²ₜ₋₁ + β σ²ₜ₋₁
// (Bollerslev 1986) with Student-t shocks — and jumps, a compound Poisson sum of normal sizes
// (Merton 1976), exponentiated to a positive price. The stylised facts of asset returns (Cont
// 2001): heavy tails, no autocorrelation in returns, slowly decaying autocorrelation in squares.
import type { Random } from "@kairos/lora";
import { poisson, studentT } from "./distributions.js";

/** Options of {@link pricePath}. */
export interface PricePathOptions {
  /** GARCH α (default 0.05–0.15 at random). */
  alpha?: number;
  /** GARCH β (default 0.80 to 0.98 − α at random); α + β < 1. */
  beta?: number;
  /** Expected jumps a step (default 0–2% at random; 0 for none). */
  jumpRate?: number;
}

/**
 * A positive price path of `length` steps: daily volatility 0.5–3%, drift N(0, 0.0005²),
 * t shocks with 4–10 degrees of freedom, jumps of N(μ, σ²) with μ ~ N(0, 0.02²), σ 2–8%,
 * starting from exp(N(3, 1)).
 *
 * @example
 * pricePath(new Random(1), 1260); // five years of daily closes, all > 0
 */
export function pricePath(
  rng: Random,
  length: number,
  options: PricePathOptions = {},
): Float64Array {
  const alpha = options.alpha ?? 0.05 + 0.1 * rng.uniform();
  const beta = options.beta ?? 0.8 + (0.18 - alpha) * rng.uniform();
  if (!(alpha >= 0 && beta >= 0 && alpha + beta < 1)) {
    throw new RangeError(
      `pricePath(): alpha and beta must be non-negative with alpha + beta < 1, got ${alpha} and ${beta}`,
    );
  }
  const jumpRate = options.jumpRate ?? 0.02 * rng.uniform();
  if (!(jumpRate >= 0))
    throw new RangeError(`pricePath(): jumpRate must be non-negative, got ${jumpRate}`);
  const vol = 0.005 + 0.025 * rng.uniform();
  const omega = vol * vol * (1 - alpha - beta);
  const drift = rng.normal() * 0.0005;
  const dof = 4 + 6 * rng.uniform();
  const jumpMean = rng.normal() * 0.02;
  const jumpStd = 0.02 + 0.06 * rng.uniform();
  let variance = vol * vol;
  let logPrice = 3 + rng.normal();
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    out[i] = Math.exp(logPrice);
    const shock = Math.sqrt(variance) * studentT(rng, dof);
    let jump = 0;
    for (let j = poisson(rng, jumpRate); j > 0; j--) jump += jumpMean + jumpStd * rng.normal();
    // bounded so exp stays finite (and far from float32's range) for any draw
    logPrice = Math.min(30, Math.max(-30, logPrice + drift + shock + jump));
    variance = omega + alpha * shock * shock + beta * variance;
  }
  return out;
}
