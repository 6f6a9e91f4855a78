import { describe, expect, it } from "vitest";
import { BudgetTooSmallError, type Chain, plan } from "../src/index.js";
import { B, F, FC, FS, FX, free } from "./ops.js";

const small: Chain = {
  forwardCost: [1, 1],
  backwardCost: [2, 2],
  outputBytes: [1, 2, 3],
  contextBytes: [4, 5],
};

const uniform = (n: number): Chain => ({
  forwardCost: new Array(n).fill(1),
  backwardCost: new Array(n).fill(2),
  outputBytes: new Array(n + 1).fill(4),
  contextBytes: new Array(n).fill(8),
});

describe("plan()", () => {
  it("plan(chain, { strategy: 'store-all' }) saves every stage and predicts the hand-counted peak", () => {
    // a0 + δ2 = 4; +a1 +c0 = 10; +a2 +c1 = 18 (a2 then goes to the caller); B1 adds δ1 to 15 = 17
    expect(plan(small, { strategy: "store-all" })).toEqual({
      strategy: "store-all",
      ops: [FS(0), FS(1), B(1), B(0)],
      peakBytes: 18,
      computeCost: 6,
    });
  });

  it("plan(chain, { strategy: 'segments' }) keeps each segment's input and runs the last one saving, like checkpoint_sequential", () => {
    const { ops, computeCost } = plan(uniform(4), { strategy: "segments", segments: 2 });
    expect(ops).toEqual([
      ...[FC(0), F(1)],
      ...[FS(2), FS(3), B(3), B(2)],
      ...[FS(0), FS(1), free(2), B(1), B(0)],
    ]);
    expect(computeCost).toBe(4 + 2 + 8);
  });

  it("plan(chain, { strategy }) runs the saving forward right before a backward as a context forward when the chain has them", () => {
    const chain = { ...uniform(4), contextForwardCost: [0.5, 0.5, 0.5, 0.5] };
    const { ops, computeCost, peakBytes } = plan(chain, { strategy: "segments", segments: 2 });
    expect(ops).toEqual([
      ...[FC(0), F(1)],
      ...[FS(2), FS(3), B(3), B(2)],
      ...[FS(0), FX(1), B(1), B(0)],
    ]);
    expect(computeCost).toBe(4 + 1.5 + 8);
    expect(peakBytes).toBe(plan(uniform(4), { strategy: "segments", segments: 2 }).peakBytes);
    // The last stage's output is the caller's: its one forward is never a context forward.
    expect(plan(chain, { strategy: "store-all" }).ops).toEqual(
      plan(uniform(4), { strategy: "store-all" }).ops,
    );
  });

  it("plan(chain, { strategy: 'segments' }) spaces segments floor(n / segments) apart, as PyTorch", () => {
    const { ops } = plan(uniform(10), { strategy: "segments", segments: 3 });
    const firstPass = ops.slice(
      0,
      ops.findIndex((op) => op.type === "backward"),
    );
    const kept = firstPass.filter((op) => op.type === "forward-checkpoint");
    expect(kept.map((op) => (op as { stage: number }).stage)).toEqual([0, 3]);
    expect(firstPass.filter((op) => op.type === "forward-save")).toHaveLength(4);
  });

  it("plan(chain, { strategy: 'checkpoints' }) always keeps stage 0's input and takes indices in any order", () => {
    const a = plan(uniform(6), { strategy: "checkpoints", checkpoints: [4, 2, 2] });
    const b = plan(uniform(6), { strategy: "checkpoints", checkpoints: [0, 2, 4] });
    expect(a.ops).toEqual(b.ops);
    expect(plan(uniform(6), { strategy: "checkpoints", checkpoints: [] }).ops).toEqual(
      plan(uniform(6), { strategy: "store-all" }).ops,
    );
  });

  it("plan(chain, { strategy: 'sqrt' }) is checkpoint_sequential with round(√n) segments", () => {
    for (const n of [1, 2, 5, 16, 30]) {
      const segments = Math.max(1, Math.round(Math.sqrt(n)));
      expect(plan(uniform(n), { strategy: "sqrt" }).ops).toEqual(
        plan(uniform(n), { strategy: "segments", segments }).ops,
      );
    }
  });

  it("plan(chain, { strategy, budgetBytes }) throws BudgetTooSmallError with the strategy's own peak", () => {
    const { peakBytes } = plan(uniform(9), { strategy: "sqrt" });
    expect(plan(uniform(9), { strategy: "sqrt", budgetBytes: peakBytes }).peakBytes).toBe(
      peakBytes,
    );
    let error: unknown;
    try {
      plan(uniform(9), { strategy: "sqrt", budgetBytes: peakBytes - 1 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BudgetTooSmallError);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as BudgetTooSmallError).minimumBytes).toBe(peakBytes);
    expect((error as Error).message).toBe(
      `plan(): budgetBytes must be at least ${peakBytes} (the least feasible peak), got ${peakBytes - 1}`,
    );
  });

  it("plan(chain, options) names the bad chain field and value", () => {
    const bad = (patch: Partial<Chain>) => () => plan({ ...small, ...patch }, { strategy: "sqrt" });
    expect(bad({ outputBytes: [1, 2] })).toThrow(
      "plan(): chain.outputBytes must have 3 entries, got 2",
    );
    expect(bad({ contextBytes: [4, -1] })).toThrow(
      "plan(): chain.contextBytes[1] must be a finite number >= 0, got -1",
    );
    expect(bad({ forwardCost: [1, Number.NaN] })).toThrow(
      "plan(): chain.forwardCost[1] must be a finite number >= 0, got NaN",
    );
    expect(bad({ forwardCost: [], backwardCost: [], contextBytes: [], outputBytes: [1] })).toThrow(
      "plan(): chain must have at least one stage, got 0",
    );
  });

  it("plan(chain, options) names the bad option and lists the strategies", () => {
    const options = (o: unknown) => () => plan(small, o as never);
    expect(options({ strategy: "fast" })).toThrow(
      "plan(): options.strategy must be one of store-all, checkpoints, segments, sqrt, revolve, optimal, got fast",
    );
    expect(options({ strategy: "segments", segments: 3 })).toThrow(
      "plan(): options.segments must be an integer in [1, 2], got 3",
    );
    expect(options({ strategy: "revolve", slots: 0 })).toThrow(
      "plan(): options.slots must be an integer >= 1, got 0",
    );
    expect(options({ strategy: "checkpoints", checkpoints: [2] })).toThrow(
      "plan(): options.checkpoints entries must be integers in [0, 1], got 2",
    );
    expect(options({ strategy: "optimal" })).toThrow(
      "plan(): budgetBytes must be a number >= 0, got undefined",
    );
  });
});
