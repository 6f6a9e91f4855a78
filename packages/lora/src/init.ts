// Weight initialisations as PyTorch and PEFT define them, drawn from the seeded `Random`.
import type { Random } from "./random";

/**
 * Kaiming-uniform with a = √5 (PyTorch `nn.Linear.reset_parameters`, PEFT's default `lora_A`):
 * gain = √(2 / (1 + a²)) = √(1/3), bound = gain · √(3 / fanIn) = 1 / √fanIn; fills `out` in place.
 *
 * @example
 * kaimingUniform(new Float32Array(rank * inFeatures), inFeatures, new Random(0));
 */
export function kaimingUniform(out: Float32Array, fanIn: number, rng: Random): Float32Array {
  return uniform(out, 1 / Math.sqrt(fanIn), rng);
}

/** Uniform in [-bound, bound), in place. */
export function uniform(out: Float32Array, bound: number, rng: Random): Float32Array {
  for (let i = 0; i < out.length; i++) out[i] = bound * (2 * rng.uniform() - 1);
  return out;
}

/** Normal with mean 0 and standard deviation `std`, in place (PEFT `gaussian`: std = 1 / rank). */
export function normal(out: Float32Array, std: number, rng: Random): Float32Array {
  for (let i = 0; i < out.length; i++) out[i] = std * rng.normal();
  return out;
}
