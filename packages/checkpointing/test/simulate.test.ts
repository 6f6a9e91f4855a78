import { describe, expect, it } from "vitest";
import { type Chain, type PlanOptions, plan, simulate } from "../src/index.js";
import { B, F, FC, FL, FS, FX, free } from "./ops.js";
import { integerChain, realChain } from "./random-chains.js";

const chain: Chain = {
  forwardCost: [1, 10, 100],
  backwardCost: [1000, 10000, 100000],
  outputBytes: [1, 2, 4, 8],
  contextBytes: [16, 32, 64],
};

describe("simulate()", () => {
  it("simulate(chain, ops) counts a hand-traced schedule", () => {
    // start a0 + δ3 = 9. FC0: +a1 → 11. F1: +a2 = 15 during, a1 goes → 13. FS2: +a3 +c2 = 85
    // during, a3 to the caller → 77. B2: +δ2 = 81 during; a2, c2, δ3 go → 5 (a0, δ2).
    // FS0: +a1 +c0 = 23. FS1: +a2 +c1 = 61 during and after. free a2 → 57. B1: +δ1 = 59;
    // a1, c1, δ2 go → 23 (a0, c0, δ1). B0: +δ0 = 24. Peak 85.
    const ops = [FC(0), F(1), FS(2), B(2), FS(0), FS(1), free(2), B(1), B(0)];
    expect(simulate(chain, ops)).toEqual({ peakBytes: 85, computeCost: 111000 + 122 });
  });

  it("simulate(chain, ops) counts a context forward without its output, at its own cost", () => {
    // The trace above with FX(1) in place of FS(1), free(2): FX1: +c1 = 55 (no a2), B1: +δ1 = 57.
    const ops = [FC(0), F(1), FS(2), B(2), FS(0), FX(1), B(1), B(0)];
    expect(simulate(chain, ops)).toEqual({ peakBytes: 85, computeCost: 111000 + 122 });
    const cheap = { ...chain, contextForwardCost: [0.5, 4, 50] };
    expect(simulate(cheap, ops)).toEqual({ peakBytes: 85, computeCost: 111000 + 116 });
    const tight = { ...cheap, contextBytes: [16, 32, 0] }; // so the FS(2) forward is not the peak
    expect(simulate(tight, ops).peakBytes).toBe(57);
    expect(
      simulate(tight, [FC(0), F(1), FS(2), B(2), FS(0), FS(1), free(2), B(1), B(0)]).peakBytes,
    ).toBe(59); // FS1 builds a2 too: 23 + a2 + c1 = 59
  });

  it("simulate(chain, ops) holds a lean context between the passes and rebuilds the rest in backward", () => {
    const two: Chain = {
      forwardCost: [1, 1],
      backwardCost: [2, 2],
      outputBytes: [1, 1, 1],
      contextBytes: [10, 0],
      leanContextBytes: [2, 0],
      leanBackwardCost: [5, 2],
    };
    // a0 + δ2 = 2. FL0: +a1 + c0 (whole, while it runs) = 13, then 5 (a0, a1, c0' = 2).
    // FS1: 6, a2 to the caller. B1: 6, then 4 (a0, c0', δ1). B0: + δ0 + 8 rebuilt = 13.
    expect(simulate(two, [FL(0), FS(1), B(1), B(0)])).toEqual({ peakBytes: 13, computeCost: 9 });
    // Between the passes the lean save holds 8 bytes less: a wider stage 1 shows it.
    const wide = { ...two, contextBytes: [10, 20] };
    expect(simulate(wide, [FL(0), FS(1), B(1), B(0)]).peakBytes).toBe(26); // 5 + 1 + 20
    expect(simulate(wide, [FS(0), FS(1), B(1), B(0)]).peakBytes).toBe(34); // 13 + 1 + 20
    expect(() => simulate(chain, [FL(0)])).toThrow(
      "simulate(): ops[0] forward-save-lean(0) needs a chain with lean contexts",
    );
    expect(() => simulate({ ...two, leanBackwardCost: undefined }, [])).toThrow(
      "simulate(): chain.leanContextBytes and chain.leanBackwardCost go together; got only leanContextBytes",
    );
    expect(() => simulate({ ...two, leanContextBytes: [11, 0] }, [])).toThrow(
      "simulate(): chain.leanContextBytes[0] must be at most contextBytes[0] = 10, got 11",
    );
  });

  it("simulate(chain, ops) throws on a context forward where its output would be needed", () => {
    expect(() => simulate(chain, [FC(0), FC(1), FX(2)])).toThrow(
      "simulate(): ops[2] forward-context(2) cannot skip the last stage's output, which goes to the caller",
    );
    expect(() => simulate(chain, [FX(0)])).toThrow(
      "simulate(): ops[0] forward-context(0) needs δ[1] alive, not δ[3]",
    );
    expect(() => simulate(chain, [FC(0), F(1), FS(2), B(2), FX(1)])).toThrow(
      "simulate(): ops[4] forward-context(1) needs its input a[1], not in memory",
    );
  });

  it("simulate(chain, plan(chain, options).ops) agrees with what every strategy predicts", () => {
    const options: PlanOptions[] = [
      { strategy: "store-all" },
      { strategy: "sqrt" },
      { strategy: "segments", segments: 2 },
      { strategy: "checkpoints", checkpoints: [1, 3] },
      { strategy: "revolve", slots: 1 },
      { strategy: "revolve", slots: 3 },
    ];
    for (let seed = 0; seed < 40; seed++) {
      const n = 4 + (seed % 12);
      for (const c of [integerChain(seed, n), realChain(seed, n)]) {
        const peak = plan(c, { strategy: "store-all" }).peakBytes;
        const budgets = [0.35, 0.6, 0.9].map((f) => Math.round(f * peak));
        const all = [...options, ...budgets.map((b) => ({ strategy: "optimal", budgetBytes: b }))];
        for (const o of all) {
          let planned: ReturnType<typeof plan>;
          try {
            planned = plan(c, o as PlanOptions);
          } catch {
            continue; // a budget below the least peak
          }
          const replayed = simulate(c, planned.ops);
          expect(replayed.peakBytes).toBe(planned.peakBytes);
          expect(replayed.computeCost).toBeCloseTo(planned.computeCost, 9);
        }
      }
    }
  });

  it("simulate(chain, ops) throws on a value used when not in memory", () => {
    expect(() => simulate(chain, [FS(1)])).toThrow(
      "simulate(): ops[0] forward-save(1) needs its input a[1], not in memory",
    );
    expect(() => simulate(chain, [F(0), FS(1), FS(2), B(2), B(1), B(0)])).toThrow(
      "simulate(): ops[5] backward(0) needs its input a[0], not in memory",
    );
    expect(() => simulate(chain, [FC(0), FC(1), FS(2), B(2), B(1)])).toThrow(
      "simulate(): ops[4] backward(1) needs the context c[1], not in memory",
    );
    expect(() => simulate(chain, [free(1)])).toThrow(
      "simulate(): ops[0] free(a[1]) frees a[1], not in memory",
    );
  });

  it("simulate(chain, ops) throws on a backward out of order", () => {
    expect(() => simulate(chain, [FS(0), FS(1), B(1)])).toThrow(
      "simulate(): ops[2] backward(1) runs out of order: the gradient alive is δ[3]",
    );
  });

  it("simulate(chain, ops) throws when a checkpoint is dropped before its backward", () => {
    expect(() => simulate(chain, [FC(0), FC(1), F(1)])).toThrow(
      "simulate(): ops[2] forward(1) computes a[2], already in memory",
    );
    expect(() => simulate(chain, [FC(0), FS(1), free(1)])).toThrow(
      "simulate(): ops[2] free(a[1]) frees a[1], a checkpoint kept until backward(1)",
    );
    expect(() => simulate(chain, [FC(0), FC(1), free(2), F(1)])).toThrow(
      "simulate(): ops[3] forward(1) frees its input a[1], a checkpoint kept until backward(1)",
    );
  });

  it("simulate(chain, ops) throws on a list that ends early or leaves values behind", () => {
    expect(() => simulate(chain, [FS(0), FS(1), FS(2), B(2)])).toThrow(
      "simulate(): ops end before backward(0); δ[2] is left",
    );
    expect(() => simulate(chain, [FS(0), FS(1), FS(2), B(2), B(1), FC(0), B(0)])).toThrow(
      "simulate(): ops end with a[1] still in memory",
    );
    expect(() => simulate(chain, [{ type: "jump", stage: 0 } as never])).toThrow(
      "simulate(): ops[0] jump(0) has an unknown type",
    );
    expect(() => simulate(chain, [FS(7)])).toThrow(
      "simulate(): ops[0] forward-save(7) names no stage of the 3",
    );
  });
});
