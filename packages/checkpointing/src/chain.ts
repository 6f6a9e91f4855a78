// The chain model: what a stage costs and what each value weighs in memory. The planner, the
// simulator and the executor all follow the memory accounting documented on `Chain`.

/**
 * The costs of a chain of `n` stages, the only thing the planner knows of a model.
 *
 * Stage `s` (0-based) maps activation `a[s]` to `a[s + 1]`; `a[0]` is the chain's input and
 * `a[n]` its output. The gradient of `a[j]` is written `δ[j]` and weighs as much as `a[j]`.
 *
 * ## Memory accounting
 * The memory at any moment is the sum of the bytes of the values alive at that moment:
 * - an activation `a[j]`: `outputBytes[j]`;
 * - a context `c[s]` (what stage `s` keeps for its backward, beyond its input, when its forward
 *   runs in saving mode): `contextBytes[s]`;
 * - the one gradient flowing back, `δ[j]`: `outputBytes[j]`.
 *
 * At the start `a[0]` and the gradient seed `δ[n]` are alive (the caller holds both). While an
 * operation runs, its inputs and its outputs are alive together; the peak is the largest
 * memory over all operations. Per operation (`M` = memory before it):
 * - forward of `s` (any mode): `M + outputBytes[s + 1]`, plus `contextBytes[s]` in saving mode.
 *   Afterwards `a[s + 1]` stays, except `a[n]`, which goes to the caller at once.
 * - backward of `s`: needs `a[s]`, `c[s]`, `δ[s + 1]`; runs at `M + outputBytes[s]` (the new
 *   `δ[s]`); afterwards `a[s]`, `c[s]` and `δ[s + 1]` are gone.
 * - free of `a[j]`: `M - outputBytes[j]`.
 *
 * Checkpoints are persistent, as in Rotor: an input kept by a forward (`forward-checkpoint` or
 * `forward-save` of `s`) stays until backward of `s`; neither `free` nor a `forward` that frees
 * its input may drop it. A value cannot be computed while it is in memory.
 *
 * Workspace: `forwardWorkspace[s]` (optional, default 0) is what the forward of `s` holds only
 * while it runs, beyond its output and context (temporaries it gives back before returning): the
 * forward's peak is `M + outputBytes[s + 1] + forwardWorkspace[s]` (+ the context when saving).
 * A backward's temporaries are not modelled; fold them into `contextBytes` if they matter.
 *
 * Context forwards: with `contextForwardCost`, the chain promises that every stage can run a
 * saving forward that builds only its context (`execute()` passes `output: false`). Schedules then
 * use one, `forward-context`, for the saving forward right before a stage's backward: `δ[s + 1]`
 * already exists there, so `a[s + 1]` would be built only to be freed (a projection and a residual
 * add in a transformer block). It costs `contextForwardCost[s]` and runs at
 * `M + contextBytes[s] + forwardWorkspace[s]`, without the output.
 *
 * Lean contexts: with `leanContextBytes` and `leanBackwardCost`, a stage can also save a lean
 * context (`forward-save-lean`; `execute()` passes `lean: true`): it keeps `leanContextBytes[s]`
 * until its backward, which rebuilds the rest itself (attention keeps its output and log-sum-exps
 * and recomputes the cheap q/k/v projections, not the softmax) at `leanBackwardCost[s]`. The
 * forward runs as a saving one (the whole context is alive while it runs) and so does the
 * backward (the rebuilt part, `contextBytes[s] − leanContextBytes[s]`, is alive while it runs):
 * the peaks of both are those of a full save; only what waits in between is smaller. A stage
 * without a lean mode gives its full numbers, and the planner never picks it.
 *
 * @example
 * ```ts
 * // three stages: 4 bytes in, 8-byte activations, 16-byte contexts, a 4-byte loss out
 * const chain: Chain = {
 *   forwardCost: [1, 1, 1],
 *   backwardCost: [2, 2, 2],
 *   outputBytes: [4, 8, 8, 4],
 *   contextBytes: [16, 16, 16],
 * };
 * ```
 */
