// safetensors dtypes and their conversion to float32: the element sizes huggingface/safetensors
// knows (safetensors/src/tensor.rs `Dtype`), and exact widening of F16 and BF16 (IEEE 754 half,
// bfloat16 as the top 16 bits of a float32), F32 copied, F64 rounded.

/** Element size in bits of every dtype huggingface/safetensors knows. */
export const DTYPE_BITS = {
  BOOL: 8,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  F8_E4M3FNUZ: 8,
  F8_E5M2FNUZ: 8,
  F4: 4,
  F6_E3M2: 6,
  F6_E2M3: 6,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  C64: 64,
  F64: 64,
  I64: 64,
  U64: 64,
} as const;

/** A dtype name as it appears in a safetensors header. */
export type SafetensorsDtype = keyof typeof DTYPE_BITS;

/** Whether this platform stores numbers little-endian, as safetensors does. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** IEEE 754 half to float: subnormals, infinities and NaN included. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/**
 * Converts `count` little-endian elements of `dtype` in `raw` to float32, or returns null for a
 * dtype that is not a float this reads (F32, F16, BF16, F64). `raw` holds exactly those bytes.
 */
export function toFloat32(
  raw: Uint8Array,
  dtype: SafetensorsDtype,
  count: number,
): Float32Array | null {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const data = new Float32Array(count);
  if (dtype === "F32" && LITTLE_ENDIAN) {
    new Uint8Array(data.buffer).set(raw);
  } else if (dtype === "F32") {
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(4 * i, true);
  } else if (dtype === "F16") {
    for (let i = 0; i < count; i++) data[i] = halfToFloat(view.getUint16(2 * i, true));
  } else if (dtype === "BF16") {
    const bits = new Uint32Array(data.buffer);
    for (let i = 0; i < count; i++) bits[i] = view.getUint16(2 * i, true) << 16;
  } else if (dtype === "F64") {
    for (let i = 0; i < count; i++) data[i] = view.getFloat64(8 * i, true);
  } else {
    return null;
  }
  return data;
}
