/**
 * Argument checks shared by every public function. Each error names the
 * function, the argument and the value that came, as STYLE.md rule 15 asks:
 * `RangeError: windows(): contextLength must be a positive integer, got -3`.
 */

/** A series the package works on: views of it are zero-copy `subarray`s. */
export type Series = Float32Array | Float64Array;

/** Formats a received value for an error message. */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return String(value);
  }
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return `${typeof value} ${Object.prototype.toString.call(value)}`;
}

/** Throws unless `value` is an integer >= `min` (1 by default). */
export function checkInteger(fn: string, name: string, value: unknown, min = 1): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    const what = min === 1 ? "a positive integer" : `an integer >= ${min}`;
    const Err = typeof value === "number" ? RangeError : TypeError;
    throw new Err(`${fn}(): ${name} must be ${what}, got ${show(value)}`);
  }
  return value;
}

/** Throws on an options argument that is not an object or holds an unknown key. */
export function checkOptions(fn: string, options: unknown, valid: readonly string[]): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`${fn}(): options must be an object, got ${show(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!valid.includes(key)) {
      throw new TypeError(
        `${fn}(): unknown option ${JSON.stringify(key)}; valid options: ${valid.join(", ")}`,
      );
    }
  }
}

/** Throws unless `value` is a finite number or NaN (NaN is data: a missing value). */
export function checkValue(fn: string, name: string, index: number, value: unknown): void {
  if (typeof value !== "number") {
    throw new TypeError(`${fn}(): ${name}[${index}] must be a number, got ${show(value)}`);
  }
  if (value === Infinity || value === -Infinity) {
    throw new RangeError(`${fn}(): ${name}[${index}] must be finite or NaN, got ${value}`);
  }
}

/**
 * Checks a series and returns it as a typed array: a `Float32Array` or
 * `Float64Array` is returned as is (windows view it without copying); a plain
 * array of numbers is copied once into a `Float64Array`.
 */
export function checkSeries(fn: string, series: unknown): Series {
  let out: Series;
  if (series instanceof Float32Array || series instanceof Float64Array) out = series;
  else if (Array.isArray(series)) {
    for (let i = 0; i < series.length; i++) checkValue(fn, "series", i, series[i]);
    return Float64Array.from(series);
  } else {
    throw new TypeError(
      `${fn}(): series must be a Float32Array, Float64Array or array of numbers, got ${show(series)}`,
    );
  }
  for (let i = 0; i < out.length; i++) {
    const v = out[i];
    if (v === Infinity || v === -Infinity) checkValue(fn, "series", i, v);
  }
  return out;
}
