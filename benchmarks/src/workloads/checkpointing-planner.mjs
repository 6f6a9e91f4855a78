// checkpointing-planner: how long plan() takes, and what each strategy costs on a chain shaped
// like a transformer (embedding, then per block an attention stage with a large context and an
// MLP stage with a smaller one, then a head with large logits) at 100/50/25/10% of store-all's
// peak. Costs are FLOPs (backward = 2 × forward), sizes float32 bytes.
import { plan } from "@kairos/checkpointing";

const MiB = 2 ** 20;

/**
 * The transformer-shaped chain: batch, context length, width, heads, vocabulary, blocks. With
 * `selective`, the chain also offers what @kairos/train's stages do: context forwards (the
 * output projection of attention and the down projection of the MLP skipped) and a lean
 * attention context (output and probabilities kept; LN, Q, K, V rebuilt by the backward at the
 * cost of the three input projections).
 */
export function transformerChain({
  batch = 8,
  length = 512,
  width = 256,
  heads = 8,
  vocab = 4096,
  blocks = 12,
  selective = false,
} = {}) {
  const btc = batch * length * width;
  const attention = { flops: 8 * btc * width + 4 * batch * length * length * width };
  attention.context = 4 * (5 * btc + batch * heads * length * length); // LN, Q, K, V, out; probs
  attention.contextFlops = attention.flops - 2 * btc * width; // no output projection
  attention.lean = attention.context - 4 * 4 * btc; // out and probs
  attention.leanBackward = 2 * attention.flops + 6 * btc * width; // + Q, K, V again
  const mlp = { flops: 16 * btc * width, context: 4 * 9 * btc }; // LN, hidden, activation
  mlp.contextFlops = mlp.flops - 8 * btc * width; // no down projection
  const plainStage = (flops, output, context) => ({ flops, output, context, contextFlops: flops });
  const stages = [{ ...plainStage(btc, 4 * btc, 0), contextFlops: 0 }]; // embedding
  for (let b = 0; b < blocks; b++) {
    stages.push({ ...attention, output: 4 * btc });
    stages.push({ ...mlp, output: 4 * btc });
  }
  const logits = batch * length * vocab;
  stages.push(plainStage(2 * btc * vocab, 4, 4 * (btc + 2 * logits))); // head + loss
  const chain = {
    forwardCost: stages.map((s) => s.flops),
    backwardCost: stages.map((s) => 2 * s.flops),
    outputBytes: [4 * batch * length, ...stages.map((s) => s.output)], // token ids in
    contextBytes: stages.map((s) => s.context),
  };
  if (!selective) return chain;
  return {
    ...chain,
    contextForwardCost: stages.map((s) => s.contextFlops),
    leanContextBytes: stages.map((s) => s.lean ?? s.context),
    leanBackwardCost: stages.map((s) => s.leanBackward ?? 2 * s.flops),
  };
}

/** A 64-stage chain of unequal stages (deterministic), for the planner's timing. */
function unevenChain(n) {
  const r = (i) => ((i * 2654435761) >>> 0) / 2 ** 32;
  return {
    forwardCost: Array.from({ length: n }, (_, i) => 1 + 3 * r(i)),
    backwardCost: Array.from({ length: n }, (_, i) => 2 + 5 * r(i + 100)),
    outputBytes: Array.from({ length: n + 1 }, (_, i) => Math.round(MiB * (1 + 4 * r(i + 200)))),
    contextBytes: Array.from({ length: n }, (_, i) => Math.round(MiB * 10 * r(i + 300))),
  };
}

const fractions = [1, 0.5, 0.25, 0.1];

/** The cheapest fitting plan over `settings` (or null), with the setting that gave it. */
function cheapest(chain, budgetBytes, settings, options) {
  let best = null;
  for (const setting of settings) {
    try {
      const p = plan(chain, { ...options(setting), budgetBytes });
      if (best === null || p.computeCost < best.plan.computeCost) best = { plan: p, setting };
    } catch {
      // does not fit this budget
    }
  }
  return best;
}

