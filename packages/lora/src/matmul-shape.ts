// Validation of a matmul call against the `Backend.matmul` contract, shared by every backend so
// that all of them reject the same bad input with the same message.
import type { MatmulShape } from "./backend";

function checkDim(fn: string, name: string, value: unknown): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new RangeError(`${fn}: ${name} must be a non-negative integer, got ${value}`);
  }
}

function checkBuffer(fn: string, name: string, buffer: unknown, needed: number): void {
  if (!(buffer instanceof Float32Array)) {
    throw new TypeError(`${fn}: ${name} must be a Float32Array, got ${typeof buffer}`);
  }
  if (buffer.length < needed) {
    throw new RangeError(
      `${fn}: ${name} must hold at least ${needed} floats for this shape, got ${buffer.length}`,
    );
  }
}

/**
 * Throws a `RangeError`/`TypeError` naming the argument when `a`, `b`, `out` do not fit `shape`
 * (buffers may be longer than needed: callers reuse workspaces).
 *
 * @example
 * checkMatmul("matmul()", a, b, out, { m: 2, n: 3, k: 4 }); // a ≥ 8, b ≥ 12, out ≥ 6 floats
 */
export function checkMatmul(
  fn: string,
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  shape: MatmulShape,
): void {
  if (shape === null || typeof shape !== "object") {
    throw new TypeError(`${fn}: shape must be an object { m, n, k }, got ${shape}`);
  }
  checkDim(fn, "shape.m", shape.m);
  checkDim(fn, "shape.n", shape.n);
  checkDim(fn, "shape.k", shape.k);
  if (shape.alpha !== undefined && !Number.isFinite(shape.alpha)) {
    throw new RangeError(`${fn}: shape.alpha must be a finite number, got ${shape.alpha}`);
  }
  checkBuffer(fn, "a", a, shape.m * shape.k);
  checkBuffer(fn, "b", b, shape.k * shape.n);
  checkBuffer(fn, "out", out, shape.m * shape.n);
}

/**
 * Throws when `x` is not a Float32Array of at least `rows · cols` floats (bias, reductions).
 */
export function checkMatrix(
  fn: string,
  name: string,
  x: Float32Array,
  rows: number,
  cols: number,
): void {
  checkDim(fn, "rows", rows);
  checkDim(fn, "cols", cols);
  checkBuffer(fn, name, x, rows * cols);
}

/** Throws when `x` is not a Float32Array of at least `length` floats. */
export function checkVector(fn: string, name: string, x: Float32Array, length: number): void {
  checkBuffer(fn, name, x, length);
}
