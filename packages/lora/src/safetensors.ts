// safetensors reader and writer over plain bytes (browser-safe: no Node built-ins).
// Follows the format as huggingface/safetensors (safetensors/src/tensor.rs) reads and writes it:
// 8-byte little-endian header length N, N bytes of UTF-8 JSON, then the data section. Every
// header field is validated the way `Metadata::validate` does, so a truncated or corrupted file
// is rejected with an error naming the problem, never a crash or a wrong tensor.

import { DTYPE_BITS, LITTLE_ENDIAN, type SafetensorsDtype, toFloat32 } from "./dtypes";

export type { SafetensorsDtype } from "./dtypes";

/** One header entry: where a tensor's bytes lie in the data section. */
export interface SafetensorsTensorInfo {
  dtype: SafetensorsDtype;
  shape: number[];
  /** `[begin, end)` byte offsets relative to the start of the data section. */
  dataOffsets: [number, number];
}

/** A validated header. `tensors` iterates in data-offset order. */
export interface SafetensorsHeader {
  /** The `__metadata__` string map (empty when absent). */
  metadata: Record<string, string>;
  tensors: Map<string, SafetensorsTensorInfo>;
  /** Byte offset of the data section in the file: 8 + header length. */
  dataStart: number;
}

/** A tensor read from or written to a file: row-major float32 values and a shape. */
export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

/** Largest header huggingface/safetensors accepts (`MAX_HEADER_SIZE`). */
const MAX_HEADER_SIZE = 100_000_000;

const fail = (message: string): never => {
  throw new RangeError(`safetensors: ${message}`);
};

const asBytes = (bytes: Uint8Array | ArrayBuffer): Uint8Array => {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  throw new TypeError(
    `safetensors: bytes must be a Uint8Array or ArrayBuffer, got ${typeof bytes}`,
  );
};

const isIndex = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function parseTensorInfo(name: string, entry: unknown): SafetensorsTensorInfo {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
    return fail(`tensor "${name}" must be an object, got ${JSON.stringify(entry)}`);
  }
  const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
  if (typeof dtype !== "string" || !Object.hasOwn(DTYPE_BITS, dtype)) {
    return fail(
      `tensor "${name}" has unknown dtype ${JSON.stringify(dtype)}; known: ${Object.keys(DTYPE_BITS).join(", ")}`,
    );
  }
  if (!Array.isArray(shape) || !shape.every(isIndex)) {
    return fail(
      `tensor "${name}" shape must be non-negative integers, got ${JSON.stringify(shape)}`,
    );
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex)) {
    return fail(
      `tensor "${name}" data_offsets must be two non-negative integers, got ${JSON.stringify(offsets)}`,
    );
  }
  // Checked at every step, like Rust's checked_mul: [2^40, 2^40, 0] overflows before the 0.
  let bits: number = DTYPE_BITS[dtype as SafetensorsDtype];
  for (const d of shape as number[]) {
    bits *= d;
    if (!Number.isSafeInteger(bits)) return fail(`tensor "${name}" shape [${shape}] overflows`);
  }
  if (bits % 8 !== 0) return fail(`tensor "${name}" of ${dtype} [${shape}] is not whole bytes`);
  const [begin, end] = offsets as [number, number];
  if (end < begin || end - begin !== bits / 8) {
    return fail(
      `tensor "${name}" of ${dtype} [${shape}] needs ${bits / 8} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`,
    );
  }
  return { dtype: dtype as SafetensorsDtype, shape: shape as number[], dataOffsets: [begin, end] };
}

/**
 * Reads and validates the header of a safetensors file without touching tensor data.
 * Checks: length prefix within the file and under 100 MB, UTF-8 JSON object, `__metadata__` a
 * string map, known dtypes, shape × dtype size equal to each byte range, and byte ranges that
 * tile the data section exactly (no overlap, gap or trailing bytes), as huggingface/safetensors does.
 * @example const { tensors } = readSafetensorsHeader(bytes); tensors.get("w")?.shape
 */
