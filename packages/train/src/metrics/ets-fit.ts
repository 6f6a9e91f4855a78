// Fitting ETS(A,Ad,A) to one series as statsmodels' ETSModel does with
// `initialization_method="heuristic"`: the initial states come from the heuristic, and α, β, γ, φ
// maximise the Gaussian likelihood, which for additive errors with fixed initial states is the
// least one-step SSE. Bounds are statsmodels' defaults (`ETSModel._setup_bounds`), searched in
// its internal parameters: α, β* = β/α, γ* = γ/(1 − α) in [1e-4, 1 − 1e-4], φ in [0.8, 0.98].
// The search is Nelder–Mead from statsmodels' start (α 0.1, β 0.01, γ 0.01, φ 0.98) and two more
// starts (α 0.5 and 0.9), keeping the best. Too short a series drops parts: no season when it
// holds fewer than etsMinLength(m) values (two seasons and 10 + 2⌊m/2⌋), no trend either below
// 10 values, where simple exponential smoothing starts from the first value.

import { type EtsStates, etsInitialStates, etsMinLength } from "./ets-initial-states.js";
import { type EtsParams, etsSmooth } from "./ets-smooth.js";
import { nelderMead } from "./nelder-mead.js";

/** Which ETS model a fit used: ETS(A,Ad,A), ETS(A,Ad,N) or ETS(A,N,N). */
export type EtsKind = "A,Ad,A" | "A,Ad,N" | "A,N,N";

/** A fitted model: its kind, parameters, initial states, SSE and σ² = SSE / observed steps. */
export interface EtsFit {
  kind: EtsKind;
  params: EtsParams;
  initial: EtsStates;
  sse: number;
  /** Mean squared one-step error, statsmodels' `mse` (the σ² its intervals use). */
  mse: number;
  observed: number;
}

const EPS = 1e-4;

/** The kind of model {@link fitEts} uses for `length` values and season `season`. */
export function etsKind(length: number, season: number): EtsKind {
  if (season > 1 && length >= etsMinLength(season)) return "A,Ad,A";
  return length >= 10 ? "A,Ad,N" : "A,N,N";
}

/** External parameters from statsmodels' internal ones [α, β*, γ*, φ]. */
function external(kind: EtsKind, u: Float64Array): EtsParams {
  const alpha = u[0];
  if (kind === "A,N,N") return { alpha, beta: 0, gamma: 0, phi: 0 };
  const beta = u[1] * alpha;
  const phi = u[2];
  if (kind === "A,Ad,N") return { alpha, beta, gamma: 0, phi };
  return { alpha, beta, gamma: u[3] * (1 - alpha), phi };
}

/** Linear interpolation over interior NaNs (ends are never NaN here), for the heuristic only. */
function interpolated(y: Float64Array): Float64Array {
  const out = Float64Array.from(y);
  let last = 0;
  for (let t = 1; t < out.length; t++) {
    if (Number.isNaN(out[t])) continue;
    for (let k = last + 1; k < t; k++)
      out[k] = out[last] + ((out[t] - out[last]) * (k - last)) / (t - last);
    last = t;
  }
  return out;
}

/**
 * Fits `y` (no leading NaN; interior NaNs are missing steps) with season `season` (1 = none).
 *
 * @example
 * const fit = fitEts(monthly, 12); // fit.kind "A,Ad,A" once monthly holds 24 values
 */
export function fitEts(y: Float64Array, season: number): EtsFit {
  const kind = etsKind(y.length, season);
  let last = y.length - 1;
  while (last > 0 && Number.isNaN(y[last])) last--;
  const filled = interpolated(y.subarray(0, last + 1));
  const initial: EtsStates =
    kind === "A,N,N"
      ? { level: y[0], trend: 0, seasonal: new Float64Array(0) }
      : etsInitialStates(filled, kind === "A,Ad,A" ? season : 1);
  const sse = (u: Float64Array) => etsSmooth(y, external(kind, u), initial).sse;
  // Internal coordinates: [α, β*, φ, γ*] (kind-dependent prefix).
  const lower = [EPS, EPS, 0.8, EPS].slice(0, kind === "A,N,N" ? 1 : kind === "A,Ad,N" ? 3 : 4);
  const upper = [1 - EPS, 1 - EPS, 0.98, 1 - EPS].slice(0, lower.length);
  let best: { x: Float64Array; value: number } | null = null;
  for (const alpha of [0.1, 0.5, 0.9]) {
    const start = [alpha, 0.01 / 0.1, 0.98, 0.01 / 0.9].slice(0, lower.length);
    const run = nelderMead(sse, start, { lower, upper });
    if (best === null || run.value < best.value) best = run;
  }
  const params = external(kind, best!.x);
  const smoothed = etsSmooth(y, params, initial);
  const observed = smoothed.observed;
  return {
    kind,
    params,
    initial,
    sse: smoothed.sse,
    mse: observed > 0 ? smoothed.sse / observed : 0,
    observed,
  };
}
