// How one forward+backward of the stage chain runs: every stage keeps its context (store-all), or
// a schedule from `@kairos/checkpointing` recomputes some forwards to fit a byte budget. Either way
// `execute` gives each stage the random stream stageRandom(seed, stage), so dropout replays.
import { type Chain, execute, type Plan, plan } from "@kairos/checkpointing";
import type { ModelStage } from "../model/stage.js";

/** Runs the chain once, accumulating parameter gradients scaled by `dLoss`; returns the loss. */
export interface StepRunner {
  run(
    stages: ModelStage[],
    input: Int32Array | Float32Array,
    dLoss: number,
    seed: number,
  ): Promise<number>;
}

function zeroChain(n: number): Chain {
  return {
    forwardCost: new Array(n).fill(1),
    backwardCost: new Array(n).fill(1),
    outputBytes: new Array(n + 1).fill(0),
    contextBytes: new Array(n).fill(0),
  };
}

/** Runs a fixed schedule (from `plan`) over the stages. */
export function scheduledRunner(schedule: (n: number) => Pick<Plan, "ops">): StepRunner {
  const dOutput = new Float32Array(1); // the loss gradient, reused: a step allocates nothing
  return {
    async run(stages, input, dLoss, seed) {
      dOutput[0] = dLoss;
      const { output } = await execute<Float32Array>(
        stages,
        input,
        schedule(stages.length),
        dOutput,
        { seed },
      );
      return output[0];
    },
  };
}

/** Every context kept, no recomputation. */
export const storeAllRunner: StepRunner = scheduledRunner((n) =>
  plan(zeroChain(n), { strategy: "store-all" }),
);