export function readSafetensorsHeader(bytes: Uint8Array | ArrayBuffer): SafetensorsHeader {
  const file = asBytes(bytes);
  if (file.length < 8)
    return fail(`file is ${file.length} bytes, shorter than the 8-byte header length`);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const high = view.getUint32(4, true);
  const length = high * 2 ** 32 + view.getUint32(0, true);
  if (high !== 0 || length > MAX_HEADER_SIZE) {
    return fail(`header length ${length} exceeds the ${MAX_HEADER_SIZE}-byte limit`);
  }
  if (8 + length > file.length) {
    return fail(`header length ${length} runs past the end of the ${file.length}-byte file`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(
      file.subarray(8, 8 + length),
    );
  } catch {
    return fail("header is not valid UTF-8");
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail(`header is not valid JSON (${(error as Error).message})`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return fail("header must be a JSON object");
  }
  const metadata: Record<string, string> = {};
  const entries: [string, SafetensorsTensorInfo][] = [];
  for (const [name, entry] of Object.entries(json)) {
    if (name !== "__metadata__") {
      entries.push([name, parseTensorInfo(name, entry)]);
      continue;
    }
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      return fail(`__metadata__ must be an object of strings, got ${JSON.stringify(entry)}`);
    }
    for (const [key, value] of Object.entries(entry)) {
      if (typeof value !== "string") {
        return fail(`__metadata__ "${key}" must be a string, got ${JSON.stringify(value)}`);
      }
      Object.defineProperty(metadata, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  entries.sort(
    (a, b) =>
      a[1].dataOffsets[0] - b[1].dataOffsets[0] || a[1].dataOffsets[1] - b[1].dataOffsets[1],
  );
  let cursor = 0;
  for (const [name, { dataOffsets }] of entries) {
    if (dataOffsets[0] !== cursor) {
      return fail(
        `tensor "${name}" starts at ${dataOffsets[0]} but the previous tensor ends at ${cursor} (${dataOffsets[0] < cursor ? "overlap" : "gap"})`,
      );
    }
    cursor = dataOffsets[1];
  }
  const dataLength = file.length - 8 - length;
  if (cursor !== dataLength) {
    return fail(
      `tensors cover ${cursor} data bytes but the file holds ${dataLength} (${cursor > dataLength ? "truncated" : "trailing bytes"})`,
    );
  }
  return { metadata, tensors: new Map(entries), dataStart: 8 + length };
}

/**
 * Converts one tensor of a validated file to float32 (F32 copied, F16 and BF16 widened exactly,
 * F64 rounded). Other dtypes throw, naming the tensor.
 * @example const w = readTensor(bytes, readSafetensorsHeader(bytes), "w"); // { shape, data }
 */
export function readTensor(
  bytes: Uint8Array | ArrayBuffer,
  header: SafetensorsHeader,
  name: string,
): NamedTensor {
  const file = asBytes(bytes);
  const info = header.tensors.get(name);
  if (!info) {
    return fail(
      `no tensor named "${name}"; the file holds ${[...header.tensors.keys()].join(", ") || "none"}`,
    );
  }
  const begin = header.dataStart + info.dataOffsets[0];
  const size = info.dataOffsets[1] - info.dataOffsets[0];
  if (begin + size > file.length) return fail(`tensor "${name}" runs past the end of the file`);
  const count = info.shape.reduce((n, d) => n * d, 1);
  const data = toFloat32(file.subarray(begin, begin + size), info.dtype, count);
  if (data === null) {
    return fail(
      `tensor "${name}" has dtype ${info.dtype}; only F32, F16, BF16 and F64 convert to float32`,
    );
  }
  return { shape: [...info.shape], data };
}

/**
 * Parses a whole safetensors file into float32 tensors and its `__metadata__`.
 * @example const { tensors } = readSafetensors(bytes); tensors.get("w")!.data
 */
export function readSafetensors(bytes: Uint8Array | ArrayBuffer): {
  metadata: Record<string, string>;
  tensors: Map<string, NamedTensor>;
} {
  const header = readSafetensorsHeader(bytes);
  const tensors = new Map<string, NamedTensor>();
  for (const name of header.tensors.keys()) tensors.set(name, readTensor(bytes, header, name));
  return { metadata: header.metadata, tensors };
}

/** Orders strings as Rust's `str` comparison does: by UTF-8 bytes, i.e. by code point. */
function compareUtf8(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/**
 * Writes float32 tensors as a safetensors file, byte for byte as huggingface/safetensors'
 * `serialize` does for F32: tensors ordered by name, compact JSON header with `__metadata__`
 * first, padded with spaces to a multiple of 8 bytes, little-endian data.
 * @example writeSafetensors(new Map([["w", { shape: [2, 3], data }]]), { format: "pt" })
 */
export function writeSafetensors(
  tensors: Map<string, NamedTensor> | Record<string, NamedTensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  const list = [...(tensors instanceof Map ? tensors : Object.entries(tensors))];
  list.sort(([a], [b]) => compareUtf8(a, b));
  const header: Record<string, unknown> = {};
  const define = (key: string, value: unknown) =>
    Object.defineProperty(header, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  if (metadata) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== "string") {
        fail(
          `writeSafetensors(): metadata "${key}" must be a string, got ${JSON.stringify(value)}`,
        );
      }
    }
    define("__metadata__", metadata);
  }
  let offset = 0;
  for (const [name, { shape, data }] of list) {
    if (name === "__metadata__")
      fail('writeSafetensors(): "__metadata__" is reserved, not a tensor name');
    if (!(data instanceof Float32Array))
      fail(`writeSafetensors(): tensor "${name}" data must be a Float32Array`);
    if (!Array.isArray(shape) || !shape.every(isIndex)) {
      fail(
        `writeSafetensors(): tensor "${name}" shape must be non-negative integers, got ${JSON.stringify(shape)}`,
      );
    }
    const count = shape.reduce((n, d) => n * d, 1);
    if (count !== data.length) {
      fail(
        `writeSafetensors(): tensor "${name}" shape [${shape}] holds ${count} values but data has ${data.length}`,
      );
    }
    define(name, { dtype: "F32", shape, data_offsets: [offset, offset + 4 * count] });
    offset += 4 * count;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength, true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const [, { data }] of list) {
    if (LITTLE_ENDIAN) out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    else for (let i = 0; i < data.length; i++) view.setFloat32(at + 4 * i, data[i], true);
    at += data.byteLength;
  }
  return out;
}
