// The fixed strategies as schedule trees: store-all, PyTorch `checkpoint` regions, PyTorch
// `checkpoint_sequential` segments and Chen et al. 2016's √n segments.

import { END, type ScheduleTree } from "./schedule-tree.js";

/** Stages `i … j - 1` all run in saving mode: no recomputation. */
export function storeAllTree(i: number, j: number): ScheduleTree {
  let tree = END;
  for (let s = j - 1; s >= i; s--) tree = { kind: "save", rest: tree };
  return tree;
}

/**
 * Regions starting at `starts` (sorted, first `0`), as PyTorch `checkpoint`: the forward pass
 * keeps each region's input and runs the rest without saving, except the last region, which it
 * runs in saving mode; the backward pass recomputes each earlier region once in saving mode.
 */
export function regionsTree(n: number, starts: readonly number[]): ScheduleTree {
  let tree = storeAllTree(starts[starts.length - 1], n);
  for (let r = starts.length - 2; r >= 0; r--) {
    const at = starts[r + 1];
    tree = { kind: "split", at, right: tree, left: storeAllTree(starts[r], at) };
  }
  return tree;
}

/** Region starts of PyTorch `checkpoint_sequential(functions, segments)`: `⌊n / segments⌋` apart. */
export function segmentStarts(n: number, segments: number): number[] {
  const size = Math.floor(n / segments);
  return Array.from({ length: segments }, (_, r) => r * size);
}

/** Chen et al. 2016 ("Training deep nets with sublinear memory cost"): `round(√n)` segments. */
export function sqrtSegments(n: number): number {
  return Math.max(1, Math.round(Math.sqrt(n)));
}
