// Griewank's binomial checkpointing (revolve) for chains of equal stages: with `slots` stored
// activations it needs the fewest forward recomputations possible. Split rule after Griewank and
// Walther 2000, "Algorithm 799: revolve", ACM TOMS 26(1), restated with β(s, r) = C(s + r, s).

import { END, type ScheduleTree } from "./schedule-tree.js";

/** β(s, r) = C(s + r, s): the most steps `s` snapshots reverse with `r` repetitions; 0 if s or r < 0. */
export function binomialReach(s: number, r: number): number {
  if (s < 0 || r < 0) return 0;
  let value = 1;
  for (let k = 1; k <= Math.min(s, r); k++) value = (value * (Math.max(s, r) + k)) / k;
  return Math.round(value);
}

/** The repetition number: the least `r` with `β(slots, r) >= steps`. */
export function repetitions(steps: number, slots: number): number {
  let r = 0;
  while (binomialReach(slots, r) < steps) r++;
  return r;
}

/**
 * Griewank's count of forward recomputations (beyond the one saving forward each step gets) for
 * `steps` equal stages and `slots` stored activations, the chain's input included:
 * `r·steps − β(slots + 1, r − 1)` with `r = repetitions(steps, slots)`.
 */
export function revolveRecomputations(steps: number, slots: number): number {
  const s = Math.min(slots, steps - 1);
  if (s <= 0) return 0;
  const r = repetitions(steps, s);
  return r * steps - binomialReach(s + 1, r - 1);
}

/**
 * Where revolve stores the next checkpoint, as a distance from the segment's start, for a
 * segment of `steps > 1` stages with `slots >= 1` (its start included).
 */
export function revolveSplit(steps: number, slots: number): number {
  const s = Math.min(slots, steps - 1); // more slots than steps cannot help
  const r = repetitions(steps, s);
  const b = (ds: number, dr: number) => binomialReach(s + ds, r + dr);
  let at: number;
  if (steps <= b(0, -1) + b(-2, -1)) at = b(0, -2);
  else if (steps >= b(0, 0) - b(-3, 0)) at = b(0, -1);
  else at = steps - b(-1, -1) - b(-2, -1);
  return Math.min(Math.max(at, 1), steps - 1);
}

/** The revolve schedule tree of `[i, j)` with `slots` stored activations, `a[i]` included. */
export function revolveTree(i: number, j: number, slots: number): ScheduleTree {
  if (j - i === 1) return { kind: "save", rest: END };
  const at = i + revolveSplit(j - i, slots);
  return {
    kind: "split",
    at,
    right: revolveTree(at, j, slots - 1),
    left: revolveTree(i, at, slots),
  };
}
