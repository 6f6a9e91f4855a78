// A frozen T5 model with LoRA on chosen target modules (PEFT's `get_peft_model` on a
// `T5ForConditionalGeneration`): every linear module whose name is a target — in the encoder's
// self-attention, the decoder's self-attention, its cross-attention (`EncDecAttention`) and the
// feed-forwards — is swapped in the model's module table for a `@kairos/lora` LoRALinear over the
// same frozen weight; the rest become frozen Linears. Only the adapters' A and B are trainable.
// Module paths are T5's own (`encoder.block.0.layer.0.SelfAttention.q`), so the adapter's keys
// are PEFT's: `base_model.model.<path>.lora_A.weight`.
import { type Backend, Linear, LoRALinear } from "@kairos/lora";
import type { ModelStage } from "../model/stage.js";
import type { Seq2SeqBatch } from "../model/t5/seq2seq-batch.js";
import type { T5Model } from "../model/t5/t5-model.js";
import { t5LinearShapes } from "../model/t5/t5-parameters.js";
import type { ParameterRef } from "../train/adamw.js";
import type { Trainable } from "../train/trainable.js";
import { LoraAdapted } from "./lora-adapted.js";
import type { LoraOptions } from "./lora-model.js";

/** Module names LoRA may target in T5 (PEFT matches a target against a module path's last name). */
export const T5_TARGET_MODULES = ["q", "k", "v", "o", "wi", "wi_0", "wi_1", "wo"] as const;
/** One of {@link T5_TARGET_MODULES}. */
export type T5TargetModule = (typeof T5_TARGET_MODULES)[number];

/** Options of {@link T5LoraModel}: Llama's {@link LoraOptions} with T5 module names. */
export type T5LoraOptions = Omit<LoraOptions, "targetModules"> & {
  /** Default q, k, v, o. In a gated model "wi" means both wi_0 and wi_1. */
  targetModules?: T5TargetModule[];
};

/** PEFT's key prefix of a `PeftModelForSeq2SeqLM` state dict. */
const PEFT_PREFIX = "base_model.model.";

/** A T5Model whose target projections carry LoRA adapters; a `Trainable<Seq2SeqBatch>`. */
export class T5LoraModel extends LoraAdapted<Seq2SeqBatch> implements Trainable<Seq2SeqBatch> {
  /** The module names adapted (with "wi" resolved to wi_0, wi_1 in a gated model). */
  readonly targetModules: string[];
  readonly dropout: number;

  constructor(
    readonly base: T5Model,
    backend: Backend,
    options: T5LoraOptions = {},
  ) {
    super();
    const requested = options.targetModules ?? ["q", "k", "v", "o"];
    for (const m of requested) {
      if (!T5_TARGET_MODULES.includes(m)) {
        throw new RangeError(
          `T5LoraModel(): targetModules must be among ${T5_TARGET_MODULES.join(", ")}, got ${JSON.stringify(m)}`,
        );
      }
    }
    const gated = base.config.isGated;
    const names = requested.flatMap((m) => (m === "wi" && gated ? ["wi_0", "wi_1"] : [m]));
    this.targetModules = [...new Set(names)];
    this.dropout = options.dropout ?? 0;
    const seed = options.seed ?? 0;
    const projections = base.parts.projections;
    let j = 0;
    for (const [path, [outFeatures, inFeatures]] of t5LinearShapes(base.config)) {
      const weight = base.weights.get(`${path}.weight`) as Float32Array;
      const name = path.slice(path.lastIndexOf(".") + 1);
      if (!this.targetModules.includes(name)) {
        projections[path] = new Linear({ inFeatures, outFeatures, weight }, backend);
        continue;
      }
      const lora = new LoRALinear(
        {
          inFeatures,
          outFeatures,
          rank: options.rank ?? 8,
          alpha: options.alpha ?? 16,
          weight,
          dropout: this.dropout,
          useRslora: options.useRslora ?? false,
          init: options.init ?? "kaiming",
          seed: (seed + 7919 * j++) >>> 0,
        },
        backend,
      );
      projections[path] = lora;
      this.layers[path] = lora;
    }
    if (j === 0) {
      throw new RangeError(
        `T5LoraModel(): targetModules ${JSON.stringify(requested)} match no module of this model`,
      );
    }
  }

  stages(batch: Seq2SeqBatch): ModelStage[] {
    return this.base.stages(batch);
  }

  chainInput(batch: Seq2SeqBatch): Int32Array {
    return batch.inputIds;
  }

  /** A and B of every layer, named by PEFT key (`base_model.model.<path>.lora_A.weight`). */
  parameters(): ParameterRef[] {
    return Object.entries(this.layers).flatMap(([path, l]) => [
      { name: `${PEFT_PREFIX}${path}.lora_A.weight`, value: l.loraA, grad: l.gradA, decay: true },
      { name: `${PEFT_PREFIX}${path}.lora_B.weight`, value: l.loraB, grad: l.gradB, decay: true },
    ]);
  }

  // No task type, as PEFT writes an adapter made with LoraConfig's default: PEFT 0.21 loads a
  // "SEQ_2_SEQ_LM" adapter as PeftModelForSeq2SeqLM, which fails on transformers 5.18's T5 (it
  // calls the removed `_prepare_encoder_decoder_kwargs_for_generation`); with null, every PEFT
  // version loads it as a plain PeftModel, under the same `base_model.model.` key names.
  protected readonly taskType = null;

  protected baseLoss(batch: Seq2SeqBatch): Promise<number> {
    return this.base.loss(batch);
  }

  /** W += scaling·B·A in every layer, in the base model's weights (PEFT `merge_and_unload`). */
  async merge(): Promise<void> {
    for (const l of Object.values(this.layers)) await l.merge();
  }

  /** Undoes {@link merge} within float32 round-off. */
  async unmerge(): Promise<void> {
    for (const l of Object.values(this.layers)) await l.unmerge();
  }
}
