// Turns one CSV cell into a number: the usual spellings of a missing value (pandas' default
// `na_values`: empty, NA, N/A, NaN, null, …) become NaN; anything else must be a finite number.

const MISSING = new Set(["", "na", "n/a", "nan", "null", "none", "-nan", "#n/a", "nil", "."]);

/**
 * @returns the number, NaN for a missing cell, or undefined when the cell is not a number.
 * @example
 * parseCell(" 12.5 "); // 12.5
 * parseCell("NA"); // NaN
 * parseCell("abc"); // undefined
 */
export function parseCell(cell: string): number | undefined {
  const s = cell.trim();
  if (MISSING.has(s.toLowerCase())) return Number.NaN;
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
}
