// simulate(): replays a list of operations value by value, with its own bookkeeping of what is
// alive, and checks the list is valid. Independent of how the planner predicts its numbers.

import {
  backwardCostOf,
  type Chain,
  chainLength,
  contextCost,
  forwardWorkspace,
  heldContextBytes,
} from "./chain.js";
import { describeOperation, type Operation } from "./operation.js";

/** What a replay measured. */
export interface Simulation {
  /** Peak bytes over the run, per the accounting on `Chain`. */
  readonly peakBytes: number;
  /** Sum of the costs of every forward and backward run. */
  readonly computeCost: number;
}

const FN = "simulate()";

/**
 * Replays `ops` on `chain` and measures them.
 *
 * @example
 * ```ts
 * const { peakBytes, computeCost } = simulate(chain, plan(chain, { strategy: "sqrt" }).ops);
 * ```
 * @throws Error when the list is invalid: a value used when not in memory, a value computed when
 * already there, a backward out of order, or values other than `δ[0]` left at the end.
 */
export function simulate(chain: Chain, ops: readonly Operation[]): Simulation {
  return replay(FN, chain, ops);
}

/** `simulate()` with errors naming `fn`: the one validity check `execute()` also runs. */
export function replay(fn: string, chain: Chain, ops: readonly Operation[]): Simulation {
  const n = chainLength(fn, chain);
  if (!Array.isArray(ops)) throw new TypeError(`${fn}: ops must be an array, got ${String(ops)}`);
  const size = chain.outputBytes;
  const workspace = forwardWorkspace(chain);
  const activation = new Array<boolean>(n + 1).fill(false);
  const kept = new Array<boolean>(n + 1).fill(false); // checkpoints: inputs a forward kept
  const context = new Array<boolean>(n).fill(false);
  const lean = new Array<boolean>(n).fill(false); // which alive contexts are lean
  activation[0] = true;
  let gradient = n; // δ[gradient] is the one gradient alive
  let memory = size[0] + size[n];
  let peak = memory;
  let computeCost = 0;

  ops.forEach((op, index) => {
    if (op === null || typeof op !== "object") {
      throw new TypeError(`${fn}: ops[${index}] must be an operation, got ${String(op)}`);
    }
    const fail = (why: string): never => {
      throw new Error(`${fn}: ops[${index}] ${describeOperation(op)} ${why}`);
    };

    if (op.type === "free") {
      const j = op.activation;
      if (!Number.isInteger(j) || j < 0 || j > n || !activation[j])
        fail(`frees a[${j}], not in memory`);
      if (kept[j]) fail(`frees a[${j}], a checkpoint kept until backward(${j})`);
      activation[j] = false;
      memory -= size[j];
      return;
    }
    const s = op.stage;
    if (!Number.isInteger(s) || s < 0 || s >= n) fail(`names no stage of the ${n}`);
    if (op.type === "backward") {
      if (gradient !== s + 1) fail(`runs out of order: the gradient alive is δ[${gradient}]`);
      if (!activation[s]) fail(`needs its input a[${s}], not in memory`);
      if (!context[s]) fail(`needs the context c[${s}], not in memory`);
      // From a lean context the backward rebuilds the rest of it while it runs.
      const rebuilt = lean[s] ? chain.contextBytes[s] - heldContextBytes(chain, s, true) : 0;
      peak = Math.max(peak, memory + size[s] + rebuilt);
      // a[s], c[s], δ[s + 1] go; δ[s], as big as a[s], comes
      memory -= heldContextBytes(chain, s, lean[s]) + size[s + 1];
      computeCost += backwardCostOf(chain, s, lean[s]);
      activation[s] = kept[s] = context[s] = lean[s] = false;
      gradient = s;
      return;
    }
    if (op.type === "forward-context") {
      if (s === n - 1) fail("cannot skip the last stage's output, which goes to the caller");
      if (gradient !== s + 1) fail(`needs δ[${s + 1}] alive, not δ[${gradient}]`);
      if (!activation[s]) fail(`needs its input a[${s}], not in memory`);
      if (context[s]) fail(`computes c[${s}], already in memory`);
      peak = Math.max(peak, memory + chain.contextBytes[s] + workspace[s]);
      memory += chain.contextBytes[s];
      context[s] = kept[s] = true;
      computeCost += contextCost(chain, s);
      return;
    }
    const isLean = op.type === "forward-save-lean";
    const save = op.type === "forward-save" || isLean;
    if (!save && op.type !== "forward" && op.type !== "forward-checkpoint")
      fail("has an unknown type");
    if (isLean && chain.leanContextBytes === undefined) fail("needs a chain with lean contexts");
    if (!activation[s]) fail(`needs its input a[${s}], not in memory`);
    if (s + 1 < n && activation[s + 1]) fail(`computes a[${s + 1}], already in memory`);
    if (save && context[s]) fail(`computes c[${s}], already in memory`);
    if (op.type === "forward" && kept[s]) {
      fail(`frees its input a[${s}], a checkpoint kept until backward(${s})`);
    }
    // A lean save builds the whole context while it runs and keeps the lean part.
    const extra = save ? chain.contextBytes[s] : 0;
    peak = Math.max(peak, memory + size[s + 1] + extra + workspace[s]);
    memory += (save ? heldContextBytes(chain, s, isLean) : 0) + (s + 1 < n ? size[s + 1] : 0);
    if (s + 1 < n) activation[s + 1] = true;
    if (save) [context[s], lean[s]] = [true, isLean];
    if (op.type === "forward") {
      activation[s] = false;
      memory -= size[s];
    } else kept[s] = true;
    computeCost += chain.forwardCost[s];
  });

  if (gradient !== 0) throw new Error(`${fn}: ops end before backward(0); δ[${gradient}] is left`);
  const left = activation.findIndex(Boolean);
  if (left >= 0) throw new Error(`${fn}: ops end with a[${left}] still in memory`);
  const leftContext = context.findIndex(Boolean);
  if (leftContext >= 0) throw new Error(`${fn}: ops end with c[${leftContext}] still in memory`);
  return { peakBytes: peak, computeCost };
}
