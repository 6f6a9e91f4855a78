// `kairos export-windows`: the token windows `kairos finetune` would train on with the same flags
// (series, --context-length, --fit, --test), written for another trainer — PyTorch on a GPU, say
// (packages/train/scripts/continue_in_pytorch.py reads them). The layout is the pretraining
// export's (packages/train/scripts/export-pretrain-windows.mjs): windows.bin holds N records,
// little-endian, each ids int32[T], labels int32[T] (−100: no loss), keyMask uint8[T] (1: a real
// token); windows.json says N, T and the tokenizer. Llama-family models only: their windows are
// one token sequence each.

import {
  finetuneSplit,
  LlamaForecastModel,
  windowRecordFields,
  windowRecords,
} from "@kairos/train";
import { openBackend, resolveBase } from "../base-model.js";
import { emit } from "../emit.js";
import { type FinetuneDataFlags, finetuneData } from "../finetune-series.js";
import type { CliIo } from "../io.js";
import { openModel } from "../load-models.js";
import { writeOutputDirectory } from "../output-directory.js";
import { UsageError } from "../usage-error.js";

/** Flags of `kairos export-windows`. */
export interface ExportWindowsFlags extends FinetuneDataFlags {
  base?: string;
  out: string;
  json?: boolean;
}

/** Records a chunk of windows is tokenized in (bounds the memory of a long series). */
const CHUNK = 256;

/** Runs `kairos export-windows`. */
export async function exportWindows(flags: ExportWindowsFlags, io: CliIo): Promise<void> {
  const baseDir = await resolveBase(flags.base, io);
  const backend = await openBackend("reference");
  try {
    const model = await openModel(baseDir, backend);
    if (!(model instanceof LlamaForecastModel)) {
      throw new UsageError(
        `export-windows writes token sequences of a Llama-family model; ${baseDir} is a ${model.family} model`,
      );
    }
    await writeWindows(flags, io, baseDir, model);
  } finally {
    await backend.dispose();
  }
}

async function writeWindows(
  flags: ExportWindowsFlags,
  io: CliIo,
  baseDir: string,
  model: LlamaForecastModel,
): Promise<void> {
  // The windows finetune trains on: its split, with the model's own target length.
  const { inputs, data } = await finetuneData(flags, model.window);
  const context = data.contextLength;
  const list = inputs.map((s) => s.values);
  const lists = list.map(
    (v) => finetuneSplit(v, model.window, data, "kairos export-windows").train.windows,
  );
  // Every series' training windows, in order: [list, index] pairs.
  const windows = lists.flatMap((l, k) => Array.from({ length: l.length }, (_, i) => [k, i]));
  const T = model.positions(context);
  const bin = new Uint8Array(windows.length * 9 * T);
  for (let start = 0; start < windows.length; start += CHUNK) {
    const chunk = windows.slice(start, start + CHUNK).map(([k, i]) => lists[k].at(i));
    bin.set(windowRecords(model.batch(chunk, context)), start * 9 * T);
  }
  const layout = {
    count: windows.length,
    seqLen: T,
    base: baseDir,
    vocabSize: model.model.config.vocabSize,
    tokenizer: model.settings,
    series: inputs.map((s) => ({ file: s.file, column: s.column, values: s.values.length })),
    test: data.test,
    record: windowRecordFields(T),
  };
  await writeOutputDirectory(flags.out, {
    "windows.bin": bin,
    "windows.json": `${JSON.stringify(layout, null, 2)}\n`,
  });
  emit(
    io,
    flags.json,
    { out: flags.out, count: windows.length, seqLen: T, bytes: bin.length },
    `wrote ${flags.out}: ${windows.length} windows of ${T} positions (windows.bin, ${bin.length} bytes; windows.json)`,
  );
}
