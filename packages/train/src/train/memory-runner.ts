// Training under a byte budget: measure what each stage's output and context weigh (one forward,
// stage by stage, so measuring never holds more than one context), ask `@kairos/checkpointing` for
// the least-recompute schedule that fits, and run it with its executor. The budget bounds what the
// `Chain` accounting counts — activations, contexts, the gradient in flight — not the weights.
import { BudgetTooSmallError, type Chain, type Plan, plan } from "@kairos/checkpointing";
import type { ModelStage } from "../model/stage.js";
import { noRandom } from "../model/stage.js";
import { parseBytes } from "./parse-bytes.js";
import { type StepRunner, scheduledRunner, storeAllRunner } from "./step-runner.js";

/** Memory options of training. */
export interface MemoryOptions {
  /** Activation budget in bytes or a string like "256MB". */
  memoryBudget?: number | string;
  /** `none`: keep every context; `sqrt`: √n segments; `optimal`: least recompute under the budget (default with a budget). */
  checkpointing?: "none" | "sqrt" | "optimal";
}

/** A step runner that plans once for the batch shape it is prepared with. */
export interface MemoryRunner extends StepRunner {
  /** Measures the chain and plans; returns the planned peak bytes (null when nothing is planned). */
  prepare(stages: ModelStage[], input: Int32Array): Promise<number | null>;
  /** The plan in use, after `prepare`. */
  readonly plan: Plan | null;
  /** The measured chain, after `prepare`. */
  readonly chain: Chain | null;
}

/**
 * Measures a chain's bytes (exact) and costs (milliseconds of one forward, best of three after a
 * warm-up pass; backward taken as 2×, which does not change the plan: each backward runs once).
 * Stage by stage, so measuring never holds more than one context. Where a stage names its pool
 * (`memory`), the forward's workspace — what it holds only while running, beyond its output and
 * context — is measured too, in both modes, and the larger kept.
 */
export async function measureChain(stages: ModelStage[], input: Int32Array): Promise<Chain> {
  const outputBytes = [input.byteLength];
  const contextBytes: number[] = [];
  const forwardCost: number[] = [];
  const forwardWorkspace: number[] = stages.map(() => 0);
  /** Runs a forward and records its workspace: the pool's peak over what stays live after it. */
  const run = async (s: ModelStage, i: number, a: Float32Array | Int32Array, save: boolean) => {
    s.memory?.resetPeak();
    const f = await s.forward(a, { save, rng: noRandom });
    if (s.memory) {
      const w = s.memory.peakLiveBytes - s.memory.liveBytes;
      forwardWorkspace[i] = Math.max(forwardWorkspace[i], w);
    }
    return f;
  };
  // One untimed pass without saving first: the first call of each kernel pays for JIT
  // compilation, which would make the first stage of each kind look dearer than its twins.
  let a: Float32Array | Int32Array = input;
  for (const [i, s] of stages.entries()) a = (await run(s, i, a, false)).output;
  a = input;
  for (const [i, s] of stages.entries()) {
    // Each forward runs three times and the fastest counts (noise only adds time).
    let best = Number.POSITIVE_INFINITY;
    let f = await run(s, i, a, true);
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      f = await s.forward(a, { save: true, rng: noRandom });
      best = Math.min(best, performance.now() - t0);
    }
    forwardCost.push(Math.max(1e-3, best));
    contextBytes.push(f.context?.bytes ?? 0);
    outputBytes.push(f.output.byteLength);
    a = f.output;
  }
  const backwardCost = forwardCost.map((c) => 2 * c);
  return { forwardCost, backwardCost, outputBytes, contextBytes, forwardWorkspace };
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
