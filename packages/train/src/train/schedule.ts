// Learning-rate schedules: linear warmup, then cosine or linear decay to `minLr`, as
// `transformers.get_cosine_schedule_with_warmup` / `get_linear_schedule_with_warmup`.

/** Options of {@link learningRate}. */
export interface ScheduleOptions {
  lr: number;
  warmupSteps: number;
  totalSteps: number;
  decay: "cosine" | "linear" | "constant";
  /** Floor of the decay (default 0). */
  minLr?: number;
}

/** Learning rate for 0-based optimizer step `step`. */
export function learningRate(step: number, o: ScheduleOptions): number {
  const min = o.minLr ?? 0;
  if (step < o.warmupSteps) return (o.lr * (step + 1)) / o.warmupSteps;
  if (o.decay === "constant") return o.lr;
  const span = Math.max(1, o.totalSteps - o.warmupSteps);
  const progress = Math.min(1, (step - o.warmupSteps) / span);
  const f = o.decay === "cosine" ? 0.5 * (1 + Math.cos(Math.PI * progress)) : 1 - progress;
  return min + (o.lr - min) * f;
}
