// The `kairos` command line: one commander program whose commands each parse their flags
// (checked by ./flags.ts) and call the library. Errors propagate to `main`, which prints one line.

import { LINEAR_MODULES } from "@kairos/train";
import { Command, Option } from "commander";
import { BACKENDS } from "./base-model.js";
import { evaluateCommand } from "./commands/evaluate.js";
import { finetune } from "./commands/finetune.js";
import { forecast } from "./commands/forecast.js";
import { info } from "./commands/info.js";
import { merge } from "./commands/merge.js";
import { pretrain } from "./commands/pretrain.js";
import { FIT_STRATEGIES } from "./fit-history.js";
import {
  byteSizeFlag,
  choiceFlag,
  integerFlag,
  listFlag,
  nonNegativeFlag,
  numberFlag,
  partFlag,
} from "./flags.js";
import type { CliIo } from "./io.js";
import { DEFAULT_YEARS } from "./recent-years.js";

/** `--backend`, shared by every command that computes with a model. */
const backendOption = () =>
  new Option("--backend <name>", `compute backend: ${BACKENDS.join(", ")}`)
    .argParser(choiceFlag("--backend", BACKENDS))
    .default("auto");

/** `--context-length` and `--fit`, shared by finetune and forecast. */
const contextOptions = (cmd: Command, fitDefault: string, fits: readonly string[]) =>
  cmd
    .option(
      "--context-length <n>",
      "values a window or forecast sees (default and at most the model's context length)",
      integerFlag("--context-length"),
    )
    .addOption(
      new Option(
        "--fit <strategy>",
        `history beyond one context: ${fits.join(", ")} (truncate: the most recent context only; downsample: bucket means of the whole history, horizons in buckets${fits.includes("chunk") ? "; chunk: windows over all of it" : ""})`,
      )
        .argParser(choiceFlag("--fit", fits))
        .default(fitDefault),
    );

const example = (lines: string[]) => `\nExample:\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`;

