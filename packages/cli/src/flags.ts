// Parsers for flag values, handed to commander: each checks its value and throws a UsageError
// naming the flag, what it expects and what it got (`--horizon must be a positive integer, got -3`).

import { parseBytes } from "@kairos/train";
import { UsageError } from "./usage-error.js";

/** An integer flag within [min, max]. */
export function integerFlag(flag: string, min = 1, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const v = Number(value);
    if (value.trim() === "" || !Number.isInteger(v) || v < min || v > max) {
      const range =
        min === 1 && max === Number.MAX_SAFE_INTEGER
          ? "a positive integer"
          : max === Number.MAX_SAFE_INTEGER
            ? `an integer ≥ ${min}`
            : `an integer in [${min}, ${max}]`;
      throw new UsageError(`${flag} must be ${range}, got ${value}`);
    }
    return v;
  };
}

/** A number flag in the open interval (min, max). */
export function numberFlag(flag: string, min = 0, max = Number.POSITIVE_INFINITY) {
  return (value: string): number => {
    const v = Number(value);
    if (value.trim() === "" || !Number.isFinite(v) || v <= min || v >= max) {
      const range =
        max === Number.POSITIVE_INFINITY ? `a number > ${min}` : `a number in (${min}, ${max})`;
      throw new UsageError(`${flag} must be ${range}, got ${value}`);
    }
    return v;
  };
}

/** One of a fixed set of words. */
export function choiceFlag<T extends string>(flag: string, choices: readonly T[]) {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new UsageError(`${flag} must be one of ${choices.join(", ")}, got ${value}`);
    }
    return value as T;
  };
}

/** A comma-separated list whose items must each be one of `choices`. */
export function listFlag<T extends string>(flag: string, choices: readonly T[]) {
  return (value: string): T[] => {
    const items = value
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    if (items.length === 0)
      throw new UsageError(
        `${flag} must list at least one of ${choices.join(", ")}, got "${value}"`,
      );
    for (const item of items) {
      if (!(choices as readonly string[]).includes(item)) {
        throw new UsageError(`${flag} items must be among ${choices.join(", ")}, got ${item}`);
      }
    }
    return items as T[];
  };
}

/** A byte size as `parseBytes` reads it: bytes, or a number with a unit (256MB, 1GiB). */
export function byteSizeFlag(flag: string) {
  return (value: string): number => {
    try {
      return parseBytes(value, flag, "kairos");
    } catch {
      throw new UsageError(`${flag} must be a size such as 256MB, 1GiB or 1000000, got ${value}`);
    }
  };
}

/** A part of a series: a fraction in (0, 1) or a positive integer step count. */
export function partFlag(flag: string) {
  return (value: string): number => {
    const v = Number(value);
    const ok = Number.isInteger(v) ? v >= 1 : v > 0 && v < 1;
    if (value.trim() === "" || !ok) {
      throw new UsageError(
        `${flag} must be a fraction in (0, 1) or a positive integer step count, got ${value}`,
      );
    }
    return v;
  };
}

/** A number in [0, below): a rate, a decay. */
export function nonNegativeFlag(flag: string, below = Number.POSITIVE_INFINITY) {
  return (value: string): number => {
    const v = Number(value);
    if (value.trim() === "" || !Number.isFinite(v) || v < 0 || v >= below) {
      const range =
        below === Number.POSITIVE_INFINITY ? "a number ≥ 0" : `a number in [0, ${below})`;
      throw new UsageError(`${flag} must be ${range}, got ${value}`);
    }
    return v;
  };
}