/** Every strategy at every budget: the rows of the report and the figures memory() keeps. */
function strategyTable(chain, selective) {
  const n = chain.forwardCost.length;
  const storeAll = plan(chain, { strategy: "store-all" });
  const counts = Array.from({ length: n }, (_, k) => k + 1);
  const rows = [];
  for (const fraction of fractions) {
    const budgetBytes = Math.floor(fraction * storeAll.peakBytes);
    // [strategy, name of the swept setting, its values]: the cheapest fitting value is reported
    const sweeps = [
      ["store-all", "", [0]],
      ["sqrt", "", [0]],
      ["segments", "segments", counts],
      ["revolve", "slots", counts],
      ["optimal", "memorySlots", [500]],
    ];
    const found = sweeps.map(([strategy, setting, values]) =>
      cheapest(chain, budgetBytes, values, (value) => ({ strategy, [setting]: value })),
    );
    // The same chain offering context forwards and lean attention contexts (see transformerChain).
    found.push(
      cheapest(selective, budgetBytes, [500], (memorySlots) => ({
        strategy: "optimal",
        memorySlots,
      })),
    );
    sweeps.push(["optimal, selective", "memorySlots", [500]]);
    const segments = found[2];
    sweeps.forEach(([strategy, setting], k) => {
      const best = found[k];
      const overhead = best && best.plan.computeCost / storeAll.computeCost - 1;
      rows.push({
        budget: `${fraction * 100}%`,
        "budget MiB": (budgetBytes / MiB).toFixed(0),
        strategy,
        setting: best && setting ? `${setting} ${best.setting}` : "",
        "peak MiB": best ? (best.plan.peakBytes / MiB).toFixed(1) : "does not fit",
        overhead: best ? `+${(100 * overhead).toFixed(1)}%` : "",
        "beats best segments":
          strategy.startsWith("optimal") && best && segments
            ? verdict(best.plan, segments.plan)
            : "",
      });
    });
  }
  return { rows, storeAll };
}

function verdict(optimal, segments) {
  if (optimal.computeCost < segments.computeCost) return "yes";
  if (optimal.computeCost === segments.computeCost) return "tie (no recomputation)";
  return "NO";
}

export default {
  name: "checkpointing-planner",
  description:
    "plan(): optimal DP time at 64 stages × 500 slots; strategies on a transformer chain",
  async setup() {
    const uneven = unevenChain(64);
    const transformer = transformerChain();
    const unevenPeak = plan(uneven, { strategy: "store-all" }).peakBytes;
    const transformerPeak = plan(transformer, { strategy: "store-all" }).peakBytes;
    return { uneven, unevenBudget: 0.3 * unevenPeak, transformer, transformerPeak };
  },
  tasks: {
    optimal64: {
      fn: ({ uneven, unevenBudget }) =>
        plan(uneven, { strategy: "optimal", budgetBytes: unevenBudget, memorySlots: 500 }),
      items: 1,
      unit: "plans",
    },
    optimalTransformer25pct: {
      fn: ({ transformer, transformerPeak }) =>
        plan(transformer, { strategy: "optimal", budgetBytes: 0.25 * transformerPeak }),
      items: 1,
      unit: "plans",
    },
    revolve64: {
      fn: ({ uneven }) => plan(uneven, { strategy: "revolve", slots: 8 }),
      items: 1,
      unit: "plans",
    },
  },
  memory({ transformer, transformerPeak }) {
    const at = (fraction) =>
      plan(transformer, {
        strategy: "optimal",
        budgetBytes: Math.floor(fraction * transformerPeak),
      }).peakBytes;
    return {
      storeAllPeak: transformerPeak,
      optimalPeakAt50pct: at(0.5),
      optimalPeakAt25pct: at(0.25),
      optimalPeakAt10pct: at(0.1),
    };
  },
  report({ transformer }) {
    const { rows } = strategyTable(transformer, transformerChain({ selective: true }));
    const missed = rows.filter((r) => r["beats best segments"] === "NO");
    if (missed.length > 0) {
      throw new Error(
        `optimal used more compute than the best segments count at ${missed.map((r) => r.budget).join(", ")}`,
      );
    }
    return rows;
  },
};
