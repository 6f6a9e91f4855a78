// plan(): turns a chain's costs and a strategy (or a byte budget) into a schedule of operations,
// with the planner's own prediction of its peak bytes and compute.

import { BudgetTooSmallError } from "./budget-too-small-error.js";
import { type Chain, chainLength } from "./chain.js";
import { regionsTree, segmentStarts, sqrtSegments, storeAllTree } from "./checkpoint-regions.js";
import { minimumPeak } from "./minimum-peak.js";
import type { Operation } from "./operation.js";
import { optimalTree } from "./optimal.js";
import { revolveTree } from "./revolve.js";
import { measureTree, type ScheduleTree, treeOperations } from "./schedule-tree.js";

/** The strategies `plan()` knows. */
export const strategies = [
  "store-all",
  "checkpoints",
  "segments",
  "sqrt",
  "revolve",
  "optimal",
] as const;

/** One of `strategies`. */
export type Strategy = (typeof strategies)[number];

/**
 * What to plan. `budgetBytes` is required by `optimal`; with the other strategies it is a check
 * (their schedule is fixed, and a peak above it throws `BudgetTooSmallError`).
 * - `store-all`: no recomputation.
 * - `checkpoints`: keep the inputs of the listed stages (stage 0's always), recompute each region
 *   once in backward (PyTorch `checkpoint`).
 * - `segments`: `segments` regions `⌊n / segments⌋` stages apart (PyTorch `checkpoint_sequential`).
 * - `sqrt`: `round(√n)` segments (Chen et al. 2016).
 * - `revolve`: Griewank's binomial schedule for equal stages with `slots` activations stored at
 *   once (the input included), besides the one being differentiated.
 * - `optimal`: the least compute under `budgetBytes` (Rotor), memory discretised in
 *   `memorySlots` slots (default 500).
 */
export type PlanOptions =
  | { readonly strategy: "store-all"; readonly budgetBytes?: number }
  | {
      readonly strategy: "checkpoints";
      readonly checkpoints: readonly number[];
      readonly budgetBytes?: number;
    }
  | { readonly strategy: "segments"; readonly segments: number; readonly budgetBytes?: number }
  | { readonly strategy: "sqrt"; readonly budgetBytes?: number }
  | { readonly strategy: "revolve"; readonly slots: number; readonly budgetBytes?: number }
  | { readonly strategy: "optimal"; readonly budgetBytes: number; readonly memorySlots?: number };

/** A schedule and what the planner predicts for it (per the accounting on `Chain`). */
export interface Plan {
  readonly strategy: Strategy;
  /** The operations, run in order by `execute()`; replayed by `simulate()`. */
  readonly ops: Operation[];
  /** Peak bytes over the whole run. */
  readonly peakBytes: number;
  /** Sum of the costs of every forward and backward run, recomputations included. */
  readonly computeCost: number;
}

const FN = "plan()";

/**
 * Plans a schedule for `chain`.
 *
 * @example
 * ```ts
 * const chain = { forwardCost: [1, 1, 1, 1], backwardCost: [2, 2, 2, 2],
 *   outputBytes: [1, 4, 4, 4, 1], contextBytes: [8, 8, 8, 8] };
 * const { ops, peakBytes, computeCost } = plan(chain, { strategy: "optimal", budgetBytes: 30 });
 * ```
 * @throws BudgetTooSmallError when no schedule of the strategy fits `budgetBytes`.
 */
export function plan(chain: Chain, options: PlanOptions): Plan {
  const n = chainLength(FN, chain);
  if (options === null || typeof options !== "object") {
    throw new TypeError(`${FN}: options must be an object, got ${String(options)}`);
  }
  const { strategy, budgetBytes } = options;
  if (budgetBytes !== undefined || strategy === "optimal") {
    if (typeof budgetBytes !== "number" || Number.isNaN(budgetBytes) || budgetBytes < 0) {
      throw new RangeError(`${FN}: budgetBytes must be a number >= 0, got ${String(budgetBytes)}`);
    }
  }
  const tree = strategyTree(chain, n, options);
  const { peakBytes, computeCost } = measureTree(chain, tree, 0, n);
  if (budgetBytes !== undefined && peakBytes > budgetBytes) {
    throw new BudgetTooSmallError(FN, budgetBytes, peakBytes);
  }
  return { strategy, ops: treeOperations(chain, tree, 0, n), peakBytes, computeCost };
}

function strategyTree(chain: Chain, n: number, options: PlanOptions): ScheduleTree {
  switch (options.strategy) {
    case "store-all":
      return storeAllTree(0, n);
    case "checkpoints":
      return regionsTree(n, checkpointList(n, options.checkpoints));
    case "segments":
      return regionsTree(n, segmentStarts(n, count("segments", options.segments, n)));
    case "sqrt":
      return regionsTree(n, segmentStarts(n, sqrtSegments(n)));
    case "revolve":
      return revolveTree(0, n, count("slots", options.slots, Number.POSITIVE_INFINITY));
    case "optimal":
      return optimal(chain, n, options.budgetBytes, options.memorySlots ?? 500);
    default:
      throw new RangeError(
        `${FN}: options.strategy must be one of ${strategies.join(", ")}, got ${String((options as { strategy: unknown }).strategy)}`,
      );
  }
}

function optimal(chain: Chain, n: number, budgetBytes: number, memorySlots: number): ScheduleTree {
  count("memorySlots", memorySlots, Number.POSITIVE_INFINITY);
  const storeAll = storeAllTree(0, n);
  if (measureTree(chain, storeAll, 0, n).peakBytes <= budgetBytes) return storeAll;
  const least = minimumPeak(chain);
  if (least.peakBytes > budgetBytes)
    throw new BudgetTooSmallError(FN, budgetBytes, least.peakBytes);
  const tree = optimalTree(chain, budgetBytes, memorySlots);
  // Rounding to slots may leave nothing (or, by float error, a hair too much): then the
  // least-peak schedule, which fits by the check above.
  if (tree === null || measureTree(chain, tree, 0, n).peakBytes > budgetBytes) return least.tree;
  return tree;
}

function count(name: string, value: unknown, max: number): number {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > max) {
    const range = max === Number.POSITIVE_INFINITY ? ">= 1" : `in [1, ${max}]`;
    throw new RangeError(
      `${FN}: options.${name} must be an integer ${range}, got ${String(value)}`,
    );
  }
  return value as number;
}

function checkpointList(n: number, checkpoints: readonly number[]): number[] {
  if (!Array.isArray(checkpoints)) {
    throw new TypeError(
      `${FN}: options.checkpoints must be an array of stage indices, got ${String(checkpoints)}`,
    );
  }
  for (const stage of checkpoints) {
    if (!Number.isInteger(stage) || stage < 0 || stage >= n) {
      throw new RangeError(
        `${FN}: options.checkpoints entries must be integers in [0, ${n - 1}], got ${String(stage)}`,
      );
    }
  }
  return [...new Set([0, ...checkpoints])].sort((a, b) => a - b);
}
