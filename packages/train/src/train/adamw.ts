// AdamW (Loshchilov & Hutter 2019) as PyTorch's `torch.optim.AdamW`: decoupled weight decay
// θ ← θ − lr·λ·θ, then the bias-corrected Adam step. Its state (moments, step) is saved with a
// checkpoint so a resumed run takes exactly the steps of an uninterrupted one.

/** A trainable tensor and its accumulated gradient; `decay` selects weight decay (matrices only). */
export interface ParameterRef {
  name: string;
  value: Float32Array;
  grad: Float32Array;
  decay: boolean;
}

/** AdamW hyper-parameters (PyTorch defaults except weight decay 0). */
export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}

/** Serialisable optimizer state: step count and first/second moments by parameter name. */
export interface AdamWState {
  step: number;
  m: Record<string, Float32Array>;
  v: Record<string, Float32Array>;
}

/** AdamW over a fixed list of parameters; moments allocated once. */
export class AdamW {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  private step = 0;
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];

  constructor(
    readonly params: ParameterRef[],
    options: AdamWOptions = {},
  ) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
    for (const [k, v] of Object.entries({ beta1: this.beta1, beta2: this.beta2 })) {
      if (!(v >= 0 && v < 1)) throw new RangeError(`AdamW(): ${k} must be in [0, 1), got ${v}`);
    }
    if (!(this.weightDecay >= 0))
      throw new RangeError(`AdamW(): weightDecay must be non-negative, got ${this.weightDecay}`);
    this.m = params.map((p) => new Float32Array(p.value.length));
    this.v = params.map((p) => new Float32Array(p.value.length));
  }

  /** Bytes of optimizer state (two moments a parameter). */
  get stateBytes(): number {
    return this.m.reduce((a, m) => a + 8 * m.length, 0);
  }

  /** One update with learning rate `lr` from the current gradients. */
  update(lr: number): void {
    this.step++;
    const bc1 = 1 - this.beta1 ** this.step;
    const bc2 = 1 - this.beta2 ** this.step;
    const stepSize = lr / bc1;
    const b1 = this.beta1;
    const b2 = this.beta2;
    for (let p = 0; p < this.params.length; p++) {
      const { value, grad, decay } = this.params[p];
      const m = this.m[p];
      const v = this.v[p];
      const shrink = decay ? 1 - lr * this.weightDecay : 1;
      for (let i = 0; i < value.length; i++) {
        const g = grad[i];
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        value[i] = value[i] * shrink - (stepSize * m[i]) / (Math.sqrt(v[i] / bc2) + this.eps);
      }
    }
  }

  /** A copy of the state, for a checkpoint. */
  state(): AdamWState {
    const m: Record<string, Float32Array> = {};
    const v: Record<string, Float32Array> = {};
    this.params.forEach((p, i) => {
      m[p.name] = Float32Array.from(this.m[i]);
      v[p.name] = Float32Array.from(this.v[i]);
    });
    return { step: this.step, m, v };
  }

  /** Restores a state from {@link AdamW.state}; throws if a parameter is missing or mis-sized. */
  load(state: AdamWState): void {
    this.params.forEach((p, i) => {
      const m = state.m[p.name];
      const v = state.v[p.name];
      if (!m || !v || m.length !== p.value.length || v.length !== p.value.length) {
        throw new RangeError(
          `AdamW.load(): state for ${p.name} must have ${p.value.length} elements`,
        );
      }
      this.m[i].set(m);
      this.v[i].set(v);
    });
    this.step = state.step;
  }
}
