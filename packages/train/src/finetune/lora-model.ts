// A frozen Llama model with LoRA on chosen target modules (PEFT's `get_peft_model`): each target
// projection is swapped in place for a `@kairos/lora` LoRALinear over the same frozen weight, and
// only the adapters' A and B are trainable.
import { type Backend, Linear, LoRALinear } from "@kairos/lora";
import type { LoraOptions as FamilyLoraOptions } from "../family/forecast-model.js";
import type { TokenBatch } from "../model/batch.js";
import type { LlamaModel } from "../model/llama.js";
import { LINEAR_MODULES, type LinearModule, modulePath } from "../model/parameters.js";
import type { ModelStage } from "../model/stage.js";
import type { ParameterRef } from "../train/adamw.js";
import type { Trainable } from "../train/trainable.js";
import { LoraAdapted } from "./lora-adapted.js";

/** LoRA hyper-parameters of a Llama: the family's, over Llama module names. */
export type LoraOptions = FamilyLoraOptions<LinearModule>;

/** Every key of {@link LoraOptions}, as unknown-option errors list them. */
export const LORA_OPTION_KEYS: readonly (keyof LoraOptions)[] = [
  "targetModules",
  "rank",
  "alpha",
  "dropout",
  "useRslora",
  "init",
  "seed",
];

/** Default LoRA targets: the attention projections. */
export const DEFAULT_TARGET_MODULES: LinearModule[] = ["q_proj", "k_proj", "v_proj", "o_proj"];

/** A LlamaModel whose target projections carry LoRA adapters; implements {@link Trainable}. */
export class LoraModel extends LoraAdapted<TokenBatch> implements Trainable {
  readonly targetModules: LinearModule[];
  readonly dropout: number;

  constructor(
    readonly base: LlamaModel,
    backend: Backend,
    options: LoraOptions = {},
  ) {
    super();
    this.targetModules = options.targetModules ?? DEFAULT_TARGET_MODULES;
    for (const m of this.targetModules) {
      if (!LINEAR_MODULES.includes(m)) {
        throw new RangeError(
          `LoraModel(): targetModules must be among ${LINEAR_MODULES.join(", ")}, got ${JSON.stringify(m)}`,
        );
      }
    }
    this.dropout = options.dropout ?? 0;
    const seed = options.seed ?? 0;
    base.layers.forEach((layer, l) => {
      // Frozen projections become `@kairos/lora` Linear layers: the backend may keep their weights
      // resident, and a frozen layer keeps no activation for its backward.
      for (const m of LINEAR_MODULES) {
        if (this.targetModules.includes(m)) continue;
        const p = layer.projections[m];
        const weight = base.weights.get(`${modulePath(l, m)}.weight`) as Float32Array;
        layer.projections[m] = new Linear(
          { inFeatures: p.inFeatures, outFeatures: p.outFeatures, weight },
          backend,
        );
      }
      for (const [j, m] of this.targetModules.entries()) {
        const p = layer.projections[m];
        const lora = new LoRALinear(
          {
            inFeatures: p.inFeatures,
            outFeatures: p.outFeatures,
            rank: options.rank ?? 8,
            alpha: options.alpha ?? 16,
            weight: base.weights.get(`${modulePath(l, m)}.weight`) as Float32Array,
            dropout: this.dropout,
            useRslora: options.useRslora ?? false,
            init: options.init ?? "kaiming",
            seed: (seed + 7919 * (l * LINEAR_MODULES.length + j)) >>> 0,
          },
          backend,
        );
        layer.projections[m] = lora;
        this.layers[modulePath(l, m)] = lora;
      }
    });
  }

  stages(batch: TokenBatch): ModelStage[] {
    return this.base.stages(batch);
  }

  parameters(): ParameterRef[] {
    return Object.entries(this.layers).flatMap(([path, l]) => [
      { name: `${path}.lora_A.weight`, value: l.loraA, grad: l.gradA, decay: true },
      { name: `${path}.lora_B.weight`, value: l.loraB, grad: l.gradB, decay: true },
    ]);
  }

  protected readonly taskType = "CAUSAL_LM";

  protected baseLoss(batch: TokenBatch): Promise<number> {
    return this.base.loss(batch);
  }
}
