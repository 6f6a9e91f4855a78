// The least-compute schedule under a byte budget, by dynamic programming over discretised memory
// as in Rotor (Beaumont, Eyraud-Dubois, Herrmann, Joly, Shilova 2019, "Optimal checkpointing for
// heterogeneous chains: how to train deep neural networks with limited memory", Algorithm 1).
// Sizes are rounded up to whole slots, so a schedule that fits in slots fits in bytes.

import { type Chain, forwardWorkspace, savesContextOnly } from "./chain.js";
import { END, type ScheduleTree, saveCost } from "./schedule-tree.js";

const SAVE = -1;
const SAVE_LEAN = -2;

/**
 * The slot size in bytes: 1 when every size is an integer and the budget is at most
 * `memorySlots` bytes (the discretisation is then exact), else `budgetBytes / memorySlots`.
 */
export function slotBytes(chain: Chain, budgetBytes: number, memorySlots: number): number {
  const sizes = [...chain.outputBytes, ...chain.contextBytes, ...forwardWorkspace(chain)];
  const unit = budgetBytes / memorySlots;
  return sizes.every(Number.isInteger) ? Math.max(1, unit) : unit;
}

/**
 * The cheapest schedule tree of the whole chain whose peak, in slots of `slotBytes(…)` with every
 * size rounded up, is at most `⌊budgetBytes / slot⌋`; `null` when none fits.
 * Time O(n³·slots / 6), memory O(n²·slots / 2) numbers.
 *
 * Opt(i, j, m), the least cost of segment `[i, j)` (see `ScheduleTree`) in `m` slots:
 * - `end`: 0 when `m >= 2·a[j]`;
 * - `save`: `f[i] + b[i] + Opt(i + 1, j, m − a[i] − c[i])` when `m >= a[i] + c[i] + a[i+1] +
 *   max(a[i], δ[j] + w[i])` (the backward of i, or its forward with workspace `w[i]`); for a
 *   context forward (`j = i + 1 < n`, see `Chain`): `fc[i] + b[i]` when
 *   `m >= a[i] + c[i] + δ[j] + max(a[i], w[i])`; a lean save (see `Chain`): as `save` with the
 *   lean backward `bl[i]` and `Opt(i + 1, j, m − a[i] − c'[i])`;
 * - `split` at `k`: `f[i … k−1] + Opt(k, j, m − a[i]) + Opt(i, k, m)` when the walk fits.
 */
export function optimalTree(
  chain: Chain,
  budgetBytes: number,
  memorySlots: number,
): ScheduleTree | null {
  const n = chain.forwardCost.length;
  const unit = slotBytes(chain, budgetBytes, memorySlots);
  const slots = Math.floor(budgetBytes / unit);
  if (!(unit > 0) || slots < 0) return null;
  const o = chain.outputBytes.map((b) => Math.ceil(b / unit));
  const c = chain.contextBytes.map((b) => Math.ceil(b / unit));
  const w = forwardWorkspace(chain).map((b) => Math.ceil(b / unit));
  const cl = chain.leanContextBytes?.map((b) => Math.ceil(b / unit));
  const sumF = [0];
  for (let s = 0; s < n; s++) sumF.push(sumF[s] + chain.forwardCost[s]);
  const width = slots + 1;
  // Row of segment [i, j) (0 ≤ i ≤ j ≤ n) in the triangular tables.
  const row = (i: number, j: number) => (i * (2 * n + 3 - i)) / 2 + (j - i);
  const rows = row(n, n) + 1;
  const cost = new Float64Array(rows * width).fill(Number.POSITIVE_INFINITY);
  const choice = new Int32Array(rows * width);
  // Per segment: the least m with a finite cost, and the m from which storing all (the least
  // cost there is) fits; the split loops only need the range between the two.
  const least = new Int32Array(rows);
  const storeAll = new Int32Array(rows);

  for (let j = 0; j <= n; j++) {
    const base = row(j, j) * width;
    cost.fill(0, base + Math.min(2 * o[j], width), base + width);
    least[row(j, j)] = storeAll[row(j, j)] = 2 * o[j];
  }
  for (let length = 1; length <= n; length++) {
    for (let i = 0; i + length <= n; i++) {
      const j = i + length;
      const base = row(i, j) * width;
      const held = o[i] + c[i];
      const restBase = row(i + 1, j) * width - held;
      // As saveBytes(): a context forward's node has no rest to run and no a[i + 1] to build.
      const contextOnly = savesContextOnly(chain, i, j);
      const save = contextOnly
        ? held + o[j] + Math.max(o[i], w[i])
        : held + o[i + 1] + Math.max(o[i], o[j] + w[i]);
      const top = contextOnly ? save : Math.max(held + storeAll[row(i + 1, j)], save);
      storeAll[row(i, j)] = top;
      const stageCost = saveCost(chain, i, j);
      for (let m = save; m <= slots; m++) {
        cost[base + m] = stageCost + (contextOnly ? 0 : cost[restBase + m]);
        choice[base + m] = SAVE;
      }
      if (cl && !contextOnly) {
        // A lean save: the same peaks, less held over the rest, a dearer backward.
        const leanBase = row(i + 1, j) * width - o[i] - cl[i];
        const leanCost = saveCost(chain, i, j, true);
        for (let m = save; m <= slots; m++) {
          const value = leanCost + cost[leanBase + m];
          if (value < cost[base + m]) {
            cost[base + m] = value;
            choice[base + m] = SAVE_LEAN;
          }
        }
      }
      let walk = o[i] + o[i + 1] + w[i]; // as walkBytes()
      for (let k = i + 1; k < j; k++) {
        if (k > i + 1) walk = Math.max(walk, o[i] + o[k - 1] + o[k] + w[k - 1]);
        if (walk + o[j] > slots) break; // the walk only grows with k
        const walkCost = sumF[k] - sumF[i];
        const rightBase = row(k, j) * width - o[i];
        const leftBase = row(i, k) * width;
        const from = Math.max(walk + o[j], least[row(k, j)] + o[i], least[row(i, k)]);
        relax(cost, choice, k, walkCost, base, rightBase, leftBase, from, Math.min(slots, top - 1));
      }
      let m = 0;
      while (m <= slots && cost[base + m] === Number.POSITIVE_INFINITY) m++;
      least[row(i, j)] = m;
    }
  }
  if (cost[row(0, n) * width + slots] === Number.POSITIVE_INFINITY) return null;

  const build = (i: number, j: number, m: number): ScheduleTree => {
    if (i === j) return END;
    const k = choice[row(i, j) * width + m];
    if (k === SAVE) return { kind: "save", rest: build(i + 1, j, m - o[i] - c[i]) };
    if (k === SAVE_LEAN && cl) {
      return { kind: "save", lean: true, rest: build(i + 1, j, m - o[i] - cl[i]) };
    }
    return { kind: "split", at: k, right: build(k, j, m - o[i]), left: build(i, k, m) };
  };
  return build(0, n, slots);
}

/** Opt(i, j, m) ← min(Opt(i, j, m), walk + Opt(k, j, m − a[i]) + Opt(i, k, m)) for m in [from, to]. */
function relax(
  cost: Float64Array,
  choice: Int32Array,
  k: number,
  walkCost: number,
  base: number,
  rightBase: number,
  leftBase: number,
  from: number,
  to: number,
): void {
  for (let m = from; m <= to; m++) {
    const value = walkCost + cost[rightBase + m] + cost[leftBase + m];
    if (value < cost[base + m]) {
      cost[base + m] = value;
      choice[base + m] = k;
    }
  }
}
