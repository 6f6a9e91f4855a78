// Training under a byte budget: measure what each stage's output and context weigh (one forward,
// stage by stage, so measuring never holds more than one context), ask `@kairos/checkpointing` for
// the least-recompute schedule that fits, and run it with its executor. The budget bounds what the
// `Chain` accounting counts — activations, contexts, the gradient in flight — not the weights.
import { BudgetTooSmallError, type Chain, type Plan, plan } from "@kairos/checkpointing";
import type { ModelStage, StageOptions } from "../model/stage.js";
import { noRandom, outputOf } from "../model/stage.js";
import { parseBytes } from "./parse-bytes.js";
import { type StepRunner, scheduledRunner, storeAllRunner } from "./step-runner.js";

/** Memory options of training. */
export interface MemoryOptions {
  /** Activation budget in bytes or a string like "256MB". */
  memoryBudget?: number | string;
  /** `none`: keep every context; `sqrt`: √n segments; `optimal`: least recompute under the budget (default with a budget). */
  checkpointing?: "none" | "sqrt" | "optimal";
}

/** Every key of {@link MemoryOptions}, as unknown-option errors list them. */
export const MEMORY_OPTION_KEYS: readonly (keyof MemoryOptions)[] = [
  "memoryBudget",
  "checkpointing",
];

/** A step runner that plans once for the batch shape it is prepared with. */
export interface MemoryRunner extends StepRunner {
  /** Measures the chain and plans; returns the planned peak bytes (null when nothing is planned). */
  prepare(stages: ModelStage[], input: Int32Array | Float32Array): Promise<number | null>;
  /** The plan in use, after `prepare`. */
  readonly plan: Plan | null;
  /** The measured chain, after `prepare`. */
  readonly chain: Chain | null;
}

/**
 * Measures a chain's bytes (exact) and costs (milliseconds, best of three after a warm-up run).
 * Each timed forward's context is consumed by a timed backward on a zero output gradient (which
 * adds nothing to any parameter gradient), so backward costs are measured too, and measuring
 * holds one context at a time. Also timed: context forwards (`output: false`, checkpointing's
 * `contextForwardCost`) and, where a stage's lean save keeps less (attention), its lean context's
 * bytes and the backward that rebuilds the rest (`leanContextBytes`, `leanBackwardCost`). Where a
 * stage names its pool (`memory`), the forward's workspace — what it holds only while running,
 * beyond its output and context — is measured too, in every mode, and the largest kept.
 */
export async function measureChain(
  stages: ModelStage[],
  input: Int32Array | Float32Array,
): Promise<Chain> {
  const n = stages.length;
  const outputBytes = [input.byteLength];
  const chain = {
    forwardCost: [] as number[],
    backwardCost: [] as number[],
    contextBytes: [] as number[],
    contextForwardCost: [] as number[],
    leanContextBytes: [] as number[],
    leanBackwardCost: [] as number[],
    forwardWorkspace: stages.map(() => 0),
  };
  // One untimed pass without saving first: the first call of each kernel pays for JIT
  // compilation, which would make the first stage of each kind look dearer than its twins.
  let a: Float32Array | Int32Array = input;
  for (const [i, s] of stages.entries()) {
    const output = outputOf(await forwardIn(s, i, a, { save: false, rng: noRandom }, chain));
    if (i > 0) stages[i - 1].release?.(a as Float32Array);
    a = output;
  }
  a = input;
  for (const [i, s] of stages.entries()) {
    const full = await timeStep(s, i, a, {}, chain);
    chain.forwardCost.push(full.forward);
    chain.backwardCost.push(full.backward);
    chain.contextBytes.push(full.bytes);
    // The last stage's output is the caller's: it never runs a context forward.
    const last = i === n - 1;
    chain.contextForwardCost.push(
      last ? full.forward : (await timeStep(s, i, a, { output: false }, chain)).forward,
    );
    const lean = await timeStep(s, i, a, { lean: true }, chain);
    const offersLean = lean.bytes < full.bytes; // others ignore `lean`: never worth picking
    chain.leanContextBytes.push(offersLean ? lean.bytes : full.bytes);
    chain.leanBackwardCost.push(offersLean ? lean.backward : full.backward);
    const output = outputOf(await s.forward(a, { save: false, rng: noRandom }));
    outputBytes.push(output.byteLength);
    if (i > 0) stages[i - 1].release?.(a as Float32Array);
    a = output;
  }
  return { ...chain, outputBytes };
}

