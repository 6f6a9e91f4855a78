// Every weight of a LlamaModel trainable (pretraining from scratch, full fine-tuning): the
// {@link Trainable} view of a model built with `trainable: true`. Weight decay on matrices only.
import type { TokenBatch } from "../model/batch.js";
import type { LlamaModel } from "../model/llama.js";
import { parameterShapes } from "../model/parameters.js";
import type { ModelStage } from "../model/stage.js";
import type { ParameterRef } from "../train/adamw.js";
import type { Trainable } from "../train/trainable.js";

/** All of a model's weights as trainable parameters. */
export class FullModel implements Trainable {
  constructor(readonly model: LlamaModel) {
    if (!model.grads)
      throw new RangeError(
        "FullModel(): model must be built with trainable: true, got trainable: false",
      );
  }

  stages(batch: TokenBatch): ModelStage[] {
    return this.model.stages(batch);
  }

  parameters(): ParameterRef[] {
    const grads = this.model.grads as Map<string, Float32Array>;
    return [...parameterShapes(this.model.config)].map(([name, shape]) => ({
      name,
      value: this.model.weights.get(name) as Float32Array,
      grad: grads.get(name) as Float32Array,
      decay: shape.length >= 2,
    }));
  }

  zeroGrad(): void {
    this.model.zeroGrad();
  }

  loss(batch: TokenBatch): Promise<number> {
    return this.model.loss(batch);
  }
}
