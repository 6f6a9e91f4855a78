// Argument checks for the layers' public options: each throws an error that names the call,
// the option, what was expected and what came.

/** Throws unless `value` is an integer ≥ 1. */
export function checkPositiveInteger(fn: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`${fn}: ${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/** Throws unless `value` is an integer (a seed). */
export function checkInteger(fn: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new RangeError(`${fn}: ${name} must be an integer, got ${value}`);
  }
  return value;
}

/** Throws unless `value` is a Float32Array of exactly `length` floats. */
export function checkFloats(
  fn: string,
  name: string,
  value: unknown,
  length: number,
): Float32Array {
  if (!(value instanceof Float32Array)) {
    throw new TypeError(`${fn}: ${name} must be a Float32Array, got ${describe(value)}`);
  }
  if (value.length !== length) {
    throw new RangeError(`${fn}: ${name} must hold ${length} floats, got ${value.length}`);
  }
  return value;
}

/** A caller's output buffer, checked to hold exactly `length` floats, or a new one when none is given. */
export function outputBuffer(
  fn: string,
  name: string,
  given: Float32Array | undefined,
  length: number,
): Float32Array {
  return given === undefined ? new Float32Array(length) : checkFloats(fn, name, given, length);
}

/** Throws unless `x` is a Float32Array of whole rows of `width` floats; returns the row count. */
export function checkRows(fn: string, name: string, x: unknown, width: number): number {
  if (!(x instanceof Float32Array)) {
    throw new TypeError(`${fn}: ${name} must be a Float32Array, got ${describe(x)}`);
  }
  if (x.length === 0 || x.length % width !== 0) {
    throw new RangeError(
      `${fn}: ${name}.length must be a positive multiple of ${width}, got ${x.length}`,
    );
  }
  return x.length / width;
}

function describe(value: unknown): string {
  return value === null
    ? "null"
    : typeof value === "object"
      ? value.constructor.name
      : typeof value;
}

/** Reads `options.output` (default true); `false` needs `save`, or there would be nothing to build. */
export function wantsOutput(fn: string, options: { save?: boolean; output?: boolean }): boolean {
  const output = options.output ?? true;
  if (typeof output !== "boolean") {
    throw new TypeError(`${fn}: options.output must be a boolean, got ${String(output)}`);
  }
  if (!output && options.save === false) {
    throw new RangeError(
      `${fn}: options.output false needs save (there would be nothing to build)`,
    );
  }
  return output;
}
