/**
 * Argument checks shared by the tokenizers. Each error names the call, the
 * argument and the value that came (STYLE.md rule 15):
 * `RangeError: MeanScaleUniformBins(): nTokens must be an integer >= 5, got 3`.
 */

/** A series as the tokenizers take it. NaN is a missing value, not an error. */
export type Series = ArrayLike<number>;

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

/** Throws on an options argument that is not an object or holds an unknown key. */
export function checkOptions(fn: string, options: unknown, valid: readonly string[]): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`${fn}: options must be an object, got ${show(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!valid.includes(key)) {
      throw new TypeError(
        `${fn}: unknown option ${JSON.stringify(key)}; valid options: ${valid.join(", ")}`,
      );
    }
  }
}

/** Throws unless `value` is an integer in `[min, max]`. */
export function checkInteger(
  fn: string,
  name: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    const Err = typeof value === "number" ? RangeError : TypeError;
    throw new Err(`${fn}: ${name} must be an integer ${range}, got ${show(value)}`);
  }
  return value;
}

/** Throws unless `value` is a finite number. */
export function checkFinite(fn: string, name: string, value: unknown): number {
  if (typeof value !== "number") {
    throw new TypeError(`${fn}: ${name} must be a finite number, got ${show(value)}`);
  }
  if (!Number.isFinite(value)) {
    throw new RangeError(`${fn}: ${name} must be a finite number, got ${value}`);
  }
  return value;
}

/** Throws unless `value` is a boolean. */
export function checkBoolean(fn: string, name: string, value: unknown): boolean {
  if (typeof value !== "boolean") {
    throw new TypeError(`${fn}: ${name} must be a boolean, got ${show(value)}`);
  }
  return value;
}

/** Throws unless `value` is a string. */
export function checkString(fn: string, name: string, value: unknown): string {
  if (typeof value !== "string") {
    throw new TypeError(`${fn}: ${name} must be a string, got ${show(value)}`);
  }
  return value;
}

/** True for the arrays a series may come in: a plain array or a numeric typed array. */
function isSeries(value: unknown): value is Series {
  if (Array.isArray(value)) return true;
  return (
    ArrayBuffer.isView(value) &&
    !(value instanceof DataView) &&
    !(value instanceof BigInt64Array) &&
    !(value instanceof BigUint64Array)
  );
}

/** Throws unless `series` is an array of numbers or a numeric typed array. */
export function checkSeries(fn: string, name: string, series: unknown): Series {
  if (!isSeries(series)) {
    throw new TypeError(
      `${fn}: ${name} must be an array of numbers or a typed array, got ${show(series)}`,
    );
  }
  return series;
}

/**
 * Throws at the first element of `series[start..]` that is not a number, or
 * that is infinite once rounded as `round` rounds it (float32 for the Chronos
 * tokenizer, which works in float32 like PyTorch; identity otherwise).
 */
export function checkValues(
  fn: string,
  name: string,
  series: Series,
  start = 0,
  round: (x: number) => number = (x) => x,
): void {
  for (let i = start; i < series.length; i++) {
    const v = series[i];
    if (typeof v !== "number") {
      throw new TypeError(`${fn}: ${name}[${i}] must be a number, got ${show(v)}`);
    }
    const r = round(v);
    if (r === Infinity || r === -Infinity) {
      const why = Number.isFinite(v) ? " in float32 (|x| <= 3.4028234663852886e38)" : " or NaN";
      throw new RangeError(`${fn}: ${name}[${i}] must be finite${why}, got ${v}`);
    }
  }
}
