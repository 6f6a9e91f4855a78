// A seeded generator of general synthetic series for pretraining: KernelSynth GP draws, random
// walks, trends with level shifts, and multiplicative seasonality, at several lengths and scales.
import { Random } from "@kairos/lora";
import { composeKernel, PERIODS, sampleGaussianProcess } from "./kernels.js";

/** Options of {@link syntheticSeries}. */
export interface SyntheticOptions {
  seed: number;
  /** Series lengths to draw from (default [128, 192, 256]). */
  lengths?: number[];
}

function randomWalk(rng: Random, n: number): Float64Array {
  const out = new Float64Array(n);
  const drift = rng.normal() * 0.05;
  for (let i = 1; i < n; i++) out[i] = out[i - 1] + drift + rng.normal();
  return out;
}

function trendWithShifts(rng: Random, n: number): Float64Array {
  const out = new Float64Array(n);
  const slope = rng.normal() * (2 / n);
  const curve = rng.normal() * (1 / (n * n));
  const shifts = rng.int(4);
  const at = Array.from({ length: shifts }, () => rng.int(n));
  const size = Array.from({ length: shifts }, () => rng.normal());
  const noise = 0.02 + rng.uniform() * 0.2;
  for (let i = 0; i < n; i++) {
    let level = 0;
    for (let s = 0; s < shifts; s++) if (i >= at[s]) level += size[s];
    out[i] = slope * i + curve * i * i + level + noise * rng.normal();
  }
  return out;
}

function seasonal(rng: Random, n: number): Float64Array {
  const out = new Float64Array(n);
  const period = PERIODS[rng.int(PERIODS.length)];
  const harmonics = 1 + rng.int(3);
  const amp = Array.from({ length: harmonics }, () => rng.normal() * 0.5);
  const phase = Array.from({ length: harmonics }, () => rng.uniform() * 2 * Math.PI);
  const growth = rng.normal() * (1 / n);
  const noise = 0.02 + rng.uniform() * 0.1;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let h = 0; h < harmonics; h++)
      s += amp[h] * Math.sin((2 * Math.PI * (h + 1) * i) / period + phase[h]);
    // multiplicative: the seasonal swing grows with the level
    out[i] = (1 + growth * i) * (1 + s) + noise * rng.normal();
  }
  return out;
}

/**
 * An endless seeded stream of series: about half KernelSynth GP draws, the rest random walks,
 * trends with level shifts and multiplicative seasonality, each shifted and scaled at random.
 *
 * @example
 * const it = syntheticSeries({ seed: 1 });
 * const series = it.next().value; // Float64Array
 */
export function* syntheticSeries(options: SyntheticOptions): Generator<Float64Array> {
  const rng = new Random(options.seed);
  const lengths = options.lengths ?? [128, 192, 256];
  for (;;) {
    const n = lengths[rng.int(lengths.length)];
    const kind = rng.uniform();
    let x: Float64Array;
    if (kind < 0.5) x = sampleGaussianProcess(rng, composeKernel(rng, n), n);
    else if (kind < 0.65) x = randomWalk(rng, n);
    else if (kind < 0.8) x = trendWithShifts(rng, n);
    else x = seasonal(rng, n);
    const scale = Math.exp(rng.normal() * 2);
    const offset = rng.uniform() < 0.5 ? 0 : rng.normal() * 3;
    for (let i = 0; i < n; i++) x[i] = (x[i] + offset) * scale;
    yield x;
  }
}