/** Runs a forward and records its workspace: the pool's peak over what stays live after it. */
async function forwardIn(
  s: ModelStage,
  i: number,
  a: Float32Array | Int32Array,
  options: StageOptions,
  chain: { forwardWorkspace: number[] },
) {
  s.memory?.resetPeak();
  const f = await s.forward(a, options);
  if (s.memory) {
    const w = s.memory.peakLiveBytes - s.memory.liveBytes;
    chain.forwardWorkspace[i] = Math.max(chain.forwardWorkspace[i], w);
  }
  return f;
}

/**
 * Saving forward (`mode`: context-only or lean) then backward of stage `i` on a zero output
 * gradient, four times; the fastest of the last three of each, and the context's bytes.
 */
async function timeStep(
  s: ModelStage,
  i: number,
  a: Float32Array | Int32Array,
  mode: Pick<StageOptions, "output" | "lean">,
  chain: { forwardWorkspace: number[] },
) {
  const best = { forward: Number.POSITIVE_INFINITY, backward: Number.POSITIVE_INFINITY, bytes: 0 };
  let dOutput: Float32Array | null = null;
  for (let r = 0; r < 4; r++) {
    const t0 = performance.now();
    const f = await forwardIn(s, i, a, { save: true, rng: noRandom, ...mode }, chain);
    const t1 = performance.now();
    best.bytes = f.context?.bytes ?? 0;
    if (f.output) {
      dOutput ??= new Float32Array(f.output.length);
      s.release?.(f.output);
    }
    if (!dOutput) {
      // A context forward builds no output: size its gradient from a full forward's.
      const output = outputOf(await s.forward(a, { save: false, rng: noRandom }));
      dOutput = new Float32Array(output.length);
      s.release?.(output);
    }
    const t2 = performance.now();
    const dx = await s.backward(f.context ?? { bytes: 0 }, a, dOutput);
    const t3 = performance.now();
    if (i > 0) s.release?.(dx);
    if (r > 0) {
      best.forward = Math.min(best.forward, Math.max(1e-3, t1 - t0));
      best.backward = Math.min(best.backward, Math.max(1e-3, t3 - t2));
    }
  }
  return best;
}

const STRATEGIES = ["none", "sqrt", "optimal"];

/** The runner for `options`: store-all when neither a budget nor a strategy is given. */
export function memoryRunner(options: MemoryOptions, fn = "memoryRunner()"): MemoryRunner {
  const { memoryBudget, checkpointing } = options;
  if (checkpointing !== undefined && !STRATEGIES.includes(checkpointing)) {
    throw new RangeError(
      `${fn}: checkpointing must be "none", "sqrt" or "optimal", got ${JSON.stringify(checkpointing)}`,
    );
  }
  const budget =
    memoryBudget === undefined ? undefined : parseBytes(memoryBudget, "memoryBudget", fn);
  const strategy = checkpointing ?? (budget !== undefined ? "optimal" : "none");
  if (strategy === "optimal" && budget === undefined) {
    throw new RangeError(`${fn}: checkpointing "optimal" needs a memoryBudget, got none`);
  }
  let current: Plan | null = null;
  let chain: Chain | null = null;
  let inner: StepRunner = storeAllRunner;
  const runner: MemoryRunner = {
    get plan() {
      return current;
    },
    get chain() {
      return chain;
    },
    async prepare(stages, input) {
      if (strategy === "none" && budget === undefined) return null;
      chain = await measureChain(stages, input);
      try {
        current =
          strategy === "optimal"
            ? plan(chain, { strategy: "optimal", budgetBytes: budget as number })
            : strategy === "sqrt"
              ? plan(chain, { strategy: "sqrt", budgetBytes: budget })
              : plan(chain, { strategy: "store-all", budgetBytes: budget });
      } catch (error) {
        if (error instanceof BudgetTooSmallError) {
          const message = `${fn}: memoryBudget must be at least ${error.minimumBytes} bytes for this model and batch with checkpointing "${strategy}", got ${budget}`;
          // `minimumBytes` lets a caller retry with the least budget that fits.
          throw Object.assign(new RangeError(message), { minimumBytes: error.minimumBytes });
        }
        throw error;
      }
      const ops = current;
      inner = scheduledRunner(() => ops);
      return current.peakBytes;
    },
    async run(stages, input, dLoss, seed) {
      if (!chain && (strategy !== "none" || budget !== undefined))
        await runner.prepare(stages, input);
      return inner.run(stages, input, dLoss, seed);
    },
  };
  return runner;
}
