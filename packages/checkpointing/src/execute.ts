// execute(): runs a schedule over real stages, holding exactly the values the accounting on
// `Chain` counts, and returns the output and the input gradient.

import type { Operation } from "./operation.js";
import { replay } from "./simulate.js";
import type { Stage } from "./stage.js";
import { stageRandom } from "./stage-random.js";

/** Options of `execute()`. */
export interface ExecuteOptions {
  /**
   * Seeds the random streams of the stages (`stageRandom(seed, stage)`); pass a new one each
   * step for fresh dropout masks. Default: drawn from `Math.random()`.
   */
  readonly seed?: number;
}

/** What `execute()` returns. */
export interface Execution<Output = unknown, InputGradient = unknown> {
  /** The last stage's output, from its first forward. */
  readonly output: Output;
  /** The gradient of the chain's input, `δ[0]`. */
  readonly inputGradient: InputGradient;
}

const FN = "execute()";

/**
 * Runs `schedule.ops` (from `plan()`) over `stages`, starting from `input`. Parameter gradients
 * accumulate inside the stages; they and the input gradient are the same, bit for bit, whatever
 * the schedule, as long as each stage is deterministic given its input and `rng`.
 *
 * @example
 * ```ts
 * const schedule = plan(chain, { strategy: "optimal", budgetBytes: 64 << 20 });
 * const { output: loss, inputGradient } = await execute(stages, batch, schedule, undefined, {
 *   seed: step,
 * });
 * ```
 * @throws Error before running anything when the operations are not a valid schedule for
 * `stages.length` stages (the rules of `simulate()`).
 */
export async function execute<Output = unknown, InputGradient = unknown>(
  stages: readonly Stage[],
  input: unknown,
  schedule: { readonly ops: readonly Operation[] },
  outputGradient?: unknown,
  options: ExecuteOptions = {},
): Promise<Execution<Output, InputGradient>> {
  if (!Array.isArray(stages) || stages.length === 0) {
    throw new TypeError(`${FN}: stages must be a non-empty array of stages, got ${String(stages)}`);
  }
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  if (!Number.isInteger(seed)) {
    throw new RangeError(`${FN}: options.seed must be an integer, got ${String(seed)}`);
  }
  const n = stages.length;
  const zeros = new Array<number>(n).fill(0);
  const shape = { forwardCost: zeros, backwardCost: zeros, contextBytes: zeros };
  const lean = { leanContextBytes: zeros, leanBackwardCost: zeros }; // lean saves allowed
  replay(FN, { ...shape, ...lean, outputBytes: [...zeros, 0] }, schedule?.ops);

  const activations = new Map<number, unknown>([[0, input]]);
  const contexts = new Map<number, unknown>();
  // Activation a (a ≥ 1) is stage a−1's output: it goes back to that stage when dropped.
  const drop = (a: number): void => {
    const value = activations.get(a);
    activations.delete(a);
    if (a > 0) stages[a - 1].release?.(value);
  };
  let gradient = outputGradient;
  let output: unknown;
  let haveOutput = false;
  for (const op of schedule.ops) {
    if (op.type === "free") {
      drop(op.activation);
    } else if (op.type === "backward") {
      const s = op.stage;
      const gradIn = gradient;
      gradient = await stages[s].backward(contexts.get(s), activations.get(s), gradIn);
      if (s + 1 < n) stages[s + 1].release?.(gradIn); // the last stage's is the caller's
      drop(s);
      contexts.delete(s);
    } else {
      const s = op.stage;
      const contextOnly = op.type === "forward-context";
      const lean = op.type === "forward-save-lean";
      const save = contextOnly || lean || op.type === "forward-save";
      const result = await stages[s].forward(activations.get(s), {
        save,
        output: !contextOnly,
        ...(lean ? { lean } : {}),
        rng: stageRandom(seed, s),
      });
      if (save) contexts.set(s, result.context);
      if (contextOnly) {
        if (result.output !== undefined) stages[s].release?.(result.output);
        continue;
      }
      if (s + 1 < n) activations.set(s + 1, result.output);
      else if (!haveOutput) [output, haveOutput] = [result.output, true];
      else stages[s].release?.(result.output); // a recomputed final output: the first is kept
      if (op.type === "forward") drop(s);
    }
  }
  return { output: output as Output, inputGradient: gradient as InputGradient };
}
