// Byte sizes as users write them: a number of bytes, or a string like "256MB", "1.5 GiB", "800kb".
// Decimal units (KB, MB, GB = 10³ⁿ) and binary ones (KiB, MiB, GiB = 2¹⁰ⁿ).

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** Bytes in `size`; throws a RangeError naming `name` and the value when it is not a size. */
export function parseBytes(size: number | string, name = "size", fn = "parseBytes()"): number {
  if (typeof size === "number") {
    if (Number.isFinite(size) && size > 0) return Math.floor(size);
    throw new RangeError(
      `${fn}: ${name} must be a positive number of bytes or a string like "256MB", got ${size}`,
    );
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(String(size));
  const unit = m ? UNITS[(m[2] || "b").toLowerCase()] : undefined;
  if (!m || unit === undefined || !(Number(m[1]) > 0)) {
    throw new RangeError(
      `${fn}: ${name} must be a positive number of bytes or a string like "256MB" (units ${Object.keys(UNITS).join(", ")}), got ${JSON.stringify(size)}`,
    );
  }
  return Math.floor(Number(m[1]) * unit);
}
