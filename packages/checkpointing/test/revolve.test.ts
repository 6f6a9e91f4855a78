import { describe, expect, it } from "vitest";
import { type Chain, plan, simulate } from "../src/index.js";
import { binomialReach, revolveRecomputations } from "../src/revolve.js";

const uniform = (n: number): Chain => ({
  forwardCost: new Array(n).fill(1),
  backwardCost: new Array(n).fill(3),
  outputBytes: new Array(n + 1).fill(4),
  contextBytes: new Array(n).fill(8),
});

/**
 * Reference: the least forward recomputations over every nested placement of checkpoints,
 * T(l, s) = min over k of k + T(l − k, s − 1) + T(k, s), T(1, s) = 0, T(l > 1, 0) = ∞.
 */
function bruteRecomputations(maxSteps: number, maxSlots: number): number[][] {
  const table = Array.from({ length: maxSlots + 1 }, () => [Number.NaN, 0]);
  for (let l = 2; l <= maxSteps; l++) {
    table[0][l] = Number.POSITIVE_INFINITY;
    for (let s = 1; s <= maxSlots; s++) {
      let best = Number.POSITIVE_INFINITY;
      for (let k = 1; k < l; k++) best = Math.min(best, k + table[s - 1][l - k] + table[s][k]);
      table[s][l] = best;
    }
  }
  return table;
}

/** The most checkpoints (inputs kept by a forward) alive at once in `ops`. */
function mostCheckpoints(ops: ReturnType<typeof plan>["ops"]): number {
  const kept = new Set<number>();
  let most = 0;
  for (const op of ops) {
    if (op.type === "forward-checkpoint" || op.type === "forward-save") kept.add(op.stage);
    if (op.type === "backward") kept.delete(op.stage);
    most = Math.max(most, kept.size);
  }
  return most;
}

describe("revolve", () => {
  it("binomialReach(s, r) is C(s + r, s)", () => {
    expect([0, 1, 2, 3, 4].map((r) => binomialReach(2, r))).toEqual([1, 3, 6, 10, 15]);
    expect(binomialReach(5, 5)).toBe(252);
    expect(binomialReach(-1, 3)).toBe(0);
  });

  it("plan(chain, { strategy: 'revolve', slots }) recomputes as few forwards as the brute-force recursion and Griewank's formula", () => {
    const maxSteps = 40;
    const maxSlots = 5;
    const brute = bruteRecomputations(maxSteps, maxSlots);
    for (let slots = 1; slots <= maxSlots; slots++) {
      for (let steps = 1; steps <= maxSteps; steps++) {
        const chain = uniform(steps);
        const revolve = plan(chain, { strategy: "revolve", slots });
        const storeAll = plan(chain, { strategy: "store-all" });
        const recomputed = revolve.computeCost - storeAll.computeCost;
        expect(recomputed, `${steps} steps, ${slots} slots`).toBe(brute[slots][steps]);
        expect(revolveRecomputations(steps, slots)).toBe(brute[slots][steps]);
        expect(mostCheckpoints(revolve.ops)).toBeLessThanOrEqual(slots + 1);
        expect(simulate(chain, revolve.ops)).toEqual({
          peakBytes: revolve.peakBytes,
          computeCost: revolve.computeCost,
        });
      }
    }
  });

  it("plan(chain, { strategy: 'revolve', slots: 1 }) recomputes n(n - 1)/2 forwards, the quadratic extreme", () => {
    const revolve = plan(uniform(12), { strategy: "revolve", slots: 1 });
    expect(revolve.computeCost - plan(uniform(12), { strategy: "store-all" }).computeCost).toBe(66);
  });
});
