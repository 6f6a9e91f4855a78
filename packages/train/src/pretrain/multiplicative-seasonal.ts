// One period of 1–3 sine harmonics whose swing grows with a linear level: the seasonal family
// kairos-base-tiny was trained on (kept draw for draw). Calendar-aware seasonality with several
// cycles is calendar-seasonal.ts.
import type { Random } from "@kairos/lora";
import { PERIODS } from "./kernels.js";

/**
 * `(1 + growth·t)(1 + Σₕ aₕ sin(2π h t / p + φₕ)) + noise`, p one of {@link PERIODS}.
 *
 * @example
 * multiplicativeSeasonal(new Random(1), 128); // Float64Array(128)
 */
export function multiplicativeSeasonal(rng: Random, length: number): Float64Array {
  const n = length;
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
