// A workload's ratios (ours / a reference, timed in the same run) from its tasks' round medians.
// Each round times every task once, side by side, so a ratio is taken round by round and the
// median of those paired ratios is the figure: drift in the machine's load between rounds
// cancels within a pair instead of landing on one side.
import { median } from "./time-task.mjs";

/**
 * @typedef {{ name: string, of: string, over: string, min?: number, gate?: boolean, why?: string }} RatioSpec
 *   `gate: false` (with `why`) reports a ratio without gating it; a ratio over a task marked
 *   `peer` (another library) is never gated: a peer's own speed swings here (tfjs-backend-wasm is
 *   bimodal on these VMs), and only our code's regressions should fail CI.
 */

/**
 * @param {RatioSpec[]} specs
 * @param {Record<string, { throughput: number, items: number, roundMs: number[], peer: string | null }>} tasks
 * @returns {Record<string, { value: number, rounds: number, of: string, over: string, min: number | null, gated: boolean, why: string | null }>}
 *   ratios whose tasks both ran (a task unavailable here, e.g. no GPU, skips its ratio)
 */
export function measureRatios(specs, tasks) {
  const out = {};
  for (const spec of specs) {
    const of = tasks[spec.of];
    const over = tasks[spec.over];
    if (!of || !over) continue;
    const peer = of.peer ?? over.peer;
    out[spec.name] = {
      value: pairedRatio(of, over),
      rounds: Math.min(of.roundMs.length, over.roundMs.length),
      of: spec.of,
      over: spec.over,
      min: spec.min ?? null,
      gated: spec.gate !== false && !peer,
      why: spec.gate === false ? (spec.why ?? "not gated") : peer ? `over a peer (${peer})` : null,
    };
  }
  return out;
}

/** Median over rounds of (items/ms of `of`) / (items/ms of `over`), both timed in that round. */
export function pairedRatio(of, over) {
  const rounds = Math.min(of.roundMs.length, over.roundMs.length);
  const perRound = [];
  for (let i = 0; i < rounds; i++) {
    perRound.push((of.items / of.roundMs[i]) * (over.roundMs[i] / over.items));
  }
  return Number(median(perRound).toPrecision(4));
}
