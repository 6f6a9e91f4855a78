// Public API of @kairos/chunking: re-exports only (biome orders them; types are `export type`).

export type { Aggregate } from "./aggregate.js";
export type { BatchOptions, Indexable } from "./batches.js";
export { batches } from "./batches.js";
export type {
  ChunkResult,
  DownsampleResult,
  FitOptions,
  FitReport,
  FitResult,
  FitStrategy,
  TruncateResult,
} from "./fit-result.js";
export { fitToTokenLimit } from "./fit-to-token-limit.js";
export type { RollingOrigin, RollingOriginOptions } from "./rolling-origin.js";
export { rollingOrigin } from "./rolling-origin.js";
export type { Split, SplitOptions, TimeSplits } from "./split-by-time.js";
export { splitByTime } from "./split-by-time.js";
export type { Series } from "./validate.js";
export type { Window } from "./window.js";
export type { WindowOptions } from "./window-options.js";
export { WindowSequence } from "./window-sequence.js";
export { windows } from "./windows.js";
export type { StreamChunk } from "./windows-from-stream.js";
export { windowsFromStream } from "./windows-from-stream.js";
