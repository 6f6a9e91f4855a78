// The browser entry points of the Kairos packages (each package's main entry, and lora's `gpu`
// subpath), by source file. `@kairos/cli` (the `kairos` app) and the `./node` subpaths are Node
// only and left out on purpose.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The monorepo's packages/ folder. */
export const packagesDir = join(dirname(fileURLToPath(import.meta.url)), "../../../../packages");

/** Import specifier → source file of that entry. */
export const browserEntries: Record<string, string> = {
  "@kairos/checkpointing": join(packagesDir, "checkpointing/src/index.ts"),
  "@kairos/chunking": join(packagesDir, "chunking/src/index.ts"),
  "@kairos/lora": join(packagesDir, "lora/src/index.ts"),
  "@kairos/lora/gpu": join(packagesDir, "lora/src/gpu/index.ts"),
  "@kairos/tokenizer": join(packagesDir, "tokenizer/src/index.ts"),
  "@kairos/train": join(packagesDir, "train/src/index.ts"),
};
