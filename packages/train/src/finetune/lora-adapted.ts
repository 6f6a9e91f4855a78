// What every LoRA-adapted model shares, whatever its architecture (Llama's `LoraModel`, T5's
// `T5LoraModel`): the LoRA layers by module path, their gradients, the dropout switch, a loss
// without dropout, and the adapter in PEFT's layout.
import {
  type Adapter,
  adapterFromLayers,
  type LoRALinear,
  loadAdapterIntoLayers,
} from "@kairos/lora";

/** The LoRA layers of an adapted model and what is done with all of them at once. */
export abstract class LoraAdapted<Batch> {
  /** LoRA layers by module path (`model.layers.0.self_attn.q_proj`, `encoder.block.0.layer.0.SelfAttention.q`). */
  readonly layers: Record<string, LoRALinear> = {};
  /** The module names adapted, as the adapter's `target_modules`. */
  abstract readonly targetModules: readonly string[];
  abstract readonly dropout: number;
  /** PEFT's `task_type` of the adapter. */
  protected abstract readonly taskType: string | null;
  /** The frozen model's forward loss. */
  protected abstract baseLoss(batch: Batch): Promise<number>;

  zeroGrad(): void {
    for (const l of Object.values(this.layers)) l.zeroGrad();
  }

  setTraining(training: boolean): void {
    for (const l of Object.values(this.layers)) l.training = training;
  }

  /** Mean loss of a batch, forward only, with dropout off. */
  async loss(batch: Batch): Promise<number> {
    const was = Object.values(this.layers)[0]?.training ?? false;
    this.setTraining(false);
    try {
      return await this.baseLoss(batch);
    } finally {
      this.setTraining(was);
    }
  }

  /** The adapter in PEFT's layout (A and B copied), ready for `saveAdapter` of `@kairos/lora/node`. */
  adapter(baseModelNameOrPath: string | null = null): Adapter {
    return adapterFromLayers(this.layers, {
      loraDropout: this.dropout,
      targetModules: [...this.targetModules],
      baseModelNameOrPath,
      taskType: this.taskType,
    });
  }

  /** Loads an adapter's A and B into the layers (checked first: nothing changes on a mismatch). */
  loadAdapter(adapter: Adapter): void {
    loadAdapterIntoLayers(adapter, this.layers);
  }
}
