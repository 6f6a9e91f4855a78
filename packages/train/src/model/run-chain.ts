// Running a model's chain of stages without a checkpointing schedule: a forward-only loss
// (nothing kept), and loss + backward with every context kept. The Llama and T5 models' `loss`
// and `lossAndBackward` are these over their stages.
import { type ModelStage, noRandom, outputOf } from "./stage.js";

/** The last stage's `[loss]` of a forward through `stages` from `input`, each stage's output released once read. */
export async function chainLoss(
  stages: ModelStage[],
  input: Int32Array | Float32Array,
): Promise<number> {
  let a: Float32Array | Int32Array = input;
  for (const [i, s] of stages.entries()) {
    const output = outputOf(await s.forward(a, { save: false, rng: noRandom }));
    if (i > 0) stages[i - 1].release?.(a as Float32Array); // back to the pool once read
    a = output;
  }
  return a[0];
}

/**
 * Loss and gradients with every context kept (no recomputation); gradients accumulate, scaled
 * by dLoss. `rng(stage)` gives each stage its random stream (dropout), as the executor does.
 */
export async function chainLossAndBackward(
  stages: ModelStage[],
  input: Int32Array | Float32Array,
  dLoss = 1,
  rng?: (stage: number) => () => number,
): Promise<number> {
  const contexts: { bytes: number }[] = [];
  const inputs: (Float32Array | Int32Array)[] = [input];
  for (const [i, s] of stages.entries()) {
    const f = await s.forward(inputs[i], { save: true, rng: rng ? rng(i) : noRandom });
    contexts.push(f.context as { bytes: number });
    inputs.push(outputOf(f));
  }
  const loss = inputs[stages.length][0];
  let d: Float32Array = Float32Array.of(dLoss);
  for (let i = stages.length - 1; i >= 0; i--)
    d = await stages[i].backward(contexts[i], inputs[i], d);
  return loss;
}
