// chronos-memory: the activation memory of a LoRA fine-tuning step (r 8, alpha 16 on q, k, v, o)
// of each published Chronos-T5 size at batch 8 × (512 + EOS, 64 + EOS) and each Chronos-Bolt size
// at batch 8 × (2048 values = 128 patches + REG, 1 decoder position), under each checkpointing
// mode of the CLI, from the planner: no training. The chain is measured on one block of each stack
// at batch 1 and scaled (t5-lora-chain.mjs; exact for bytes, tested), so even large's 24 + 24
// blocks are never built. Prints a markdown table (both families) and writes it to
// benchmarks/chronos-memory.md.
//
//   npm run build && npm run chronos-memory --workspace benchmarks      (~1–2 min on 2 cores)
import { writeFile } from "node:fs/promises";
import { plan } from "@kairos/checkpointing";
import { createBackend } from "@kairos/lora";
import {
  CHRONOS_BOLT_SIZES,
  CHRONOS_LENGTHS,
  CHRONOS_T5_SIZES,
  chronosBoltConfig,
  chronosT5Config,
} from "./chronos-shapes.mjs";
import { minimumBudget } from "./minimum-budget.mjs";
import { boltLoraChain, loraAdamWBytes, t5LoraChain, weightBytes } from "./t5-lora-chain.mjs";

const BATCH = 8;
const LORA = { rank: 8, alpha: 16, targetModules: ["q", "k", "v", "o"] };
const COMMAND = "npm run build && npm run chronos-memory --workspace benchmarks";

const MB = (bytes) => (bytes / 1e6).toFixed(1);
/** Extra compute of a plan over store-all's, in percent. */
const extra = (p, all) => `+${((100 * p.computeCost) / all.computeCost - 100).toFixed(0)}%`;

/**
 * Each family: its sizes, the config of a size, the scaled chain of a LoRA step at BATCH and its
 * encoder + decoder positions a row.
 */
const FAMILIES = {
  "chronos-t5": {
    sizes: CHRONOS_T5_SIZES,
    config: chronosT5Config,
    chain: (config, backend) =>
      t5LoraChain(config, { batchSize: BATCH, ...CHRONOS_LENGTHS, lora: LORA, backend }),
    // The context's ids + EOS; the prediction's + EOS.
    lengths: () => [CHRONOS_LENGTHS.contextLength + 1, CHRONOS_LENGTHS.predictionLength + 1],
  },
  "chronos-bolt": {
    sizes: CHRONOS_BOLT_SIZES,
    config: chronosBoltConfig,
    chain: (config, backend) =>
      boltLoraChain(config, {
        batchSize: BATCH,
        contextLength: config.contextLength,
        lora: LORA,
        backend,
      }),
    // A whole context's patches + [REG]; one decoder step.
    lengths: (config) => [config.contextLength / config.patchSize + 1, 1],
  },
};

async function row(family, size, backend) {
  const f = FAMILIES[family];
  const config = f.config(size);
  const chain = await f.chain(config, backend);
  const all = plan(chain, { strategy: "store-all" });
  const sqrt = plan(chain, { strategy: "sqrt" });
  const minimum = minimumBudget(chain);
  // 25% of store-all, or the least that fits where 25% does not.
  const budget = Math.max(Math.floor(all.peakBytes / 4), minimum);
  const atMinimum = budget === minimum && minimum > Math.floor(all.peakBytes / 4);
  const quarter = plan(chain, { strategy: "optimal", budgetBytes: budget });
  const least = plan(chain, { strategy: "optimal", budgetBytes: minimum });
  const s = f.sizes[size];
  const [encoder, decoder] = f.lengths(config);
  return [
    `${family}-${size}`,
    `${s.d_model}/${s.d_ff}/${s.num_layers}+${s.num_layers}/${s.num_heads}`,
    `${BATCH}×(${encoder}+${decoder})`,
    (weightBytes(config) / 4e6).toFixed(1),
    MB(weightBytes(config)),
    MB(loraAdamWBytes(config, LORA)),
    MB(all.peakBytes),
    `${MB(sqrt.peakBytes)} (${extra(sqrt, all)})`,
    `${MB(quarter.peakBytes)} of ${MB(budget)}${atMinimum ? " (its minimum)" : ""} (${extra(quarter, all)})`,
    `${MB(least.peakBytes)} (${extra(least, all)})`,
  ];
}

const backend = await createBackend("auto");
const head = [
  "model",
  "d_model/d_ff/layers/heads",
  "batch×(enc+dec)",
  "params (M)",
  "weights MB (f32)",
  "LoRA+grads+AdamW MB",
  "none (store-all) MB",
  "sqrt MB",
  "optimal at 25% MB",
  "optimal at its minimum MB",
];
const rows = [];
for (const [family, { sizes }] of Object.entries(FAMILIES)) {
  for (const size of Object.keys(sizes)) {
    rows.push(await row(family, size, backend));
    console.error(`measured ${family}-${size}`);
  }
}
await backend.dispose?.();

const table = [head, head.map(() => "---"), ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");
const bolt = chronosBoltConfig("tiny");
const text = `# Activation memory of a Chronos-T5 and Chronos-Bolt LoRA fine-tune

Regenerate: \`${COMMAND}\` (${new Date().toISOString().slice(0, 10)}).

One LoRA step (r ${LORA.rank}, alpha ${LORA.alpha} on ${LORA.targetModules.join(", ")}; AdamW) of each published
Chronos-T5 shape at batch ${BATCH}, encoder ${CHRONOS_LENGTHS.contextLength} + EOS, decoder ${CHRONOS_LENGTHS.predictionLength} + EOS positions, and of
each published Chronos-Bolt shape at batch ${BATCH}, a ${bolt.contextLength}-value context as ${bolt.contextLength / bolt.patchSize} patches of ${bolt.patchSize} + [REG]
on the encoder and its one decoder position (the head gives ${bolt.quantiles.length} quantiles of ${bolt.predictionLength} steps),
float32, as the planner of \`@kairos/checkpointing\` counts it: activations, contexts, the gradient
in flight and forward workspaces (\`MB\` = 10⁶ bytes). Modes as the CLI's \`--checkpointing\`:
\`none\` keeps every context; \`sqrt\` checkpoints √n segments; \`optimal\` at 25% of store-all's
peak (the planned peak of that budget) and at the least budget any schedule fits. In brackets,
the recomputation over store-all's compute. One table for both families: same columns, the
positions a row in \`batch×(enc+dec)\`.

How it is measured: \`measureChain\` on the same widths with one encoder and one decoder block at
batch 1, each block repeated to the model's depth and every byte figure times the batch
(\`benchmarks/src/t5-lora-chain.mjs\`). That is exact for the bytes (every pooled buffer is
rows × width, every block holds what the first does; \`benchmarks/test/t5-lora-chain.test.mjs\`
checks it against \`measureChain\` on a whole model of each family), so the store-all, sqrt and
minimum columns are exact. Stage times are scaled by the batch, an estimate: the 25% and minimum
plans' choices, and every recompute figure, move a little between regenerations. Weights and
LoRA bytes are from the config's tensor shapes (LoRA+grads+AdamW: adapters, their gradients and
two moments; Bolt's residual blocks are in its weights, never adapted). Outside the count, as
in every plan: named scratch reused from stage to stage (the attention kernel's per-sequence
scores and the [heads, T, T] position bias: about 17 MB for large).

${table}
`;
console.log(table);
await writeFile(new URL("../chronos-memory.md", import.meta.url), text);
console.error("wrote benchmarks/chronos-memory.md");
