// Options and help text that several `kairos` commands share.
import { type Command, Option } from "commander";
import { BACKENDS } from "./base-model.js";
import { choiceFlag, integerFlag } from "./flags.js";

/** `--backend`, shared by every command that computes with a model. */
export const backendOption = () =>
  new Option("--backend <name>", `compute backend: ${BACKENDS.join(", ")}`)
    .argParser(choiceFlag("--backend", BACKENDS))
    .default("auto");

/** `--base`, shared by every command that loads a base model. */
export const baseOption = (fallback = "kairos-base-tiny") =>
  new Option(
    "--base <dir|hub-id>",
    `base model: a directory, or a hub id owner/name[@revision] pulled into the Hugging Face cache (default: ${fallback})`,
  );

/** `--context-length` and `--fit`, shared by finetune and forecast. */
export const contextOptions = (cmd: Command, fitDefault: string, fits: readonly string[]) =>
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

/** The "Example:" block of a command's help. */
export const example = (lines: string[]) =>
  `\nExample:\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`;
