/**
 * Windows over a series that arrives piece by piece (a file being read, a
 * socket), holding only the last `contextLength + predictionLength` values.
 * Each value is written twice into a mirrored ring buffer of `2 * span` slots
 * (slot `p` and `p + span`), so the last `span` values are always one
 * contiguous run and every window is a zero-copy view, padding included
 * (unwritten slots are NaN).
 */

import { checkValue, show } from "./validate.js";
import type { Window } from "./window.js";
import { resolveWindowOptions, type WindowOptions } from "./window-options.js";

/** What a stream may yield: single values or runs of values, in time order. */
export type StreamChunk = number | ArrayLike<number>;

/**
 * Yields the same windows as {@link windows} would for the concatenated
 * stream, as soon as each one is complete. Memory is constant: one
 * `Float64Array` of `2 * (contextLength + predictionLength)` slots.
 *
 * The views in a yielded window are valid until the next window is requested;
 * `slice()` them to keep them.
 *
 * @param source - An async or sync iterable of numbers or arrays of numbers.
 * @throws RangeError on ±Infinity (naming its position in the stream), and at
 *   the end when the stream was shorter than one window.
 * @example
 * ```ts
 * for await (const w of windowsFromStream(readValues("prices.csv"), { contextLength: 512, predictionLength: 64 })) {
 *   train(w.context, w.target);
 * }
 * ```
 */
export function windowsFromStream(
  source: AsyncIterable<StreamChunk> | Iterable<StreamChunk>,
  options: WindowOptions,
): AsyncGenerator<Window<Float64Array>> {
  const fn = "windowsFromStream";
  const o = resolveWindowOptions(fn, options);
  const s = source as Partial<AsyncIterable<StreamChunk> & Iterable<StreamChunk>>;
  if (
    typeof source !== "object" ||
    source === null ||
    (typeof s[Symbol.asyncIterator] !== "function" && typeof s[Symbol.iterator] !== "function")
  ) {
    throw new TypeError(`${fn}(): source must be an async or sync iterable, got ${show(source)}`);
  }
  return stream(fn, source, o.contextLength, o.predictionLength, o.stride, o.minContext);
}

async function* stream(
  fn: string,
  source: AsyncIterable<StreamChunk> | Iterable<StreamChunk>,
  contextLength: number,
  predictionLength: number,
  stride: number,
  minContext: number,
): AsyncGenerator<Window<Float64Array>> {
  const span = contextLength + predictionLength;
  const ring = new Float64Array(2 * span).fill(Number.NaN); // [2 * span], mirrored halves
  let count = 0; // values seen
  let nextEnd = minContext + predictionLength; // `end` of the next window to emit
  let emitted = 0;
  let p = 0; // count % span: slot of the next value
  for await (const chunk of source) {
    const values: ArrayLike<number> = typeof chunk === "number" ? [chunk] : chunk;
    if (typeof values !== "object" || values === null || typeof values.length !== "number") {
      throw new TypeError(
        `${fn}(): source must yield numbers or arrays of numbers, got ${show(chunk)}`,
      );
    }
    const length = values.length;
    for (let i = 0; i < length; i++) {
      const v = values[i];
      if (typeof v !== "number" || v === Infinity || v === -Infinity)
        checkValue(fn, "stream", count, v);
      ring[p] = v;
      ring[p + span] = v;
      count++;
      p = p + 1 === span ? 0 : p + 1;
      if (count === nextEnd) {
        // The last `span` values start at slot p (the oldest) and run to p + span.
        const targetStart = count - predictionLength;
        yield {
          contextStart: targetStart - contextLength,
          targetStart,
          end: count,
          context: ring.subarray(p, p + contextLength),
          target: ring.subarray(p + contextLength, p + span),
          padding: Math.max(0, contextLength - targetStart),
        };
        emitted++;
        nextEnd += stride;
      }
    }
  }
  if (emitted === 0) {
    throw new RangeError(
      `${fn}(): stream of length ${count} is shorter than one window ` +
        `(minContext ${minContext} + predictionLength ${predictionLength})`,
    );
  }
}
