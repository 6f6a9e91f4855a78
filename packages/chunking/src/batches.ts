/**
 * Groups windows (or anything) into batches, optionally in a seeded shuffled
 * order (Fisher–Yates over indices, so a {@link WindowSequence} is never
 * materialised: only the windows of the current batch exist).
 */
import { mulberry32 } from "./random.js";
import { checkInteger, checkOptions, show } from "./validate.js";

/** Options of {@link batches}. */
export interface BatchOptions {
  /** Items a batch. Positive integer. */
  batchSize: number;
  /** Shuffle the order once, by `seed`. Default false. */
  shuffle?: boolean;
  /** Seed of the shuffle: an integer, taken modulo 2^32. Default 0. */
  seed?: number;
  /** Leave out a last batch smaller than `batchSize`. Default false. */
  dropLast?: boolean;
}

/** Anything with a length and random access, such as an array or a `WindowSequence`. */
export interface Indexable<T> {
  readonly length: number;
  at(index: number): T | undefined;
}

function isIndexable<T>(items: unknown): items is Indexable<T> {
  const x = items as Indexable<T>;
  return (
    typeof x === "object" &&
    x !== null &&
    typeof x.length === "number" &&
    typeof x.at === "function"
  );
}

/**
 * Yields arrays of up to `batchSize` items. The same `seed` gives the same
 * order on every run and platform.
 *
 * @param items - An array, a `WindowSequence`, or any iterable (copied into an array).
 * @example
 * ```ts
 * for (const batch of batches(windows(prices, opts), { batchSize: 32, shuffle: true, seed: 7 })) {
 *   step(batch);
 * }
 * ```
 */
export function batches<T>(
  items: Indexable<T> | Iterable<T>,
  options: BatchOptions,
): Generator<T[]> {
  const fn = "batches";
  checkOptions(fn, options, ["batchSize", "shuffle", "seed", "dropLast"]);
  const batchSize = checkInteger(fn, "batchSize", options.batchSize);
  const { shuffle = false, seed = 0, dropLast = false } = options;
  if (typeof shuffle !== "boolean") {
    throw new TypeError(`${fn}(): shuffle must be a boolean, got ${show(shuffle)}`);
  }
  if (typeof dropLast !== "boolean") {
    throw new TypeError(`${fn}(): dropLast must be a boolean, got ${show(dropLast)}`);
  }
  if (typeof seed !== "number" || !Number.isSafeInteger(seed)) {
    const Err = typeof seed === "number" ? RangeError : TypeError;
    throw new Err(`${fn}(): seed must be an integer, got ${show(seed)}`);
  }
  let source: Indexable<T>;
  if (isIndexable<T>(items)) source = items;
  else if (items != null && typeof (items as Iterable<T>)[Symbol.iterator] === "function") {
    source = Array.from(items as Iterable<T>);
  } else {
    throw new TypeError(`${fn}(): items must be an array or an iterable, got ${show(items)}`);
  }
  const n = source.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (shuffle) {
    const random = mulberry32(seed);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
  }
  return emit(source, order, batchSize, dropLast ? n - (n % batchSize) : n);
}

/** The lazy part, so that bad arguments throw at the call, not at the first `next()`. */
function* emit<T>(source: Indexable<T>, order: Uint32Array, batchSize: number, end: number) {
  for (let start = 0; start < end; start += batchSize) {
    const batch: T[] = [];
    const stop = Math.min(start + batchSize, end);
    for (let k = start; k < stop; k++) batch.push(source.at(order[k]) as T);
    yield batch;
  }
}
