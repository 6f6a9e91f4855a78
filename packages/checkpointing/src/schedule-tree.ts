// Every strategy builds its schedule as a tree of nested segments, the shape of Rotor's dynamic
// program (Beaumont et al. 2019, "persistent" schedules); this file turns a tree into operations
// and predicts its peak and compute from the chain's sizes by structure, not by replay.

import {
  backwardCostOf,
  type Chain,
  contextCost,
  heldContextBytes,
  savesContextOnly,
} from "./chain.js";
import type { Operation } from "./operation.js";

/**
 * The schedule of a segment `[i, j)` that starts with `a[i]` and `δ[j]` alive and ends with
 * `δ[i]` alone:
 * - `end` (`i = j`): drop `a[j]` (nothing to do for `j = n`, whose output went to the caller);
 * - `save`: F_all of `i`, then `rest` on `[i + 1, j)`, then B of `i`; when the rest is empty and
 *   the chain has context forwards, a `forward-context` of `i` (no output to drop), then B of `i`;
 *   with `lean`, the forward keeps the lean context (`forward-save-lean`);
 * - `split`: F_ck of `i`, Fₙ of `i + 1 … at - 1`, then `right` on `[at, j)` holding `a[i]`,
 *   then `left` on `[i, at)`.
 */
export type ScheduleTree =
  | { readonly kind: "end" }
  | { readonly kind: "save"; readonly rest: ScheduleTree; readonly lean?: boolean }
  | {
      readonly kind: "split";
      readonly at: number;
      readonly right: ScheduleTree;
      readonly left: ScheduleTree;
    };

/** The `end` leaf, shared. */
export const END: ScheduleTree = { kind: "end" };

/** Appends the operations of `tree` on segment `[i, j)` of `chain` to `ops`. */
export function treeOperations(
  chain: Chain,
  tree: ScheduleTree,
  i: number,
  j: number,
  ops: Operation[] = [],
): Operation[] {
  if (tree.kind === "end") {
    if (j < chain.forwardCost.length) ops.push({ type: "free", activation: j });
  } else if (tree.kind === "save" && savesContextOnly(chain, i, j)) {
    ops.push({ type: "forward-context", stage: i }, { type: "backward", stage: i });
  } else if (tree.kind === "save") {
    ops.push({ type: tree.lean ? "forward-save-lean" : "forward-save", stage: i });
    treeOperations(chain, tree.rest, i + 1, j, ops);
    ops.push({ type: "backward", stage: i });
  } else {
    ops.push({ type: "forward-checkpoint", stage: i });
    for (let s = i + 1; s < tree.at; s++) ops.push({ type: "forward", stage: s });
    treeOperations(chain, tree.right, tree.at, j, ops);
    treeOperations(chain, tree.left, i, tree.at, ops);
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
 * workspace) and the backward of `i` (`a[i]`, `c[i]`, `δ[i + 1]`, the new `δ[i]`); the same for a
 * lean save, whose forward and backward hold the whole context while they run. For a context
 * forward (`savesContextOnly`) the whole node's peak: no `a[i + 1]`, no rest.
 */
export function saveBytes(chain: Chain, i: number, j: number): number {
  const o = chain.outputBytes;
  const held = o[i] + chain.contextBytes[i];
  const w = chain.forwardWorkspace?.[i] ?? 0;
  if (savesContextOnly(chain, i, j)) return held + o[j] + Math.max(o[i], w);
  return held + o[i + 1] + Math.max(o[i], o[j] + w);
}

/** Cost of a `save` node on `[i, j)` outside its `rest`: its forward and its backward. */
export function saveCost(chain: Chain, i: number, j: number, lean = false): number {
  const forward = savesContextOnly(chain, i, j) ? contextCost(chain, i) : chain.forwardCost[i];
  return forward + backwardCostOf(chain, i, lean);
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
  if (tree.kind === "save" && savesContextOnly(chain, i, j)) {
    return { peakBytes: saveBytes(chain, i, j), computeCost: saveCost(chain, i, j) };
  }
  if (tree.kind === "save") {
    const rest = measureTree(chain, tree.rest, i + 1, j);
    const lean = tree.lean === true;
    const held = o[i] + heldContextBytes(chain, i, lean);
    return {
      peakBytes: Math.max(held + rest.peakBytes, saveBytes(chain, i, j)),
      computeCost: saveCost(chain, i, j, lean) + rest.computeCost,
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
