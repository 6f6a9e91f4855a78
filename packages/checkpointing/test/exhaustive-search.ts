// Reference for tests: the cheapest of ALL valid operation lists under a budget, by Dijkstra over
// the states of memory (which activations, which contexts, which gradient are alive). Written
// from the accounting documented on `Chain`, independently of the planner's trees and tables.

import type { Chain, Operation } from "../src/index.js";

interface Found {
  cost: number;
  ops: Operation[];
}

/** Least compute of any valid list of operations whose peak stays within `budget`; null if none. */
export function exhaustiveSearch(chain: Chain, budget: number): Found | null {
  const n = chain.forwardCost.length;
  const o = chain.outputBytes;
  const c = chain.contextBytes;
  const w = chain.forwardWorkspace ?? new Array<number>(n).fill(0);
  const cl = chain.leanContextBytes;
  // A state: alive activations a[0..n-1] (bitmask), which of them are checkpoints (kept by a
  // forward, bitmask), alive contexts (bitmask), which of those are lean (bitmask) and the index
  // of the alive gradient.
  const key = (acts: number, kept: number, ctxs: number, lean: number, grad: number) =>
    (((grad * 2 ** n + lean) * 2 ** n + ctxs) * 2 ** n + kept) * 2 ** n + acts;
  const memoryOf = (acts: number, ctxs: number, lean: number, grad: number) => {
    let bytes = o[grad];
    for (let j = 0; j < n; j++) {
      if (acts & (1 << j)) bytes += o[j];
      if (ctxs & (1 << j)) bytes += lean & (1 << j) && cl ? cl[j] : c[j];
    }
    return bytes;
  };
  if (memoryOf(1, 0, 0, n) > budget) return null;
  type State = [number, number, number, number, number];
  const best = new Map<
    number,
    { cost: number; from: number; op: Operation | null; state: State }
  >();
  const start: State = [1, 0, 0, 0, n];
  best.set(key(...start), { cost: 0, from: -1, op: null, state: start });
  const done = new Set<number>();
  const queue = new MinHeap<number>();
  queue.push(0, key(...start));
  while (queue.size > 0) {
    const [cost, id] = queue.pop();
    if (done.has(id)) continue;
    done.add(id);
    const [acts, kept, ctxs, lean, grad] = best.get(id)!.state;
    if (grad === 0 && acts === 0 && ctxs === 0) return { cost, ops: path(best, id) };
    const memory = memoryOf(acts, ctxs, lean, grad);
    const relax = (next: State, peak: number, step: number, op: Operation) => {
      if (peak > budget) return;
      const nextId = key(...next);
      const known = best.get(nextId);
      if (known === undefined || cost + step < known.cost) {
        best.set(nextId, { cost: cost + step, from: id, op, state: next });
        queue.push(cost + step, nextId);
      }
    };
    for (let s = 0; s < n; s++) {
      const bit = 1 << s;
      if (!(acts & bit)) continue;
      const checkpoint = (kept & bit) !== 0; // kept by a forward: stays until backward(s)
      if (!checkpoint) {
        relax([acts & ~bit, kept, ctxs, lean, grad], memory, 0, { type: "free", activation: s });
      }
      const outBit = s + 1 < n ? 1 << (s + 1) : 0;
      if (acts & outBit) continue; // its output is already in memory
      const peak = memory + o[s + 1] + w[s]; // the forward's workspace, while it runs
      const f = chain.forwardCost[s];
      if (!checkpoint) {
        const next: State = [(acts & ~bit) | outBit, kept, ctxs, lean, grad];
        relax(next, peak, f, { type: "forward", stage: s });
      }
      const ckpt: State = [acts | outBit, kept | bit, ctxs, lean, grad];
      relax(ckpt, peak, f, { type: "forward-checkpoint", stage: s });
      if (!(ctxs & bit)) {
        const next: State = [acts | outBit, kept | bit, ctxs | bit, lean, grad];
        relax(next, peak + c[s], f, { type: "forward-save", stage: s });
        // Lean: the whole context is alive while the forward runs, the lean part stays.
        const leanNext: State = [acts | outBit, kept | bit, ctxs | bit, lean | bit, grad];
        if (cl) relax(leanNext, peak + c[s], f, { type: "forward-save-lean", stage: s });
      }
    }
    // A context forward (chains that have them): stage grad − 1, with δ[grad] alive, no output.
    const s = grad - 1;
    const bit = 1 << s;
    if (chain.contextForwardCost && s >= 0 && s < n - 1 && acts & bit && !(ctxs & bit)) {
      const next: State = [acts, kept | bit, ctxs | bit, lean, grad];
      const peak = memory + c[s] + w[s];
      relax(next, peak, chain.contextForwardCost[s], { type: "forward-context", stage: s });
    }
    if (s >= 0 && acts & bit && ctxs & bit) {
      const clear = ~(1 << s);
      const next: State = [acts & clear, kept & clear, ctxs & clear, lean & clear, s];
      // From a lean context the backward rebuilds the rest while it runs, at its own cost.
      const isLean = cl && lean & bit && chain.leanBackwardCost;
      const peak = memory + o[s] + (isLean ? c[s] - cl[s] : 0);
      const b = isLean ? chain.leanBackwardCost![s] : chain.backwardCost[s];
      relax(next, peak, b, { type: "backward", stage: s });
    }
  }
  return null;
}

function path(
  best: Map<number, { cost: number; from: number; op: Operation | null }>,
  state: number,
): Operation[] {
  const ops: Operation[] = [];
  for (let at = best.get(state); at?.op; at = best.get(at.from)) ops.push(at.op);
  return ops.reverse();
}

/** A binary min-heap of (key, value) pairs. */
class MinHeap<T> {
  private readonly keys: number[] = [];
  private readonly values: T[] = [];

  get size(): number {
    return this.keys.length;
  }

  push(key: number, value: T): void {
    let at = this.keys.length;
    this.keys.push(key);
    this.values.push(value);
    while (at > 0) {
      const up = (at - 1) >> 1;
      if (this.keys[up] <= key) break;
      this.swap(at, up);
      at = up;
    }
  }

  pop(): [number, T] {
    const top: [number, T] = [this.keys[0], this.values[0]];
    const last = this.keys.length - 1;
    this.swap(0, last);
    this.keys.pop();
    this.values.pop();
    for (let at = 0; ; ) {
      const l = 2 * at + 1;
      const r = l + 1;
      let least = at;
      if (l < last && this.keys[l] < this.keys[least]) least = l;
      if (r < last && this.keys[r] < this.keys[least]) least = r;
      if (least === at) break;
      this.swap(at, least);
      at = least;
    }
    return top;
  }

  private swap(a: number, b: number): void {
    [this.keys[a], this.keys[b]] = [this.keys[b], this.keys[a]];
    [this.values[a], this.values[b]] = [this.values[b], this.values[a]];
  }
}
