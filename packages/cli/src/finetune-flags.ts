// The flags of `kairos finetune` beyond the series' (LoRA, optimizer, schedule, early stopping,
// memory, checkpoints, the test tail): each parsed and checked by ./flags.ts, with its default.
import { LINEAR_MODULES, T5_TARGET_MODULES } from "@kairos/train";
import { type Command, Option } from "commander";
import {
  byteSizeFlag,
  choiceFlag,
  integerFlag,
  listFlag,
  nonNegativeFlag,
  numberFlag,
  partFlag,
} from "./flags.js";
import { backendOption, baseOption } from "./program-options.js";
import { DEFAULT_YEARS } from "./recent-years.js";

/** Adds finetune's own flags to `cmd`. */
export function finetuneFlags(cmd: Command): Command {
  return splitFlags(cmd)
    .option("--rank <r>", "LoRA rank", integerFlag("--rank"), 8)
    .option("--alpha <a>", "LoRA alpha (scaling alpha / rank)", numberFlag("--alpha"), 16)
    .addOption(
      new Option(
        "--target-modules <list>",
        `comma-separated: for a Llama among ${LINEAR_MODULES.join(",")}; for a T5 among ${T5_TARGET_MODULES.join(",")}`,
      )
        // Any family's name parses; the model loaded checks its own (load-models.ts).
        .argParser(listFlag("--target-modules", [...LINEAR_MODULES, ...T5_TARGET_MODULES]))
        .default(undefined, "the attention projections: q_proj,k_proj,v_proj,o_proj or q,k,v,o"),
    )
    .option("--epochs <e>", "passes over the training windows (default 1)", numberFlag("--epochs"))
    .option("--max-steps <s>", "optimizer steps (instead of --epochs)", integerFlag("--max-steps"))
    .option("--lr <x>", "peak learning rate", numberFlag("--lr"), 1e-3)
    .option("--batch-size <n>", "windows per micro-batch", integerFlag("--batch-size"), 8)
    .option(
      "--gradient-accumulation <n>",
      "micro-batches per optimizer step",
      integerFlag("--gradient-accumulation"),
      1,
    )
    .option(
      "--warmup <n>",
      "linear warmup steps (default: a tenth of the steps, at most 20)",
      integerFlag("--warmup", 0),
    )
    .addOption(
      new Option("--schedule <name>", "learning-rate decay after warmup: cosine, linear, constant")
        .argParser(choiceFlag("--schedule", ["cosine", "linear", "constant"] as const))
        .default("cosine"),
    )
    .option(
      "--weight-decay <x>",
      "AdamW weight decay on the LoRA weights",
      nonNegativeFlag("--weight-decay"),
      0,
    )
    .option(
      "--lora-dropout <p>",
      "dropout on the LoRA branch, in [0, 1)",
      nonNegativeFlag("--lora-dropout", 1),
      0,
    )
    .option(
      "--eval-every <n>",
      "steps between validation-loss evaluations (default: a fifth of the steps)",
      integerFlag("--eval-every"),
    )
    .option(
      "--patience <n>",
      "stop after this many evaluations without a better validation loss (default: never); the best adapter is restored either way",
      integerFlag("--patience"),
    )
    .option(
      "--memory-budget <size>",
      "activation memory budget, e.g. 256MB",
      byteSizeFlag("--memory-budget"),
    )
    .option(
      "--checkpointing <mode>",
      "activation checkpointing: auto, none, sqrt, optimal",
      choiceFlag("--checkpointing", ["auto", "none", "sqrt", "optimal"] as const),
      "auto",
    )
    .addOption(backendOption())
    .addOption(baseOption())
    .option(
      "--out <dir>",
      "adapter directory to write (written whole, then renamed)",
      "runs/finetune",
    )
    .option("--seed <n>", "random seed", integerFlag("--seed", 0), 0)
    .option(
      "--checkpoint-every <n>",
      "write a resumable checkpoint into --out/checkpoint every n steps",
      integerFlag("--checkpoint-every"),
    )
    .option(
      "--resume <dir>",
      "continue a killed run from DIR/checkpoint (same flags: ends as the uninterrupted run)",
    )
    .option(
      "--prediction-length <n>",
      "target steps a training window holds (default and at most the model's prediction length): fewer let a shorter series fine-tune for a shorter horizon, the loss on those steps only",
      integerFlag("--prediction-length"),
    )
    .option("--samples <n>", "sample paths per forecast", integerFlag("--samples"), 20);
}

/**
 * `--years`, `--horizon`, `--folds` and `--test`: what the held-out test tail of a fine-tune is
 * (shared by finetune and export-windows, which leaves the same tail out).
 */
export function splitFlags(cmd: Command): Command {
  return cmd
    .option(
      "--years <n>",
      "with the bundled data: how many recent years to use",
      integerFlag("--years"),
      DEFAULT_YEARS,
    )
    .option(
      "--horizon <n>",
      "forecast horizon of the test backtest and plot",
      integerFlag("--horizon"),
      20,
    )
    .option(
      "--folds <k>",
      "test backtest folds (at most what the test tail holds)",
      integerFlag("--folds"),
      5,
    )
    .option(
      "--test <fraction|steps>",
      "held-out test tail the report scores, never trained on nor used for early stopping (default: --folds × --horizon steps, at most a fifth of the series)",
      partFlag("--test"),
    );
}
