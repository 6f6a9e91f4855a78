/**
 * A lazy, re-iterable, randomly addressable run of windows whose split points
 * are evenly spaced: `targetStart(i) = firstTarget + i * stride`. Nothing is
 * allocated until a window is read, and reading one allocates only its two
 * views (or a padded context copy).
 */

import type { Series } from "./validate.js";
import { makeWindow, type Window } from "./window.js";

/** Windows `i = 0 .. length-1`, in time order. */
export class WindowSequence<S extends Series = Series> implements Iterable<Window<S>> {
  /** Number of windows. */
  readonly length: number;

  /**
   * Windows of `series` with split points from `firstTarget` up to and
   * including `lastTarget` every `stride` steps (none when `lastTarget < firstTarget`).
   */
  constructor(
    readonly series: S,
    readonly contextLength: number,
    readonly predictionLength: number,
    readonly firstTarget: number,
    lastTarget: number,
    readonly stride: number,
  ) {
    this.length =
      lastTarget < firstTarget ? 0 : Math.floor((lastTarget - firstTarget) / stride) + 1;
  }

  /** Split point of window `index`. */
  targetStart(index: number): number {
    return this.firstTarget + index * this.stride;
  }

  /** Window `index` (`0 <= index < length`). */
  at(index: number): Window<S> {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new RangeError(
        `WindowSequence.at(): index must be an integer in [0, ${this.length}), got ${index}`,
      );
    }
    return makeWindow(
      this.series,
      this.targetStart(index),
      this.contextLength,
      this.predictionLength,
    );
  }

  *[Symbol.iterator](): Iterator<Window<S>> {
    const { series, contextLength, predictionLength, stride } = this;
    let t = this.firstTarget;
    for (let i = 0; i < this.length; i++, t += stride) {
      yield makeWindow(series, t, contextLength, predictionLength);
    }
  }
}
