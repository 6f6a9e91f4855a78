/**
 * Line-by-line ports of the GluonTS code this package follows, on plain arrays,
 * used as the independent reference in tests (not shipped):
 * - `InstanceSplitter.flatmap_transform` (gluonts/transform/split.py) for the
 *   target field, with `dummy_value = NaN` as Chronos trains, and the sampler
 *   bounds of `InstanceSampler._get_bounds` (`a = min_past`, `b = len - min_future`);
 * - `OffsetSplitter.test_pair` + `AbstractBaseSplitter.generate_test_pairs`
 *   (gluonts/dataset/split.py), i.e. `split(offset=…)` then `generate_instances`.
 */

export interface Instance {
  splitIndex: number;
  past: number[];
  future: number[];
  isPad: number[];
}

/** `InstanceSplitter` on one target at the sampled split indices. */
export function instanceSplitter(
  target: readonly number[],
  pastLength: number,
  futureLength: number,
  sampledIndices: readonly number[],
): Instance[] {
  const out: Instance[] = [];
  for (const i of sampledIndices) {
    const padLength = Math.max(pastLength - i, 0);
    let past: number[];
    if (i >= pastLength) past = target.slice(i - pastLength, i);
    else past = [...new Array(padLength).fill(Number.NaN), ...target.slice(0, i)];
    const future = target.slice(i, i + futureLength);
    const isPad = new Array(pastLength).fill(0);
    for (let k = 0; k < padLength; k++) isPad[k] = 1;
    out.push({ splitIndex: i, past, future, isPad });
  }
  return out;
}

/** Split indices in the sampler bounds `[minPast, len - minFuture]`, every `stride`-th. */
export function evenlySpacedIndices(
  length: number,
  minPast: number,
  minFuture: number,
  stride: number,
): number[] {
  const a = minPast;
  const b = length - minFuture;
  const out: number[] = [];
  for (let i = a; i <= b; i += stride) out.push(i);
  return out;
}

/** Python's `seq[start:stop]` with negative and `None` (undefined) bounds. */
function pySlice<T>(seq: readonly T[], start?: number, stop?: number): T[] {
  const n = seq.length;
  const norm = (x: number) => (x < 0 ? Math.max(0, x + n) : Math.min(x, n));
  return seq.slice(start === undefined ? 0 : norm(start), stop === undefined ? n : norm(stop));
}

/** `OffsetSplitter(offset).test_pair(entry, prediction_length, offset=extra)`. */
function testPair(
  target: readonly number[],
  splitOffset: number,
  predictionLength: number,
  extra: number,
): [number[], number[]] {
  let offset = splitOffset + extra;
  if (splitOffset < 0 && offset >= 0) offset += target.length;
  if (offset + predictionLength !== 0) {
    return [pySlice(target, undefined, offset), pySlice(target, offset, offset + predictionLength)];
  }
  return [pySlice(target, undefined, offset), pySlice(target, offset, undefined)];
}

/** `generate_test_pairs(dataset=[target], prediction_length, windows, distance, max_history)`. */
export function generateTestPairs(
  target: readonly number[],
  splitOffset: number,
  predictionLength: number,
  windows = 1,
  distance?: number,
  maxHistory?: number,
): [number[], number[]][] {
  const d = distance ?? predictionLength;
  const out: [number[], number[]][] = [];
  for (let w = 0; w < windows; w++) {
    const [input, label] = testPair(target, splitOffset, predictionLength, w * d);
    out.push([maxHistory === undefined ? input : pySlice(input, -maxHistory), label]);
  }
  return out;
}