export interface Chain {
  /** Time of each stage's forward, length `n`, in any unit (FLOPs, ms). */
  readonly forwardCost: readonly number[];
  /** Time of each stage's backward, length `n`, in the same unit. */
  readonly backwardCost: readonly number[];
  /** Bytes of each activation `a[0] … a[n]`, length `n + 1`; `outputBytes[0]` is the input. */
  readonly outputBytes: readonly number[];
  /** Bytes each stage keeps for its backward beyond its input when saving, length `n`. */
  readonly contextBytes: readonly number[];
  /** Bytes each stage's forward uses only while it runs, length `n` (default all 0). */
  readonly forwardWorkspace?: readonly number[];
  /**
   * Time of each stage's context-only forward, length `n`, in the cost unit (see "Context
   * forwards"); absent: stages always build their output and schedules never skip it.
   */
  readonly contextForwardCost?: readonly number[];
  /** Bytes of each stage's lean context, length `n`, at most `contextBytes` (see "Lean contexts"). */
  readonly leanContextBytes?: readonly number[];
  /** Time of each stage's backward from a lean context, rebuild included, length `n`. */
  readonly leanBackwardCost?: readonly number[];
}

/** Bytes stage `s` holds from its saving forward to its backward: its lean or full context. */
export function heldContextBytes(chain: Chain, s: number, lean: boolean): number {
  return lean ? (chain.leanContextBytes as readonly number[])[s] : chain.contextBytes[s];
}

/** Cost of stage `s`'s backward from a lean or full context. */
export function backwardCostOf(chain: Chain, s: number, lean: boolean): number {
  return lean ? (chain.leanBackwardCost as readonly number[])[s] : chain.backwardCost[s];
}

/** Cost of stage `s`'s context-only forward: `contextForwardCost[s]`, else its full forward. */
export function contextCost(chain: Chain, s: number): number {
  return (chain.contextForwardCost ?? chain.forwardCost)[s];
}

/**
 * True when the `save` node of segment `[i, j)` runs a context forward: the chain has them, the
 * node's rest is empty (`j = i + 1`) and its output is not the chain's (`j < n`).
 */
export function savesContextOnly(chain: Chain, i: number, j: number): boolean {
  return chain.contextForwardCost !== undefined && j === i + 1 && j < chain.forwardCost.length;
}

/** `chain.forwardWorkspace`, or zeros when the chain has none. */
export function forwardWorkspace(chain: Chain): readonly number[] {
  return chain.forwardWorkspace ?? new Array<number>(chain.forwardCost.length).fill(0);
}

/** Checks `chain` and returns its number of stages; errors name `fn` and the bad field. */
export function chainLength(fn: string, chain: Chain): number {
  if (chain === null || typeof chain !== "object") {
    throw new TypeError(`${fn}: chain must be an object, got ${String(chain)}`);
  }
  const n = checkList(fn, "forwardCost", chain.forwardCost, -1);
  if (n < 1) throw new RangeError(`${fn}: chain must have at least one stage, got 0`);
  checkList(fn, "backwardCost", chain.backwardCost, n);
  checkList(fn, "contextBytes", chain.contextBytes, n);
  checkList(fn, "outputBytes", chain.outputBytes, n + 1);
  if (chain.forwardWorkspace !== undefined)
    checkList(fn, "forwardWorkspace", chain.forwardWorkspace, n);
  if (chain.contextForwardCost !== undefined)
    checkList(fn, "contextForwardCost", chain.contextForwardCost, n);
  if ((chain.leanContextBytes === undefined) !== (chain.leanBackwardCost === undefined)) {
    throw new TypeError(
      `${fn}: chain.leanContextBytes and chain.leanBackwardCost go together; got only ${chain.leanContextBytes === undefined ? "leanBackwardCost" : "leanContextBytes"}`,
    );
  }
  if (chain.leanContextBytes !== undefined) {
    checkList(fn, "leanContextBytes", chain.leanContextBytes, n);
    checkList(fn, "leanBackwardCost", chain.leanBackwardCost as readonly number[], n);
    chain.leanContextBytes.forEach((bytes, s) => {
      if (bytes > chain.contextBytes[s]) {
        throw new RangeError(
          `${fn}: chain.leanContextBytes[${s}] must be at most contextBytes[${s}] = ${chain.contextBytes[s]}, got ${bytes}`,
        );
      }
    });
  }
  return n;
}

function checkList(fn: string, name: string, list: readonly number[], length: number): number {
  if (!Array.isArray(list)) {
    throw new TypeError(`${fn}: chain.${name} must be an array of numbers, got ${String(list)}`);
  }
  if (length >= 0 && list.length !== length) {
    throw new RangeError(`${fn}: chain.${name} must have ${length} entries, got ${list.length}`);
  }
  list.forEach((value, index) => {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new RangeError(
        `${fn}: chain.${name}[${index}] must be a finite number >= 0, got ${String(value)}`,
      );
    }
  });
  return list.length;
}
