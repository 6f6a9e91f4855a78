// The checkpointing chain of a LoRA fine-tuning step of a T5 (Chronos) or a Chronos-Bolt at any
// depth and batch, without building the whole model: `measureChain` on the same widths with one
// block of each stack, at batch 1, then every encoder block repeated as the measured one and every
// decoder block too, and every byte figure times the batch. Both chains are [input stage, encoder
// blocks…, bridge, decoder blocks…, tail stages]: T5's [encoder.embed, …, head], Bolt's
// [bolt.input, …, decoder.final_layer_norm, bolt.head]. Exact because every pooled buffer a stage
// counts is rows × width (rows = batch × positions; the T×T scores are named scratch, outside the
// chain's count), block i holds what block 0 holds, and the one figure that is not per row is the
// loss [1]: test/t5-lora-chain.test.mjs checks it all against measureChain on a whole model of
// each family. Stage times are scaled by the batch too: an estimate, which only the optimal plan's
// choices weigh. Also the fixed bytes, from the config alone: weights, and LoRA adapters +
// gradients + AdamW.
import {
  BoltLoraModel,
  boltParameterShapes,
  ChronosBoltModel,
  measureChain,
  T5LoraModel,
  T5Model,
  t5ParameterShapes,
} from "@kairos/train";
import { chronosBatch, chronosBoltBatch } from "./chronos-shapes.mjs";

const BYTE_FIELDS = ["contextBytes", "leanContextBytes", "forwardWorkspace"];
const COST_FIELDS = ["forwardCost", "backwardCost", "contextForwardCost", "leanBackwardCost"];

/**
 * The measured chain of `config` with one block of each stack at batch 1.
 * @param {{ contextLength: number, predictionLength: number, lora: object, backend: object }} o
 */
export async function oneBlockChain(config, { contextLength, predictionLength, lora, backend }) {
  const one = { ...config, numLayers: 1, numDecoderLayers: 1 };
  const model = new T5LoraModel(T5Model.create(one, 1, { backend }), backend, lora);
  const batch = chronosBatch({
    batchSize: 1,
    contextLength,
    predictionLength,
    vocabSize: config.vocabSize,
  });
  return measureChain(model.stages(batch), model.chainInput(batch));
}

/**
 * The measured chain of a Chronos-Bolt `config` with one block of each stack at batch 1, on a
 * random series of `contextLength` values.
 * @param {{ contextLength: number, lora: object, backend: object }} o
 */
export async function boltOneBlockChain(config, { contextLength, lora, backend }) {
  const one = { ...config, t5: { ...config.t5, numLayers: 1, numDecoderLayers: 1 } };
  const model = new BoltLoraModel(ChronosBoltModel.create(one, 1, { backend }), backend, lora);
  const batch = chronosBoltBatch(one, { batchSize: 1, contextLength });
  return measureChain(model.stages(batch), model.chainInput(batch));
}

/**
 * A per-stage array of a one-block chain (input stage, encoder block, bridge, decoder block, then
 * the tail stages) with its blocks repeated `layers` / `decoderLayers` times.
 */
function repeatBlocks(values, layers, decoderLayers) {
  const [input, encoder, bridge, decoder, ...tail] = values;
  return [
    input,
    ...Array(layers).fill(encoder),
    bridge,
    ...Array(decoderLayers).fill(decoder),
    ...tail,
  ];
}

/** The chain of a whole model at `batchSize` from {@link oneBlockChain}'s or {@link boltOneBlockChain}'s. */
export function scaleChain(chain, { layers, decoderLayers, batchSize }) {
  const out = {};
  const repeat = (v) => repeatBlocks(v, layers, decoderLayers);
  for (const f of BYTE_FIELDS) if (chain[f]) out[f] = repeat(chain[f]).map((b) => b * batchSize);
  for (const f of COST_FIELDS) if (chain[f]) out[f] = repeat(chain[f]).map((c) => c * batchSize);
  // outputBytes[s] is stage s's input: the chain's input, each stage's output, and last the loss
  // [1]. Inputs of the repeated blocks: the encoder's first from the input stage, the others (and
  // the bridge) from an encoder block; the decoder's alike.
  const [input, first, encoder, bridge, decoder, ...rest] = chain.outputBytes;
  const loss = rest.pop();
  const perRow = [
    input,
    first,
    ...Array(layers).fill(encoder),
    bridge,
    ...Array(decoderLayers).fill(decoder),
    ...rest,
  ];
  out.outputBytes = [...perRow.map((b) => b * batchSize), loss];
  return out;
}

/**
 * The chain of a LoRA step of `config` (all its blocks) at `batchSize`, measured on one block.
 * @param {object} config a T5Config
 * @param {{ batchSize: number, contextLength: number, predictionLength: number, lora: object, backend: object }} options
 */
export async function t5LoraChain(config, options) {
  const chain = await oneBlockChain(config, options);
  return scaleChain(chain, {
    layers: config.numLayers,
    decoderLayers: config.numDecoderLayers,
    batchSize: options.batchSize,
  });
}

/**
 * The chain of a LoRA step of a Chronos-Bolt `config` (all its blocks) at `batchSize`, measured on
 * one block.
 * @param {object} config a BoltConfig
 * @param {{ batchSize: number, contextLength: number, lora: object, backend: object }} options
 */
export async function boltLoraChain(config, options) {
  const chain = await boltOneBlockChain(config, options);
  return scaleChain(chain, {
    layers: config.t5.numLayers,
    decoderLayers: config.t5.numDecoderLayers,
    batchSize: options.batchSize,
  });
}

/** Every weight of a T5Config or a BoltConfig (its core and residual blocks) in float32 bytes. */
export function weightBytes(config) {
  const shapes = config.t5 ? boltParameterShapes(config) : t5ParameterShapes(config);
  let n = 0;
  for (const shape of shapes.values()) n += shape.reduce((a, b) => a * b, 1);
  return 4 * n;
}

/**
 * Adapters A [rank, in] and B [out, rank] on every targeted linear module (by its last name: q, k,
 * v, o, wi, wo) of a T5 or of a Bolt's T5 core (its residual blocks are never adapted), their
 * gradients and AdamW's two moments: 4 float32 copies of rank × (in + out).
 */
export function loraAdamWBytes(config, { rank, targetModules }) {
  let n = 0;
  for (const [key, [out, inFeatures]] of t5ParameterShapes(config.t5 ?? config)) {
    if (targetModules.includes(key.split(".").at(-2))) n += rank * (inFeatures + out);
  }
  return 4 * 4 * n;
}
