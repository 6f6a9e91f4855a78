// Every strategy builds its schedule as a tree of nested segments, the shape of Rotor's dynamic
// program (Beaumont et al. 2019, "persistent" schedules); this file turns a tree into operations
// and predicts its peak and compute from the chain's sizes by structure, not by replay.

import type { Chain } from "./chain.js";
import type { Operation } from "./operation.js";

/**
 * The schedule of a segment `[i, j)` that starts with `a[i]` and `δ[j]` alive and ends with
 * `δ[i]` alone:
 * - `end` (`i = j`): drop `a[j]` (nothing to do for `j = n`, whose output went to the caller);
 * - `save`: F_all of `i`, then `rest` on `[i + 1, j)`, then B of `i`;
 * - `split`: F_ck of `i`, Fₙ of `i + 1 … at - 1`, then `right` on `[at, j)` holding `a[i]`,
 *   then `left` on `[i, at)`.
 */
export type ScheduleTree =
  | { readonly kind: "end" }
  | { readonly kind: "save"; readonly rest: ScheduleTree }
  | {
      readonly kind: "split";
      readonly at: number;
      readonly right: ScheduleTree;
      readonly left: ScheduleTree;
    };

/** The `end` leaf, shared. */
export const END: ScheduleTree = { kind: "end" };

/** Appends the operations of `tree` on segment `[i, j)` of an `n`-stage chain to `ops`. */
export function treeOperations(
  tree: ScheduleTree,
  i: number,
  j: number,
  n: number,
  ops: Operation[] = [],
): Operation[] {
  if (tree.kind === "end") {
    if (j < n) ops.push({ type: "free", activation: j });
  } else if (tree.kind === "save") {
    ops.push({ type: "forward-save", stage: i });
    treeOperations(tree.rest, i + 1, j, n, ops);
    ops.push({ type: "backward", stage: i });
  } else {
    ops.push({ type: "forward-checkpoint", stage: i });
    for (let s = i + 1; s < tree.at; s++) ops.push({ type: "forward", stage: s });
    treeOperations(tree.right, tree.at, j, n, ops);
    treeOperations(tree.left, i, tree.at, n, ops);
  }
  return ops;
}

/**
 * Peak of the forward walk of a split `[i, at)` before `right` starts, without `δ[j]`: `a[i]`,
 * the input and output of the stage running, and that forward's workspace.
 */
export function walkBytes(chain: Chain, i: number, at: number): number {
  const o = chain.outputBytes;
  const w = chain.forwardWorkspace;
  let peak = o[i] + o[i + 1] + (w?.[i] ?? 0);
  for (let s = i + 1; s < at; s++) peak = Math.max(peak, o[i] + o[s] + o[s + 1] + (w?.[s] ?? 0));
  return peak;
}

/**
 * Peak of a `save` node on `[i, j)` outside its `rest`: the forward of `i` (with `δ[j]` and its
 * workspace) and the backward of `i` (`a[i]`, `c[i]`, `δ[i + 1]`, the new `δ[i]`).
 */
export function saveBytes(chain: Chain, i: number, j: number): number {
  const o = chain.outputBytes;
  const held = o[i] + chain.contextBytes[i];
  return held + o[i + 1] + Math.max(o[i], o[j] + (chain.forwardWorkspace?.[i] ?? 0));
}

/**
 * The planner's prediction for `tree` on `[i, j)`: its own peak bytes (the segment's values
 * only, `a[i]` and `δ[j]` included) and the cost of every forward and backward it runs.
 */
export function measureTree(
  chain: Chain,
  tree: ScheduleTree,
  i: number,
  j: number,
): { peakBytes: number; computeCost: number } {
  const o = chain.outputBytes;
  if (tree.kind === "end") return { peakBytes: 2 * o[j], computeCost: 0 };
  if (tree.kind === "save") {
    const rest = measureTree(chain, tree.rest, i + 1, j);
    const held = o[i] + chain.contextBytes[i];
    return {
      peakBytes: Math.max(held + rest.peakBytes, saveBytes(chain, i, j)),
      computeCost: chain.forwardCost[i] + rest.computeCost + chain.backwardCost[i],
    };
  }
  const right = measureTree(chain, tree.right, tree.at, j);
  const left = measureTree(chain, tree.left, i, tree.at);
  let walkCost = 0;
  for (let s = i; s < tree.at; s++) walkCost += chain.forwardCost[s];
  return {
    peakBytes: Math.max(
      walkBytes(chain, i, tree.at) + o[j],
      o[i] + right.peakBytes,
      left.peakBytes,
    ),
    computeCost: walkCost + right.computeCost + left.computeCost,
  };
}