/** Builds the program; `io` receives all output (commander's help and errors included). */
export function buildProgram(io: CliIo): Command {
  const program = new Command("kairos")
    .description("Fine-tune small forecasting models on your time series, evaluate and plot them.")
    .option("--debug", "print stack traces with errors")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showSuggestionAfterError(true);

  // `kairos finetune` takes several --csv and --column (one adapter over every file × column).
  const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];
  const seriesOptions = (cmd: Command, many = false) =>
    (many
      ? cmd
          .option(
            "--csv <file>",
            "CSV file with a header, repeatable (default: the bundled S&P 500 daily closes)",
            collect,
          )
          .option(
            "--column <name>",
            "column to train on, repeatable: one adapter over every --csv × --column (default: close for the bundled data)",
            collect,
          )
      : cmd
          .option(
            "--csv <file>",
            "CSV file with a header (default: the bundled S&P 500 daily closes)",
          )
          .option("--column <name>", "column to forecast (default: close for the bundled data)")
    )
      .option("--date <name>", "date column (default: one named date, time, timestamp or ds)")
      .option("--json", "print only JSON on stdout");

  const finetuneCommand = seriesOptions(
    program
      .command("finetune")
      .description(
        `LoRA fine-tune the base model on one or more series (default: bundled S&P 500, last ${DEFAULT_YEARS} years)`,
      ),
    true,
  )
    .option("--rank <r>", "LoRA rank", integerFlag("--rank"), 8)
    .option("--alpha <a>", "LoRA alpha (scaling alpha / rank)", numberFlag("--alpha"), 16)
    .addOption(
      new Option("--target-modules <list>", `comma-separated, among ${LINEAR_MODULES.join(",")}`)
        .argParser(listFlag("--target-modules", LINEAR_MODULES))
        .default(["q_proj", "k_proj", "v_proj", "o_proj"], "q_proj,k_proj,v_proj,o_proj"),
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
    .option("--base <dir>", "base model directory (default: kairos-base-tiny)")
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
    )
    .option("--samples <n>", "sample paths per forecast", integerFlag("--samples"), 20);
  contextOptions(finetuneCommand, "chunk", FIT_STRATEGIES)
    .addHelpText(
      "after",
      example([
        "kairos finetune --max-steps 200 --out runs/spx",
        "kairos finetune --csv sales.csv --column units --rank 4 --epochs 2",
        "kairos finetune --csv stores.csv --column north --column south --test 0.2",
      ]),
    )
    .action(async (flags) => {
      await finetune(flags, io);
    });

  const forecastCommand = seriesOptions(
    program
      .command("forecast")
      .description("Forecast a series with the base model or a fine-tuned adapter"),
  )
    .option("--adapter <dir>", "fine-tuned adapter (default: the base model zero-shot)")
    .option("--base <dir>", "base model directory (default: kairos-base-tiny)")
    .option(
      "--horizon <n>",
      "steps to forecast (default: the model's prediction length)",
      integerFlag("--horizon"),
    )
    .option("--samples <n>", "sample paths", integerFlag("--samples"), 20)
    .option("--seed <n>", "sampling seed", integerFlag("--seed", 0), 0)
    .option("--holdout", "hold out the last --horizon values, forecast them and score the forecast")
    .option("--plot <file>", "write a plot: FILE.svg or FILE.png")
    .addOption(backendOption());
  contextOptions(forecastCommand, "truncate", ["truncate", "downsample"])
    .addHelpText(
      "after",
      example(["kairos forecast --adapter runs/finetune --horizon 20 --plot forecast.png"]),
    )
    .action(async (flags) => {
      await forecast(flags, io);
    });

  seriesOptions(
    program
      .command("evaluate")
      .description(
        "Rolling-origin backtest: models against seasonal naive, naive and damped ETS (MASE, sMAPE, WQL)",
      ),
  )
    .option("--horizon <n>", "steps to forecast per fold", integerFlag("--horizon"), 20)
    .option("--folds <k>", "number of backtest folds", integerFlag("--folds"), 5)
    .option(
      "--context <n>",
      "history each forecaster sees (default: the model's context)",
      integerFlag("--context"),
    )
    .option("--base <dir>", "base model, scored zero-shot (default: kairos-base-tiny when shipped)")
    .option("--adapter <dir>", "fine-tuned adapter of the base model, scored too")
    .option("--baselines-only", "score the three baselines only, loading no model")
    .option("--samples <n>", "sample paths per model forecast", integerFlag("--samples"), 20)
    .option("--seed <n>", "sampling seed", integerFlag("--seed", 0), 0)
    .addOption(backendOption())
    .addOption(
      new Option("--season <m>", "seasonal period (default: from the dates' frequency)").argParser(
        integerFlag("--season"),
      ),
    )
    .addHelpText(
      "after",
      example(["kairos evaluate --csv weather.csv --column temp_max --horizon 14 --folds 4"]),
    )
    .action(async (flags) => {
      await evaluateCommand(flags, io);
    });

  program
    .command("pretrain")
    .description("Train a base model from scratch on synthetic series (KernelSynth and friends)")
    .requiredOption("--out <dir>", "model directory to write")
    .option("--steps <n>", "training steps", integerFlag("--steps"), 1000)
    .option("--batch-size <n>", "windows per step", integerFlag("--batch-size"), 8)
    .option("--lr <x>", "peak learning rate (cosine decay to a tenth)", numberFlag("--lr"), 3e-3)
    .option("--hidden <n>", "hidden size", integerFlag("--hidden"), 64)
    .option(
      "--intermediate <n>",
      "MLP size (default ≈ 2.75 × hidden)",
      integerFlag("--intermediate"),
    )
    .option("--layers <n>", "decoder layers", integerFlag("--layers"), 4)
    .option("--heads <n>", "attention heads", integerFlag("--heads"), 4)
    .option("--kv-heads <n>", "key/value heads (default: --heads)", integerFlag("--kv-heads"))
    .option("--vocab <n>", "tokenizer bins incl. special tokens", integerFlag("--vocab", 3), 1024)
    .option("--context <n>", "context length in steps", integerFlag("--context"), 128)
    .option("--prediction <n>", "prediction length in steps", integerFlag("--prediction"), 32)
    .option("--seed <n>", "random seed", integerFlag("--seed", 0), 0)
    .addOption(backendOption())
    .option("--checkpoint <dir>", "save a resumable checkpoint here every --checkpoint-every steps")
    .option(
      "--checkpoint-every <n>",
      "steps between checkpoints",
      integerFlag("--checkpoint-every"),
      250,
    )
    .option("--resume", "continue from the checkpoint in --checkpoint")
    .option("--json", "print only JSON on stdout")
    .addHelpText(
      "after",
      example(["kairos pretrain --out models/my-base --steps 3000 --checkpoint /tmp/ckpt"]),
    )
    .action(async (flags) => {
      await pretrain(flags, io);
    });

  program
    .command("merge")
    .description("Fold a LoRA adapter into its base model and write a plain model directory")
    .requiredOption("--adapter <dir>", "adapter directory (PEFT layout)")
    .requiredOption("--out <dir>", "model directory to write (written whole, then renamed)")
    .option("--base <dir>", "base model directory (default: kairos-base-tiny)")
    .addOption(backendOption())
    .option("--json", "print only JSON on stdout")
    .addHelpText("after", example(["kairos merge --adapter runs/spx --out models/spx-merged"]))
    .action(async (flags) => {
      await merge(flags, io);
    });

  program
    .command("info")
    .description("Show what a model or adapter directory holds (and check its files)")
    .argument("<dir>", "model or adapter directory")
    .option("--json", "print only JSON on stdout")
    .addHelpText(
      "after",
      example(["kairos info models/kairos-base-tiny", "kairos info runs/spx --json"]),
    )
    .action(async (dir: string, flags: { json?: boolean }) => {
      await info(dir, flags, io);
    });

  return program;
}
