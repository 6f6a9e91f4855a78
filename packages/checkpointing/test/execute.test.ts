import { describe, expect, it } from "vitest";
import {
  type Chain,
  execute,
  type PlanOptions,
  plan,
  type Stage,
  stageRandom,
} from "../src/index.js";
import { type DenseStage, denseStage, squaredLoss } from "./numeric-stages.js";

const d = 5;
const layers = 9;
const bytes = d * 8;
/** The chain the stages below describe: d float64s an activation, tanh + mask kept. */
const chain: Chain = {
  forwardCost: [...new Array(layers).fill(d * d), d],
  backwardCost: [...new Array(layers).fill(2 * d * d), d],
  outputBytes: [...new Array(layers + 1).fill(bytes), 8],
  contextBytes: [...new Array(layers).fill(2 * bytes), 0],
};

function model(async = false): { stages: Stage[]; dense: DenseStage[] } {
  const dense = Array.from({ length: layers }, (_, s) =>
    denseStage(s, d, 0.3, async && s % 2 === 0),
  );
  return { stages: [...dense, squaredLoss as Stage], dense };
}

const input = Float64Array.from({ length: d }, (_, i) => Math.sin(i + 1));

/** The chain run by hand, no executor: forward all with the same streams, then backward. */
function directGradient(dense: DenseStage[], x: Float64Array, seed: number) {
  const inputs: Float64Array[] = [];
  const contexts = [];
  let a = x;
  for (const [s, stage] of dense.entries()) {
    inputs.push(a);
    const { output, context } = stage.forward(a, {
      save: true,
      output: true,
      rng: stageRandom(seed, s),
    }) as {
      output: Float64Array;
      context: unknown;
    };
    contexts.push(context);
    a = output;
  }
  let g: Float64Array = Float64Array.from(a);
  for (let s = dense.length - 1; s >= 0; s--) {
    g = dense[s].backward(contexts[s] as never, inputs[s], g) as Float64Array;
  }
  return { loss: a.reduce((sum, v) => sum + v * v, 0) / 2, inputGradient: g };
}

function schedules(): PlanOptions[] {
  const storeAll = plan(chain, { strategy: "store-all" }).peakBytes;
  let least = 0;
  try {
    plan(chain, { strategy: "optimal", budgetBytes: 0 });
  } catch (error) {
    least = (error as { minimumBytes: number }).minimumBytes;
  }
  const optimal = [0, 0.2, 0.5, 0.8].map((f) => least + Math.round(f * (storeAll - least)));
  return [
    { strategy: "checkpoints", checkpoints: [3, 7] },
    { strategy: "segments", segments: 4 },
    { strategy: "sqrt" },
    { strategy: "revolve", slots: 1 },
    { strategy: "revolve", slots: 3 },
    ...optimal.map((budgetBytes) => ({ strategy: "optimal" as const, budgetBytes })),
  ];
}

