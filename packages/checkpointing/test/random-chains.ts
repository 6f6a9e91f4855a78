// Seeded random chains for the tests: small integer sizes (the planner is exact on them) or
// real-valued ones (where it must stay conservative).

import type { Chain } from "../src/index.js";
import { stageRandom } from "../src/index.js";

/**
 * A chain of `n` stages, costs in [1, 5], sizes in [0, maxBytes], all integers; seeds 1 and 3
 * mod 4 also have forward workspaces in [0, maxBytes], seeds 2 and 3 mod 4 context forwards
 * costing [0, forwardCost], seeds 4 to 7 mod 8 lean contexts of [0, contextBytes] bytes whose
 * backward costs [0, 3] more.
 */
export function integerChain(seed: number, n: number, maxBytes = 4): Chain {
  const random = stageRandom(seed, 1000);
  const int = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const forwardCost = Array.from({ length: n }, () => int(1, 5));
  let chain: Chain = {
    forwardCost,
    backwardCost: Array.from({ length: n }, () => int(1, 5)),
    outputBytes: Array.from({ length: n + 1 }, () => int(0, maxBytes)),
    contextBytes: Array.from({ length: n }, () => int(0, maxBytes)),
  };
  if (seed % 2 === 1)
    chain = { ...chain, forwardWorkspace: Array.from({ length: n }, () => int(0, maxBytes)) };
  if (seed % 4 >= 2) chain = { ...chain, contextForwardCost: forwardCost.map((f) => int(0, f)) };
  if (seed % 8 >= 4) {
    const leanContextBytes = chain.contextBytes.map((c) => int(0, c));
    const leanBackwardCost = chain.backwardCost.map((b) => b + int(0, 3));
    chain = { ...chain, leanContextBytes, leanBackwardCost };
  }
  return chain;
}

/**
 * A chain of `n` stages with real costs and whole-byte sizes of up to a few megabytes; odd seeds
 * have context forwards, seeds 0 mod 3 lean contexts.
 */
export function realChain(seed: number, n: number): Chain {
  const random = stageRandom(seed, 2000);
  const real = (low: number, high: number) => low + random() * (high - low);
  const chain: Chain = {
    forwardCost: Array.from({ length: n }, () => real(0.5, 3)),
    backwardCost: Array.from({ length: n }, () => real(1, 6)),
    outputBytes: Array.from({ length: n + 1 }, () => Math.round(real(1e5, 4e6))),
    contextBytes: Array.from({ length: n }, () => Math.round(real(0, 8e6))),
    forwardWorkspace: Array.from({ length: n }, () => Math.round(real(0, 3e6))),
    ...(seed % 2 === 0
      ? {}
      : { contextForwardCost: Array.from({ length: n }, () => real(0.3, 0.5)) }),
  };
  if (seed % 3 !== 0) return chain;
  return {
    ...chain,
    leanContextBytes: chain.contextBytes.map((c) => Math.round(c * real(0.1, 1))),
    leanBackwardCost: chain.backwardCost.map((b) => b + real(0.1, 1)),
  };
}

/** Every whole budget from 0 to one past `peakBytes` (store-all's peak). */
export function budgets(peakBytes: number): number[] {
  return Array.from({ length: peakBytes + 2 }, (_, k) => k);
}
