// The T5 model as checkpointing stages, in pieces a caller can chain between its own first and
// last stage (Chronos-Bolt feeds the encoder patch embeddings and reads the decoder's final-normed
// states into a quantile head):
//   embed:          ids [B·Te] (Int32)            → x [B·Te·C]
//   encoder block:  x [B·Te·C]                    → x [B·Te·C]
//   bridge:         x [B·Te·C]                    → [d | e] (encoder final norm; decoder input)
//   decoder block:  [d | e]                       → [d | e]
//   head:           [d | e]                       → [loss]     (or final norm: → d̂ [B·Td·C])
// THE CARRIED LAYOUT. A decoder block needs the encoder output besides its own input, and a chain
// passes one buffer from stage to stage, so from the bridge on every activation is the
// concatenation [decoder hidden d (B·Td·C) | encoder output e (B·Te·C)], row-major, d first. A
// decoder block passes e through unchanged (a copy: each stage owns its output); its backward
// returns [∂d | ∂e] where ∂e is the incoming ∂e plus its cross-attention's k/v gradient, so ∂e
// accumulates down the decoder and the bridge hands it to the encoder's final norm. Every byte of
// e is thus counted in each boundary the checkpoint planner sees — what is truly held.
// The masks and the geometry (B, Te, Td) travel with the batch, as Llama's key mask does.
// Legend: B sequences, Te encoder / Td decoder positions, C hidden size.
import { embeddingBackward, embeddingForward } from "../embedding.js";
import { heldBytes } from "../held-bytes.js";
import { type LmHead, type LmHeadContext, lmHeadBackward, lmHeadForward } from "../lm-head.js";
import { rmsNormBackwardOn, rmsNormForwardOn } from "../rms-norm.js";
import type { ModelStage, StageContext } from "../stage.js";
import {
  decoderBlockBackward,
  decoderBlockForward,
  encoderBlockBackward,
  encoderBlockForward,
  type T5DecoderBlockContext,
  type T5EncoderBlockContext,
  type T5Geometry,
} from "./t5-block.js";
import { normOf, type T5Parts } from "./t5-parts.js";

/** What the embedding stage returns as the gradient of token ids: nothing. */
const NO_GRADIENT = new Float32Array(0);

/** A norm stage's context: each row's reciprocal RMS (pooled). */
interface NormContext extends StageContext {
  rstd: Float32Array;
}

/** The decoder's input embeddings, written by the bridge: token ids through `shared`, or a caller's. */
export interface DecoderInput {
  /** Writes the decoder input hidden states into out [B·Td·C]. */
  forward(out: Float32Array): void;
  /** Accumulates the gradient of those states (dOut [B·Td·C]) into whatever made them. */
  backward?(dOut: Float32Array): void;
}

/** Pool hooks of a stage: buffers from and back to the model's scratch. */
function pooled(parts: T5Parts, keep?: Float32Array) {
  return {
    memory: parts.scratch,
    release: (value: Float32Array) => {
      if (value !== keep) parts.scratch.release(value);
    },
  };
}

/** Rows of the two halves. */
const sizes = (parts: T5Parts, g: T5Geometry) => {
  const C = parts.config.dModel;
  return { C, Nd: g.batchSize * g.decoderLength, Ne: g.batchSize * g.encoderLength };
};

/** Decoder input ids `[B·Td]` embedded with `shared.weight` (whose gradient they accumulate). */
export function tokenDecoderInput(parts: T5Parts, ids: Int32Array): DecoderInput {
  const C = parts.config.dModel;
  return {
    forward: (out) =>
      embeddingForward(out, parts.weights.get("shared.weight") as Float32Array, ids, C),
    backward: (dOut) => {
      const g = parts.grads?.get("shared.weight");
      if (g) embeddingBackward(g, dOut, ids, C);
    },
  };
}

/** Stage 0: token ids [B·Te] → their `shared.weight` rows [B·Te·C]. */
export function t5EmbedStage(parts: T5Parts): ModelStage {
  const C = parts.config.dModel;
  return {
    name: "encoder.embed",
    ...pooled(parts),
    forward: async (input, { save }) => {
      const out = parts.scratch.acquire(input.length * C);
      embeddingForward(
        out,
        parts.weights.get("shared.weight") as Float32Array,
        input as Int32Array,
        C,
      );
      return { output: out, context: save ? { bytes: 0 } : undefined };
    },
    backward: async (_context, input, dOutput) => {
      const g = parts.grads?.get("shared.weight");
      if (g) embeddingBackward(g, dOutput, input as Int32Array, C);
      return NO_GRADIENT;
    },
  };
}

/** Encoder block `block` over x [B·Te·C]. */
export function t5EncoderBlockStage(parts: T5Parts, block: number, g: T5Geometry): ModelStage {
  return {
    name: `encoder.block${block}`,
    ...pooled(parts),
    forward: async (input, { save, rng }) => {
      const x = input as Float32Array;
      const f = await encoderBlockForward(parts, block, g, x, save, rng);
      return { output: f.output, context: f.context ?? undefined };
    },
    backward: (context, input, dOutput) =>
      encoderBlockBackward(
        parts,
        block,
        g,
        context as T5EncoderBlockContext,
        input as Float32Array,
        dOutput,
      ),
  };
}

