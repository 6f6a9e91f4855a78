// A frozen Chronos-Bolt model with LoRA on chosen target modules of its T5 core (PEFT's
// `get_peft_model` on a `ChronosBoltModelForForecasting`, no task type): the swap is T5LoraModel's
// over the core's module table, so module paths and adapter keys are T5's
// (`base_model.model.encoder.block.0.layer.0.SelfAttention.q.lora_A.weight`); the chain, the loss
// and the forecasts are the Bolt model's, with the adapters in place. The residual blocks stay
// frozen (PEFT's names for T5 modules do not match them).
import type { Adapter, Backend } from "@kairos/lora";
import type { BoltBatch } from "../model/bolt/bolt-batch.js";
import type { ChronosBoltModel } from "../model/bolt/bolt-model.js";
import type { ModelStage } from "../model/stage.js";
import type { ParameterRef } from "../train/adamw.js";
import type { Trainable } from "../train/trainable.js";
import { LoraAdapted } from "./lora-adapted.js";
import { T5LoraModel, type T5LoraOptions } from "./t5-lora-model.js";

/** Options of {@link BoltLoraModel}: T5's (default targets q, k, v, o; wi, wo on request). */
export type BoltLoraOptions = T5LoraOptions;

/** A ChronosBoltModel whose target projections carry LoRA adapters; a `Trainable<BoltBatch>`. */
export class BoltLoraModel extends LoraAdapted<BoltBatch> implements Trainable<BoltBatch> {
  readonly targetModules: string[];
  readonly dropout: number;
  /** The adapted core, whose layers these are. */
  private readonly core: T5LoraModel;

  constructor(
    readonly base: ChronosBoltModel,
    backend: Backend,
    options: BoltLoraOptions = {},
  ) {
    super();
    try {
      this.core = new T5LoraModel(base.core, backend, options);
    } catch (e) {
      throw new RangeError((e as Error).message.replace("T5LoraModel()", "BoltLoraModel()"));
    }
    Object.assign(this.layers, this.core.layers);
    this.targetModules = this.core.targetModules;
    this.dropout = this.core.dropout;
  }

  stages(batch: BoltBatch): ModelStage[] {
    return this.base.stages(batch);
  }

  chainInput(batch: BoltBatch): Float32Array {
    return batch.patches;
  }

  /** A and B of every layer, named by PEFT key (`base_model.model.<path>.lora_A.weight`). */
  parameters(): ParameterRef[] {
    return this.core.parameters();
  }

  // Not read: adapter() is the core's with no task type, as PEFT writes for a custom model.
  protected readonly taskType = "";

  protected baseLoss(batch: BoltBatch): Promise<number> {
    return this.base.loss(batch);
  }

  /** The adapter in PEFT's layout, `task_type` null as PEFT writes it for Chronos-Bolt. */
  override adapter(baseModelNameOrPath: string | null = null): Adapter {
    const a = this.core.adapter(baseModelNameOrPath);
    return { ...a, config: { ...a.config, taskType: null } };
  }

  /** W += scaling·B·A in every layer, in the base model's weights (PEFT `merge_and_unload`). */
  merge(): Promise<void> {
    return this.core.merge();
  }

  /** Undoes {@link merge} within float32 round-off. */
  unmerge(): Promise<void> {
    return this.core.unmerge();
  }
}
