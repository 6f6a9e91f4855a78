import { describe, expect, it } from "vitest";
import { BudgetTooSmallError, type Chain, plan, simulate } from "../src/index.js";
import { exhaustiveSearch } from "./exhaustive-search.js";
import { budgets, integerChain, realChain } from "./random-chains.js";

const optimal = (chain: Chain, budgetBytes: number) => {
  try {
    return plan(chain, { strategy: "optimal", budgetBytes });
  } catch (error) {
    if (error instanceof BudgetTooSmallError) return null;
    throw error;
  }
};

const storeAll = (chain: Chain) => plan(chain, { strategy: "store-all" });

/** Peak and cost of every one of the 2^(n-1) sets of kept stage inputs (stage 0's always). */
function allCheckpointSubsets(chain: Chain): { peakBytes: number; computeCost: number }[] {
  const n = chain.forwardCost.length;
  return Array.from({ length: 2 ** (n - 1) }, (_, mask) => {
    const checkpoints = [0];
    for (let s = 1; s < n; s++) if (mask & (1 << (s - 1))) checkpoints.push(s);
    return plan(chain, { strategy: "checkpoints", checkpoints });
  });
}

describe("plan(chain, { strategy: 'optimal' })", () => {
  it("plan(chain, { strategy: 'optimal' }) costs what an exhaustive search over all valid operation lists finds, n <= 5, every budget", () => {
    let compared = 0;
    for (let seed = 0; seed < 60; seed++) {
      const chain = integerChain(seed, 1 + (seed % 5));
      for (const budget of budgets(storeAll(chain).peakBytes)) {
        const found = exhaustiveSearch(chain, budget);
        const planned = optimal(chain, budget);
        expect(planned?.computeCost ?? null, `seed ${seed}, budget ${budget}`).toBe(
          found?.cost ?? null,
        );
        if (found) expect(simulate(chain, found.ops).peakBytes).toBeLessThanOrEqual(budget);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(600);
  });

  it("plan(chain, { strategy: 'optimal' }) throws BudgetTooSmallError carrying the least budget an exhaustive search can meet", () => {
    for (let seed = 100; seed < 130; seed++) {
      const chain = integerChain(seed, 1 + (seed % 5));
      let least = 0;
      while (exhaustiveSearch(chain, least) === null) least++;
      let error: unknown;
      try {
        plan(chain, { strategy: "optimal", budgetBytes: least - 0.5 });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(BudgetTooSmallError);
      expect((error as BudgetTooSmallError).minimumBytes).toBe(least);
      expect((error as BudgetTooSmallError).budgetBytes).toBe(least - 0.5);
      expect(plan(chain, { strategy: "optimal", budgetBytes: least }).peakBytes).toBe(least);
    }
  });

  it("plan(chain, { strategy: 'optimal' }) costs no more than the best of all 2^(n-1) checkpoint subsets that fit, up to 10 stages", () => {
    for (let seed = 200; seed < 227; seed++) {
      const n = 2 + (seed % 9);
      const chain = integerChain(seed, n);
      const subsets = allCheckpointSubsets(chain);
      const full = storeAll(chain);
      let previous = Number.POSITIVE_INFINITY;
      for (const budget of budgets(full.peakBytes)) {
        const fitting = subsets.filter((s) => s.peakBytes <= budget);
        const bestSubset = Math.min(...fitting.map((s) => s.computeCost));
        const planned = optimal(chain, budget);
        if (planned === null) {
          expect(fitting).toHaveLength(0);
          continue;
        }
        expect(planned.computeCost).toBeLessThanOrEqual(bestSubset);
        expect(planned.peakBytes).toBeLessThanOrEqual(Math.min(budget, full.peakBytes));
        expect(planned.computeCost, "cost grows with the budget").toBeLessThanOrEqual(previous);
        previous = planned.computeCost;
        if (budget >= full.peakBytes) expect(planned.computeCost).toBe(full.computeCost);
      }
    }
  });

  it("plan(chain, { strategy: 'optimal' }) recomputes something in a budget below store-all's peak", () => {
    const chain = integerChain(1, 8); // no lean contexts, which can cost nothing more
    const full = storeAll(chain);
    const tight = plan(chain, { strategy: "optimal", budgetBytes: full.peakBytes - 1 });
    expect(tight.computeCost).toBeGreaterThan(full.computeCost);
    expect(tight.ops.some((op) => op.type === "forward-checkpoint")).toBe(true);
  });

  it("plan(chain, { strategy: 'optimal' }) on real-valued sizes never exceeds the budget, by simulate()", () => {
    for (let seed = 300; seed < 320; seed++) {
      const chain = realChain(seed, 6 + (seed % 20));
      const full = storeAll(chain);
      for (const fraction of [0.08, 0.15, 0.3, 0.5, 0.75, 0.99, 1]) {
        const budgetBytes = Math.round(full.peakBytes * fraction);
        const planned = optimal(chain, budgetBytes);
        if (planned === null) continue;
        const replayed = simulate(chain, planned.ops);
        expect(replayed.peakBytes).toBeLessThanOrEqual(budgetBytes);
        expect(replayed.computeCost).toBeCloseTo(planned.computeCost, 9);
        expect(planned.computeCost).toBeGreaterThanOrEqual(full.computeCost);
      }
    }
  });

  it("plan(chain, { strategy: 'optimal', memorySlots }) still fits a budget of exactly minimumBytes when rounding to few slots", () => {
    for (let seed = 400; seed < 410; seed++) {
      const chain = realChain(seed, 12);
      let least = 0;
      try {
        plan(chain, { strategy: "optimal", budgetBytes: 0 });
      } catch (error) {
        least = (error as BudgetTooSmallError).minimumBytes;
      }
      for (const memorySlots of [7, 50, 500]) {
        const planned = plan(chain, { strategy: "optimal", budgetBytes: least, memorySlots });
        expect(simulate(chain, planned.ops).peakBytes).toBeLessThanOrEqual(least);
      }
    }
  });

  it("plan(chain, { strategy: 'optimal', memorySlots }) checks memorySlots", () => {
    const chain = integerChain(1, 4);
    expect(() => plan(chain, { strategy: "optimal", budgetBytes: 20, memorySlots: 0 })).toThrow(
      "plan(): options.memorySlots must be an integer >= 1, got 0",
    );
    expect(() => plan(chain, { strategy: "optimal", budgetBytes: Number.NaN })).toThrow(
      "plan(): budgetBytes must be a number >= 0, got NaN",
    );
  });
});