/**
 * The bridge: the encoder's last hidden states [B·Te·C] → [decoder input d | e], e the encoder's
 * final-normed output (`encoder.final_layer_norm`), d from `decoderInput`.
 */
export function t5BridgeStage(
  parts: T5Parts,
  g: T5Geometry,
  decoderInput: DecoderInput,
): ModelStage {
  const { C, Nd, Ne } = sizes(parts, g);
  const norm = normOf(parts, "encoder.final_layer_norm.weight");
  return {
    name: "bridge",
    ...pooled(parts),
    forward: async (input, { save }) => {
      const x = input as Float32Array;
      const out = parts.scratch.acquire((Nd + Ne) * C);
      const rstd = parts.scratch.acquire(Ne);
      decoderInput.forward(out.subarray(0, Nd * C));
      const e = out.subarray(Nd * C);
      await rmsNormForwardOn(parts.backend, e, rstd, x, norm.weight, Ne, C, norm.eps);
      if (!save) parts.scratch.release(rstd);
      const context: NormContext | undefined = save ? { rstd, bytes: rstd.byteLength } : undefined;
      return { output: out, context };
    },
    backward: async (context, input, dOutput) => {
      const { rstd } = context as NormContext;
      decoderInput.backward?.(dOutput.subarray(0, Nd * C));
      const dx = parts.scratch.acquire(Ne * C).fill(0);
      await rmsNormBackwardOn(
        parts.backend,
        dx,
        norm.grad,
        dOutput.subarray(Nd * C),
        input as Float32Array,
        norm.weight,
        rstd,
        Ne,
        C,
      );
      parts.scratch.release(rstd);
      return dx;
    },
  };
}

/** Decoder block `block` over the carried [d | e]. */
export function t5DecoderBlockStage(parts: T5Parts, block: number, g: T5Geometry): ModelStage {
  const { C, Nd } = sizes(parts, g);
  return {
    name: `decoder.block${block}`,
    ...pooled(parts),
    forward: async (input, { save, rng }) => {
      const carried = input as Float32Array;
      const [d, e] = [carried.subarray(0, Nd * C), carried.subarray(Nd * C)];
      const f = await decoderBlockForward(parts, block, g, d, e, save, rng);
      const out = parts.scratch.acquire(carried.length);
      out.set(f.output);
      out.set(e, Nd * C);
      parts.scratch.release(f.output);
      if (f.context) f.context.bytes = heldBytes(f.context, carried); // e's views are the input's
      return { output: out, context: f.context ?? undefined };
    },
    backward: async (context, input, dOutput) => {
      const carried = input as Float32Array;
      const dIn = parts.scratch.acquire(carried.length);
      dIn.set(dOutput.subarray(Nd * C), Nd * C);
      const ctx = context as T5DecoderBlockContext;
      const d = carried.subarray(0, Nd * C);
      const dy = dOutput.subarray(0, Nd * C);
      const dx = await decoderBlockBackward(parts, block, g, ctx, d, dy, dIn.subarray(Nd * C));
      dIn.set(dx);
      parts.scratch.release(dx);
      return dIn;
    },
  };
}

/** The last stage: decoder final norm, tied scaling, LM head and mean cross-entropy over labels. */
export function t5LmHeadStage(
  parts: T5Parts,
  g: T5Geometry,
  head: LmHead,
  labels: Int32Array,
): ModelStage {
  const { C, Nd } = sizes(parts, g);
  return {
    name: "head",
    ...pooled(parts, head.loss),
    forward: (input, { save }) =>
      lmHeadForward(head, (input as Float32Array).subarray(0, Nd * C), labels, save),
    backward: async (context, input, dOutput) => {
      const dx = await lmHeadBackward(head, context as LmHeadContext, labels, dOutput[0]);
      const dIn = parts.scratch.acquire(input.length).fill(0);
      dIn.set(dx);
      parts.scratch.release(dx);
      return dIn;
    },
  };
}

/**
 * A last-but-one stage for a caller's own head (Chronos-Bolt's quantile head): the carried [d | e]
 * → d's final-normed states (`decoder.final_layer_norm`) [B·Td·C]; its backward returns [∂d | 0].
 */
export function t5DecoderFinalNormStage(parts: T5Parts, g: T5Geometry): ModelStage {
  const { C, Nd } = sizes(parts, g);
  const norm = normOf(parts, "decoder.final_layer_norm.weight");
  return {
    name: "decoder.final_layer_norm",
    ...pooled(parts),
    forward: async (input, { save }) => {
      const out = parts.scratch.acquire(Nd * C);
      const rstd = parts.scratch.acquire(Nd);
      const x = input as Float32Array;
      await rmsNormForwardOn(parts.backend, out, rstd, x, norm.weight, Nd, C, norm.eps);
      if (!save) parts.scratch.release(rstd);
      const context: NormContext | undefined = save ? { rstd, bytes: rstd.byteLength } : undefined;
      return { output: out, context };
    },
    backward: async (context, input, dOutput) => {
      const { rstd } = context as NormContext;
      const dIn = parts.scratch.acquire(input.length).fill(0);
      const x = input as Float32Array;
      await rmsNormBackwardOn(parts.backend, dIn, norm.grad, dOutput, x, norm.weight, rstd, Nd, C);
      parts.scratch.release(rstd);
      return dIn;
    },
  };
}
