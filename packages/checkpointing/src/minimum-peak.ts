// The least peak any schedule of a chain can reach, exactly in bytes: the floor under which
// `plan()` throws BudgetTooSmallError, and the fallback when slot rounding leaves no schedule.

import { type Chain, savesContextOnly } from "./chain.js";
import { END, type ScheduleTree, saveBytes, saveCost, walkBytes } from "./schedule-tree.js";

/**
 * The least peak over the same trees `optimalTree` searches, with the cheaper tree among equal
 * peaks at each segment. O(n³) time, O(n²) memory.
 *
 * P(i, j) = min of `2·a[j]` (end), `max(a[i] + c[i] + P(i+1, j), save(i, j))` (save), and
 * `max(walk(i, k) + a[j], a[i] + P(k, j), P(i, k))` (split at k); see `saveBytes`, `walkBytes`.
 */
export function minimumPeak(chain: Chain): { peakBytes: number; tree: ScheduleTree } {
  const n = chain.forwardCost.length;
  const o = chain.outputBytes;
  const peak: number[][] = [];
  const cost: number[][] = [];
  const tree: ScheduleTree[][] = [];
  for (let i = 0; i <= n; i++) {
    peak.push([]);
    cost.push([]);
    tree.push([]);
    peak[i][i] = 2 * o[i];
    cost[i][i] = 0;
    tree[i][i] = END;
  }
  for (let length = 1; length <= n; length++) {
    for (let i = 0; i + length <= n; i++) {
      const j = i + length;
      const held = o[i] + chain.contextBytes[i];
      // A context forward's saveBytes is the whole node's peak (its rest is not run).
      const contextOnly = savesContextOnly(chain, i, j);
      const rest = contextOnly
        ? { peak: 0, cost: 0 }
        : { peak: held + peak[i + 1][j], cost: cost[i + 1][j] };
      let bestPeak = Math.max(rest.peak, saveBytes(chain, i, j));
      let bestCost = saveCost(chain, i, j) + rest.cost;
      let best: ScheduleTree = { kind: "save", rest: tree[i + 1][j] };
      if (chain.leanContextBytes && !contextOnly) {
        const p = Math.max(
          o[i] + chain.leanContextBytes[i] + peak[i + 1][j],
          saveBytes(chain, i, j),
        );
        const c = saveCost(chain, i, j, true) + cost[i + 1][j];
        if (p < bestPeak || (p === bestPeak && c < bestCost)) {
          [bestPeak, bestCost] = [p, c];
          best = { kind: "save", rest: tree[i + 1][j], lean: true };
        }
      }
      let walkCost = 0;
      for (let k = i + 1; k < j; k++) {
        walkCost += chain.forwardCost[k - 1];
        const p = Math.max(walkBytes(chain, i, k) + o[j], o[i] + peak[k][j], peak[i][k]);
        const c = walkCost + cost[k][j] + cost[i][k];
        if (p < bestPeak || (p === bestPeak && c < bestCost)) {
          bestPeak = p;
          bestCost = c;
          best = { kind: "split", at: k, right: tree[k][j], left: tree[i][k] };
        }
      }
      peak[i][j] = bestPeak;
      cost[i][j] = bestCost;
      tree[i][j] = best;
    }
  }
  return { peakBytes: peak[0][n], tree: tree[0][n] };
}
