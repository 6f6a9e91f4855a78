/**
 * The options every windowing function shares, checked once in one place.
 */
import { checkInteger, checkOptions } from "./validate.js";

/** Shape of the windows to cut. */
export interface WindowOptions {
  /** Past values a window holds (the model's context). Positive integer. */
  contextLength: number;
  /** Future values a window holds (the forecast horizon). Positive integer. */
  predictionLength: number;
  /** Steps between consecutive split points. Positive integer, default 1. */
  stride?: number;
  /**
   * Fewest observed (unpadded) context values a window may have, GluonTS's
   * `min_past`: `0..contextLength`, default `contextLength` (no padding).
   * Below `contextLength`, early windows are left-padded with NaN.
   */
  minContext?: number;
}

/** {@link WindowOptions} with every default filled in. */
export type ResolvedWindowOptions = Required<WindowOptions>;

/** The keys of {@link WindowOptions}, for unknown-option errors. */
export const windowOptionKeys = [
  "contextLength",
  "predictionLength",
  "stride",
  "minContext",
] as const;

/** Checks the window options of `fn`, allowing `extraKeys` as well, and fills defaults. */
export function resolveWindowOptions(
  fn: string,
  options: unknown,
  extraKeys: readonly string[] = [],
): ResolvedWindowOptions {
  checkOptions(fn, options, [...windowOptionKeys, ...extraKeys]);
  const o = options as WindowOptions;
  const contextLength = checkInteger(fn, "contextLength", o.contextLength);
  const predictionLength = checkInteger(fn, "predictionLength", o.predictionLength);
  const stride = checkInteger(fn, "stride", o.stride ?? 1);
  const minContext = checkInteger(fn, "minContext", o.minContext ?? contextLength, 0);
  if (minContext > contextLength) {
    throw new RangeError(
      `${fn}(): minContext must be at most contextLength (${contextLength}), got ${minContext}`,
    );
  }
  return { contextLength, predictionLength, stride, minContext };
}
