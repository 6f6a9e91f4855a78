// Forward-only runs of the T5 stacks over hidden states, for callers with their own embeddings
// (Chronos-Bolt): the encoder from input embeddings to its final-normed output, the decoder from
// decoder-input embeddings and an encoder output to its final-normed states. They run the same
// stages the training chain does (see t5-stages.ts for the carried [d | e] layout).
// Legend: B sequences, Te encoder / Td decoder positions, C hidden size.

import { rmsNormForward } from "../rms-norm.js";
import { type ModelStage, noRandom, outputOf } from "../stage.js";
import type { T5Geometry } from "./t5-block.js";
import { normOf, type T5Parts } from "./t5-parts.js";
import { t5DecoderBlockStage, t5DecoderFinalNormStage, t5EncoderBlockStage } from "./t5-stages.js";

/** The encoder's block stages (x [B·Te·C] → x), one a block. */
export function t5EncoderStages(parts: T5Parts, g: T5Geometry): ModelStage[] {
  return Array.from({ length: parts.config.numLayers }, (_, i) => t5EncoderBlockStage(parts, i, g));
}

/** The decoder's block stages over the carried [d | e], one a block. */
export function t5DecoderStages(parts: T5Parts, g: T5Geometry): ModelStage[] {
  return Array.from({ length: parts.config.numDecoderLayers }, (_, i) =>
    t5DecoderBlockStage(parts, i, g),
  );
}

/** Runs `stages` forward from a pooled `input` without keeping anything; returns the last output (pooled). */
async function runForward(parts: T5Parts, stages: ModelStage[], input: Float32Array) {
  let a = input;
  for (const s of stages) {
    const output = outputOf(await s.forward(a, { save: false, rng: noRandom }));
    parts.scratch.release(a);
    a = output;
  }
  return a;
}

/**
 * The encoder's final-normed output [B·Te, C] (a new array) of input embeddings x [B·Te, C] and a
 * padding mask `[B·Te]` (null: all real): blocks, then `encoder.final_layer_norm`.
 * @example const enc = await encodeEmbeddings(model.parts, embeddings, mask, 2, 64);
 */
export async function encodeEmbeddings(
  parts: T5Parts,
  x: Float32Array,
  mask: Uint8Array | null,
  B: number,
  T: number,
): Promise<Float32Array> {
  const C = parts.config.dModel;
  const g: T5Geometry = { batchSize: B, encoderLength: T, decoderLength: 1, encoderMask: mask };
  const h0 = parts.scratch.acquire(x.length);
  h0.set(x);
  const h = await runForward(parts, t5EncoderStages(parts, g), h0);
  const out = new Float32Array(B * T * C);
  const norm = normOf(parts, "encoder.final_layer_norm.weight");
  rmsNormForward(out, new Float32Array(B * T), h, norm.weight, B * T, C, norm.eps);
  parts.scratch.release(h);
  return out;
}

/**
 * The decoder's final-normed states [B·Td, C] (a new array) of decoder-input embeddings
 * d [B·Td, C] over an encoder output enc [B·Te, C] with its padding mask (null: all real).
 */
export async function decodeEmbeddings(
  parts: T5Parts,
  d: Float32Array,
  enc: Float32Array,
  encoderMask: Uint8Array | null,
  B: number,
  Td: number,
  Te: number,
): Promise<Float32Array> {
  const g: T5Geometry = { batchSize: B, encoderLength: Te, decoderLength: Td, encoderMask };
  const carried = parts.scratch.acquire(d.length + enc.length);
  carried.set(d);
  carried.set(enc, d.length);
  const stages = [...t5DecoderStages(parts, g), t5DecoderFinalNormStage(parts, g)];
  const h = await runForward(parts, stages, carried);
  const out = Float32Array.from(h);
  parts.scratch.release(h);
  return out;
}
