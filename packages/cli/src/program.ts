// The `kairos` command line: one commander program whose commands each parse their flags
// (checked by ./flags.ts) and call the library. Errors propagate to `main`, which prints one line.

import { Command, Option } from "commander";
import { evaluateCommand } from "./commands/evaluate.js";
import { exportWindows } from "./commands/export-windows.js";
import { finetune } from "./commands/finetune.js";
import { forecast } from "./commands/forecast.js";
import { info } from "./commands/info.js";
import { merge } from "./commands/merge.js";
import { pretrain } from "./commands/pretrain.js";
import { pull } from "./commands/pull.js";
import { finetuneFlags, splitFlags } from "./finetune-flags.js";
import { FIT_STRATEGIES } from "./fit-history.js";
import { integerFlag, numberFlag } from "./flags.js";
import type { CliIo } from "./io.js";
import { backendOption, baseOption, contextOptions, example } from "./program-options.js";
import { DEFAULT_YEARS } from "./recent-years.js";

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

  const finetuneCommand = finetuneFlags(
    seriesOptions(
      program
        .command("finetune")
        .description(
          `LoRA fine-tune the base model on one or more series (default: bundled S&P 500, last ${DEFAULT_YEARS} years)`,
        ),
      true,
    ),
  );
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
    .addOption(baseOption())
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

  const exportCommand = splitFlags(
    seriesOptions(
      program
        .command("export-windows")
        .description(
          "Write the token windows `kairos finetune` trains on with the same flags (windows.bin + windows.json), for another trainer such as PyTorch",
        ),
      true,
    )
      .requiredOption("--out <dir>", "directory to write (written whole, then renamed into place)")
      .addOption(baseOption()),
  );
  contextOptions(exportCommand, "chunk", FIT_STRATEGIES)
    .addHelpText(
      "after",
      example([
        "kairos export-windows --csv prices.csv --column close --out data/prices",
        "python packages/train/scripts/continue_in_pytorch.py --base MODEL --adapter runs/finetune --data data/prices --out runs/gpu",
      ]),
    )
    .action(async (flags) => {
      await exportWindows(flags, io);
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
    .addOption(baseOption("kairos-base-tiny when shipped; scored zero-shot"))
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
    .addOption(baseOption())
    .addOption(backendOption())
    .option("--json", "print only JSON on stdout")
    .addHelpText("after", example(["kairos merge --adapter runs/spx --out models/spx-merged"]))
    .action(async (flags) => {
      await merge(flags, io);
    });

  program
    .command("pull")
    .description(
      "Download a Hugging Face Hub model or adapter (safetensors) into the Hugging Face cache",
    )
    .argument("<hub-id>", "repository owner/name, optionally owner/name@revision")
    .option("--revision <rev>", "branch, tag or commit (default: main)")
    .option(
      "--cache-dir <dir>",
      "cache root (default: HF_HUB_CACHE, $HF_HOME/hub or ~/.cache/huggingface/hub)",
    )
    .option("--json", "print only JSON on stdout")
    .addHelpText(
      "after",
      example([
        "kairos pull amazon/chronos-t5-small",
        "kairos pull my-org/my-model@v1 --cache-dir /data/hf-cache",
      ]),
    )
    .action(async (id: string, flags: { revision?: string; cacheDir?: string; json?: boolean }) => {
      await pull(id, flags, io);
    });

  program
    .command("info")
    .description("Show what a model or adapter directory holds (and check its files)")
    .argument("<dir>", "model or adapter directory, or a hub id owner/name[@revision]")
    .option("--json", "print only JSON on stdout")
    .addHelpText(
      "after",
      example([
        "kairos info models/kairos-base-tiny",
        "kairos info runs/spx --json",
        "kairos info amazon/chronos-bolt-tiny",
      ]),
    )
    .action(async (dir: string, flags: { json?: boolean }) => {
      await info(dir, flags, io);
    });

  return program;
}
