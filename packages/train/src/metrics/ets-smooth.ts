// The ETS(A,Ad,A) recursion in error-correction form (Hyndman, Koehler, Ord & Snyder, Forecasting
// with Exponential Smoothing, 2008, Table 2.3), which is what statsmodels' ETSModel smooths
// (`_ets_smooth_add_add` in its β*/γ* spelling: β = αβ*, γ = (1 − α)γ*):
//   ŷ_t = ℓ + φb + s_{t−m},  e_t = y_t − ŷ_t,
//   ℓ ← ℓ + φb + αe_t,  b ← φb + βe_t,  s_t = s_{t−m} + γe_t.
// With b = 0, β = 0 it is ETS(A,N,A); with no season (m = 1, s = 0, γ = 0) ETS(A,Ad,N) or, with
// neither, simple exponential smoothing ETS(A,N,N). A missing y_t (NaN) updates nothing beyond
// the prediction (e_t = 0) and is left out of the SSE, as a state-space model treats it.

import type { EtsStates } from "./ets-initial-states.js";

/** Smoothing parameters in error-correction form; 0 ≤ β ≤ α, 0 ≤ γ ≤ 1 − α, φ the damping. */
export interface EtsParams {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
}

/** What {@link etsSmooth} returns. */
export interface EtsSmoothed {
  /** Sum of squared one-step errors over the observed steps. */
  sse: number;
  /** Observed (non-NaN) steps. */
  observed: number;
  /** States after the last step; `seasonal[j]` serves the steps t ≡ j (mod m). */
  final: EtsStates;
  /** One-step predictions ŷ_t, shape [n]. */
  fitted: Float64Array;
}

/**
 * Runs the recursion over `y` from `initial` (`initial.seasonal` of length m, or empty).
 *
 * @example
 * etsSmooth([1, 2, 3], { alpha: 0.5, beta: 0, gamma: 0, phi: 1 }, { level: 1, trend: 0, seasonal: new Float64Array(0) }).sse;
 * // 0 + 1 + 1.5² = 3.25
 */
export function etsSmooth(
  y: ArrayLike<number>,
  params: EtsParams,
  initial: EtsStates,
): EtsSmoothed {
  const { alpha, beta, gamma, phi } = params;
  const m = initial.seasonal.length;
  const season = Float64Array.from(m > 0 ? initial.seasonal : [0]); // [max(m, 1)], ring by t mod m
  const period = season.length;
  let level = initial.level;
  let trend = initial.trend;
  let sse = 0;
  let observed = 0;
  const fitted = new Float64Array(y.length);
  for (let t = 0; t < y.length; t++) {
    const j = t % period;
    const damped = phi * trend;
    const yhat = level + damped + season[j];
    fitted[t] = yhat;
    const e = Number.isNaN(y[t]) ? 0 : y[t] - yhat;
    if (!Number.isNaN(y[t])) {
      sse += e * e;
      observed++;
    }
    level += damped + alpha * e;
    trend = damped + beta * e;
    season[j] += gamma * e;
  }
  // The ring is indexed by t mod m, so the step after the last, t = n, reads seasonal[n mod m].
  return {
    sse,
    observed,
    final: { level, trend, seasonal: m > 0 ? season : new Float64Array(0) },
    fitted,
  };
}

/**
 * Point forecasts h = 1 … horizon steps after a series of length `n` that ended in `final`:
 * ŷ_{n+h} = ℓ + (φ + … + φ^h)b + s_{n+h−m(⌊(h−1)/m⌋+1)}.
 *
 * @example
 * etsPoint({ level: 10, trend: 1, seasonal: new Float64Array(0) }, 0.5, 0, 2); // Float64Array [10.5, 10.75]
 */
export function etsPoint(final: EtsStates, phi: number, n: number, horizon: number): Float64Array {
  const m = final.seasonal.length;
  const out = new Float64Array(horizon);
  let phiSum = 0;
  let phiPower = 1;
  for (let h = 0; h < horizon; h++) {
    phiPower *= phi;
    phiSum += phiPower;
    out[h] = final.level + phiSum * final.trend + (m > 0 ? final.seasonal[(n + h) % m] : 0);
  }
  return out;
}

/**
 * The h-step forecast variance over σ² of a class-1 (linear, additive-error) ETS model, Hyndman
 * et al. (2008) §6.3: v_h = 1 + Σ_{j=1}^{h−1} c_j², c_j = α + β(φ + … + φ^j) + γ·[j ≡ 0 mod m].
 * Shape [horizon], for h = 1 … horizon. Equals statsmodels' closed forms (ETSResults
 * `_relative_forecast_variance`) for ANN, AAdN and AAdA.
 *
 * @example
 * etsVarianceMultipliers({ alpha: 0.5, beta: 0, gamma: 0, phi: 1 }, 1, 3); // Float64Array [1, 1.25, 1.5]
 */
export function etsVarianceMultipliers(
  params: EtsParams,
  season: number,
  horizon: number,
): Float64Array {
  const { alpha, beta, gamma, phi } = params;
  const out = new Float64Array(horizon);
  let sum = 1;
  let phiSum = 0;
  let phiPower = 1;
  out[0] = 1;
  for (let j = 1; j < horizon; j++) {
    phiPower *= phi;
    phiSum += phiPower;
    const c = alpha + beta * phiSum + (season > 1 && j % season === 0 ? gamma : 0);
    sum += c * c;
    out[j] = sum;
  }
  return out;
}