describe("execute()", () => {
  it("execute(stages, input, storeAll) matches the chain run by hand, bit for bit", async () => {
    const byHand = model();
    const expected = directGradient(byHand.dense, input, 11);
    const run = model();
    const result = await execute(
      run.stages,
      input,
      plan(chain, { strategy: "store-all" }),
      undefined,
      {
        seed: 11,
      },
    );
    expect(result.output).toBe(expected.loss);
    expect(result.inputGradient).toEqual(expected.inputGradient);
    run.dense.forEach((stage, s) => {
      expect(stage.gW).toEqual(byHand.dense[s].gW);
      expect(stage.gb).toEqual(byHand.dense[s].gb);
    });
  });

  it("execute(stages, input, schedule) gives gradients bit-identical to store-all for every strategy, with dropout, with and without context forwards", async () => {
    const reference = model();
    const storeAll = plan(chain, { strategy: "store-all" });
    const expected = await execute(reference.stages, input, storeAll, undefined, { seed: 5 });
    // The dense stages honour output: false and lean (the mask kept, tanh rebuilt in backward);
    // with contextForwardCost, and lean contexts, the plans use them.
    const contextChain = { ...chain, contextForwardCost: chain.forwardCost.map((f) => f / 2) };
    const leanChain = {
      ...contextChain,
      leanContextBytes: chain.contextBytes.map((c) => c / 2),
      leanBackwardCost: chain.backwardCost.map((b, s) => b + chain.forwardCost[s] / 4),
    };
    const chains = [chain, contextChain, leanChain];
    let leanSaves = 0;
    for (const [options, variant] of schedules().flatMap((o) =>
      [0, 1, 2].map((v) => [o, v] as const),
    )) {
      const withContext = variant > 0;
      const run = model(true);
      const schedule = plan(chains[variant], options);
      const result = await execute(run.stages, input, schedule, undefined, { seed: 5 });
      const label = `${JSON.stringify(options)}, chain ${variant}`;
      expect(result.output, label).toBe(expected.output);
      expect(result.inputGradient, label).toEqual(expected.inputGradient);
      run.dense.forEach((stage, s) => {
        expect(stage.gW, label).toEqual(reference.dense[s].gW);
        expect(stage.gb, label).toEqual(reference.dense[s].gb);
      });
      const forwards = run.dense.reduce((sum, stage) => sum + stage.forwards, 0);
      const contextForwards = run.dense.reduce((sum, stage) => sum + stage.contextForwards, 0);
      const contextOps = schedule.ops.filter((op) => op.type === "forward-context").length;
      leanSaves += schedule.ops.filter((op) => op.type === "forward-save-lean").length;
      expect(contextForwards, label).toBe(contextOps);
      if (schedule.computeCost > storeAll.computeCost) {
        expect(forwards, label).toBeGreaterThan(layers);
        expect(contextOps > 0, label).toBe(withContext);
      }
    }
    expect(leanSaves).toBeGreaterThan(0);
  });

  it("execute(...) hands each value back to the stage that made it once, after its last use", async () => {
    const reference = model();
    const storeAll = plan(chain, { strategy: "store-all" });
    const expected = await execute(reference.stages, input, storeAll, undefined, { seed: 5 });
    for (const options of [{ strategy: "store-all" as const }, ...schedules()]) {
      const run = model(true);
      const made = new Map<unknown, number>(); // value → stage that returned it
      const released: unknown[] = [];
      const stages = run.stages.map(
        (stage, s): Stage => ({
          async forward(x, o) {
            const r = await stage.forward(x, o);
            if (s < layers) made.set(r.output, s);
            return r;
          },
          async backward(c, x, dy) {
            const g = await stage.backward(c, x, dy);
            made.set(g, s);
            return g;
          },
          release(value) {
            expect(made.get(value), JSON.stringify(options)).toBe(s);
            released.push(value);
            (value as Float64Array).fill(Number.NaN); // a later read would poison the result
          },
        }),
      );
      const result = await execute(stages, input, plan(chain, options), undefined, { seed: 5 });
      const label = JSON.stringify(options);
      expect(result.output, label).toBe(expected.output);
      expect(result.inputGradient, label).toEqual(expected.inputGradient);
      expect(new Set(released).size, label).toBe(released.length); // never twice
      // Everything returned comes back except the final output and the input gradient.
      const kept = [...made.keys()].filter((v) => !released.includes(v));
      expect(kept, label).toEqual([result.inputGradient]);
    }
  });

  it("execute(...) hands back an output a stage built anyway in a context forward", async () => {
    const released: unknown[] = [];
    const stage: Stage = {
      forward: (x, { save }) => ({ output: [x], context: save ? "ctx" : undefined }),
      backward: (_context, _x, dy) => dy,
      release: (value) => released.push(value),
    };
    const ops = [
      { type: "forward-checkpoint", stage: 0 },
      { type: "forward-save", stage: 1 },
      { type: "backward", stage: 1 },
      { type: "forward-context", stage: 0 },
      { type: "backward", stage: 0 },
    ] as const;
    const result = await execute([stage, stage], 1, { ops }, "dy");
    expect(result).toEqual({ output: [[1]], inputGradient: "dy" });
    // a[1] after backward(1), the unread output of forward-context(0), then δ[1] after backward(0)
    expect(released).toEqual([[1], [1], "dy"]);
    expect(released[0]).not.toBe(released[1]);
  });

  it("execute(stages, input, schedule) gives the gradient of the loss, by central differences", async () => {
    const run = model();
    const { inputGradient } = await execute<number, Float64Array>(
      run.stages,
      input,
      plan(chain, { strategy: "revolve", slots: 2 }),
      undefined,
      { seed: 3 },
    );
    const h = 1e-6;
    for (let i = 0; i < d; i++) {
      const at = (delta: number) => {
        const x = Float64Array.from(input);
        x[i] += delta;
        return directGradient(model().dense, x, 3).loss;
      };
      expect(inputGradient[i]).toBeCloseTo((at(h) - at(-h)) / (2 * h), 6);
    }
  });

  it("execute(stages, input, schedule, outputGradient) hands outputGradient to the last backward", async () => {
    const seen: unknown[] = [];
    const identity: Stage = {
      forward: (x, { save }) => ({ output: x, context: save ? "ctx" : undefined }),
      backward: (context, _x, dy) => {
        seen.push([context, dy]);
        return dy;
      },
    };
    const twoStages: Chain = {
      forwardCost: [1, 1],
      backwardCost: [1, 1],
      outputBytes: [1, 1, 1],
      contextBytes: [1, 1],
    };
    const schedule = plan(twoStages, { strategy: "segments", segments: 2 });
    const result = await execute([identity, identity], "x", schedule, "dy");
    expect(result).toEqual({ output: "x", inputGradient: "dy" });
    expect(seen).toEqual([
      ["ctx", "dy"],
      ["ctx", "dy"],
    ]);
  });

  it("execute(stages, input, schedule) rejects an invalid schedule before running any stage", async () => {
    const run = model();
    const ops = plan(chain, { strategy: "store-all" }).ops.slice(0, -1);
    await expect(execute(run.stages, input, { ops })).rejects.toThrow(
      "execute(): ops end before backward(0); δ[1] is left",
    );
    await expect(
      execute(run.stages.slice(0, 3), input, plan(chain, { strategy: "sqrt" })),
    ).rejects.toThrow("names no stage of the 3");
    expect(run.dense.every((stage) => stage.forwards === 0)).toBe(true);
    await expect(execute([], input, { ops })).rejects.toThrow(
      "execute(): stages must be a non-empty array of stages, got ",
    );
    await expect(execute(run.stages, input, { ops }, undefined, { seed: 0.5 })).rejects.toThrow(
      "execute(): options.seed must be an integer, got 0.5",
    );
  });

  it("stageRandom(seed, stage) replays one stream per (seed, stage) and differs across stages", () => {
    const draw = (seed: number, stage: number) => {
      const rng = stageRandom(seed, stage);
      return Array.from({ length: 4 }, () => rng());
    };
    expect(draw(1, 2)).toEqual(draw(1, 2));
    expect(draw(1, 2)).not.toEqual(draw(1, 3));
    expect(draw(1, 2)).not.toEqual(draw(2, 2));
    const values = draw(9, 0).concat(draw(9, 1));
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
  });
});
