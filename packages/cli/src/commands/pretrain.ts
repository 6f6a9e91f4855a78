// `kairos pretrain --out DIR`: trains a base model from scratch on synthetic series (the library's
// `pretrain`), with progress on stderr, optional resumable checkpoints, and the model directory
// written whole at the end together with a training record.

import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BackendName } from "@kairos/lora";
import {
  CHRONOS_TOKENIZER,
  llamaConfig,
  parameterCount,
  pretrain as pretrainModel,
} from "@kairos/train";
import { loadCheckpoint, loadModel, saveCheckpoint, saveModel } from "@kairos/train/node";
import { openBackend } from "../base-model.js";
import { emit } from "../emit.js";
import type { CliIo } from "../io.js";
import { createProgress } from "../progress.js";
import { UsageError } from "../usage-error.js";

/** Flags of `kairos pretrain`. */
export interface PretrainFlags {
  out: string;
  steps: number;
  batchSize: number;
  lr: number;
  hidden: number;
  intermediate?: number;
  layers: number;
  heads: number;
  kvHeads?: number;
  vocab: number;
  context: number;
  prediction: number;
  seed: number;
  backend?: BackendName;
  checkpoint?: string;
  checkpointEvery: number;
  resume?: boolean;
  json?: boolean;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)}MiB`;

/** Runs `kairos pretrain`. */
export async function pretrain(flags: PretrainFlags, io: CliIo): Promise<void> {
  if (flags.resume && !flags.checkpoint)
    throw new UsageError("--resume needs --checkpoint DIR to resume from");
  if (flags.hidden % flags.heads !== 0) {
    throw new UsageError(
      `--hidden must be a multiple of --heads (${flags.heads}), got ${flags.hidden}`,
    );
  }
  const tokenizer = {
    ...CHRONOS_TOKENIZER,
    nTokens: flags.vocab,
    contextLength: flags.context,
    predictionLength: flags.prediction,
  };
  const config = llamaConfig({
    vocabSize: flags.vocab,
    hiddenSize: flags.hidden,
    intermediateSize: flags.intermediate ?? Math.ceil((flags.hidden * 2.75) / 8) * 8,
    numHiddenLayers: flags.layers,
    numAttentionHeads: flags.heads,
    numKeyValueHeads: flags.kvHeads ?? flags.heads,
    maxPositionEmbeddings: 2 * (flags.context + flags.prediction + 1),
    tokenizer,
  });
  const backend = await openBackend(flags.backend);
  try {
    let resume: Awaited<ReturnType<typeof loadCheckpoint>> | undefined;
    let weights: Map<string, Float32Array> | undefined;
    if (flags.resume && flags.checkpoint) {
      resume = await loadCheckpoint(join(flags.checkpoint, "trainer"));
      weights = (await loadModel(join(flags.checkpoint, "model"), { backend })).weights;
    }
    const progress = createProgress(io, "pretrain", flags.steps);
    let loss = Number.NaN;
    const started = Date.now();
    const { model, tokens } = await pretrainModel({
      config,
      backend,
      steps: flags.steps,
      batchSize: flags.batchSize,
      lr: flags.lr,
      minLr: flags.lr / 10,
      warmupSteps: Math.min(100, Math.floor(flags.steps / 10)),
      seed: flags.seed,
      weights,
      resume,
      checkpointEvery: flags.checkpoint ? flags.checkpointEvery : 0,
      onCheckpoint: async (checkpoint, m) => {
        const dir = flags.checkpoint as string;
        await saveModel(join(dir, "model"), m);
        await saveCheckpoint(join(dir, "trainer"), checkpoint);
      },
      onProgress: (p) => {
        loss = p.loss;
        const perSecond = p.elapsedMs > 0 ? (1000 * p.tokens) / p.elapsedMs : 0;
        progress.update(p.step, {
          loss: p.loss.toFixed(4),
          "tok/s": perSecond.toFixed(0),
          mem: mib(process.memoryUsage().rss),
        });
      },
    });
    progress.stop();
    const record = {
      out: flags.out,
      backend: backend.name,
      parameters: parameterCount(config),
      steps: flags.steps,
      batchSize: flags.batchSize,
      lr: flags.lr,
      seed: flags.seed,
      tokens,
      finalLoss: loss,
      wallSeconds: Math.round((Date.now() - started) / 1000),
    };
    await saveModel(flags.out, model);
    await writeFile(join(flags.out, "training.json"), `${JSON.stringify(record, null, 2)}\n`);
    emit(
      io,
      flags.json,
      record,
      `pretrained ${record.parameters} parameters for ${flags.steps} steps (${tokens} tokens), final loss ${loss.toFixed(4)} → ${flags.out}`,
    );
  } finally {
    await backend.dispose();
  }
}
