// Choosing a key of a weight table at random, as the generators choose a family and a frequency:
// one uniform draw against the cumulative weights in the table's key order (so a table that
// lists the same weights in the same order makes the same choices).
import type { Random } from "@kairos/lora";
import { checkKeys } from "../options/check-keys.js";

/**
 * Validates a weight table: keys among `valid`, values finite and ≥ 0, some positive.
 *
 * @example
 * checkWeights("syntheticSeries()", "families", { price: 1 }, ["price", "calendar"]);
 */
export function checkWeights(
  fn: string,
  name: string,
  weights: Partial<Record<string, number>>,
  valid: readonly string[],
): void {
  checkKeys(fn, name, weights, valid);
  let total = 0;
  for (const [key, w] of Object.entries(weights)) {
    if (typeof w !== "number" || !Number.isFinite(w) || w < 0)
      throw new RangeError(`${fn}: ${name}.${key} must be a finite number ≥ 0, got ${String(w)}`);
    total += w;
  }
  if (!(total > 0))
    throw new RangeError(`${fn}: ${name} must give some key a positive weight, got all zero`);
}

/**
 * A key drawn with probability proportional to its weight; keys in `exclude` are skipped.
 * Returns undefined when no key with positive weight is left.
 *
 * @example
 * weightedChoice(new Random(1), { a: 3, b: 1 }); // "a" three times in four
 */
export function weightedChoice<K extends string>(
  rng: Random,
  weights: Partial<Record<K, number>>,
  exclude?: ReadonlySet<K>,
): K | undefined {
  const entries = (Object.entries(weights) as [K, number][]).filter(
    ([k, w]) => w > 0 && !exclude?.has(k),
  );
  const total = entries.reduce((s, [, w]) => s + w, 0);
  if (!(total > 0)) return undefined;
  const u = rng.uniform() * total;
  let cumulative = 0;
  for (const [k, w] of entries) {
    cumulative += w;
    if (u < cumulative) return k;
  }
  return entries[entries.length - 1][0];
}
