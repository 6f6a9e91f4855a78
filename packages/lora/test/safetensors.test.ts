import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type NamedTensor,
  readSafetensors,
  readSafetensorsHeader,
  readTensor,
  writeSafetensors,
} from "../src/safetensors";

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);

/** Builds a file from a raw header string and data bytes, as a hand-made (possibly bad) writer would. */
function rawFile(
  header: string,
  data: Uint8Array = new Uint8Array(0),
  length?: number,
): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, length ?? json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32 = (n: number) => new Uint8Array(new Float32Array(n).fill(1.5).buffer);

const expectError = (bytes: Uint8Array, pattern: RegExp) => {
  expect(() => readSafetensors(bytes)).toThrow(RangeError);
  expect(() => readSafetensors(bytes)).toThrow(pattern);
};

describe("readSafetensors on torch fixtures", () => {
  const bytes = readFileSync(fixture("dtypes.safetensors"));
  const expected = JSON.parse(readFileSync(fixture("dtypes.expected.json"), "utf8")) as Record<
    string,
    { dtype: string; shape: number[]; float32Bits: number[] }
  >;

  it("readSafetensors(bytes) widens F16, BF16, F64 and copies F32 exactly as torch .to(float32)", () => {
    const { metadata, tensors } = readSafetensors(bytes);
    expect(metadata).toEqual({ source: "make_peft_fixture.py" });
    expect([...tensors.keys()].sort()).toEqual(Object.keys(expected).sort());
    for (const [name, want] of Object.entries(expected)) {
      const got = tensors.get(name)!;
      expect(got.shape, name).toEqual(want.shape);
      const bits = new Uint32Array(got.data.buffer, got.data.byteOffset, got.data.length);
      want.float32Bits.forEach((w, i) => {
        const nanBits = (w & 0x7f800000) === 0x7f800000 && (w & 0x7fffff) !== 0;
        if (nanBits) expect(Number.isNaN(got.data[i]), `${name}[${i}]`).toBe(true);
        else expect(bits[i], `${name}[${i}]`).toBe(w);
      });
    }
  });

  it("readSafetensorsHeader(bytes) reports dtypes, shapes and offsets in data order", () => {
    const header = readSafetensorsHeader(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
    );
    for (const [name, want] of Object.entries(expected)) {
      expect(header.tensors.get(name)).toMatchObject({ dtype: want.dtype, shape: want.shape });
    }
    const starts = [...header.tensors.values()].map((t) => t.dataOffsets[0]);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });

  it("writeSafetensors(tensors) writes the F32 tensor the torch reference wrote, byte for byte", () => {
    const reference = readFileSync(fixture("peft-adapter/adapter_model.safetensors"));
    const { metadata, tensors } = readSafetensors(reference);
    expect(Buffer.from(writeSafetensors(tensors, metadata)).equals(reference)).toBe(true);
  });
});

describe("writeSafetensors", () => {
  const tensorArb = fc
    .array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 3 })
    .chain((shape) =>
      fc
        .float32Array({
          minLength: shape.reduce((n, d) => n * d, 1),
          maxLength: shape.reduce((n, d) => n * d, 1),
        })
        .map((data): NamedTensor => ({ shape, data })),
    );
  const fileArb = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), tensorArb, {
    maxKeys: 4,
  });

  it("writeSafetensors(tensors, metadata) round-trips through readSafetensors bit for bit", () => {
    fc.assert(
      fc.property(
        fileArb,
        fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
        (record, meta) => {
          delete record.__metadata__;
          const bytes = writeSafetensors(record, meta);
          expect(new DataView(bytes.buffer).getUint32(0, true) % 8).toBe(0);
          const back = readSafetensors(bytes);
          expect(back.metadata).toEqual(meta);
          expect(back.tensors.size).toBe(Object.keys(record).length);
          for (const [name, t] of Object.entries(record)) {
            const got = back.tensors.get(name)!;
            expect(got.shape).toEqual(t.shape);
            expect(new Uint32Array(got.data.buffer)).toEqual(new Uint32Array(t.data.buffer));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("writeSafetensors(tensors) rejects a shape that does not match the data length", () => {
    expect(() => writeSafetensors({ w: { shape: [2, 3], data: new Float32Array(5) } })).toThrow(
      /"w" shape \[2,3\] holds 6 values but data has 5/,
    );
  });

  it("writeSafetensors(tensors) rejects the reserved name __metadata__", () => {
    expect(() =>
      writeSafetensors({ __metadata__: { shape: [1], data: new Float32Array(1) } } as never),
    ).toThrow(/reserved/);
  });
});

describe("readSafetensorsHeader validation", () => {
  const ok = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';

  it("readSafetensors(bytes) accepts a well-formed hand-made file", () => {
    expect(readSafetensors(rawFile(ok, f32(2))).tensors.get("a")!.data).toEqual(
      new Float32Array([1.5, 1.5]),
    );
  });
  it("readSafetensors(bytes) rejects a file shorter than the length prefix", () => {
    expectError(new Uint8Array(5), /5 bytes, shorter than the 8-byte header length/);
  });
  it("readSafetensors(bytes) rejects a header length past the end", () => {
    expectError(rawFile(ok, f32(2), 500), /header length 500 runs past the end/);
  });
  it("readSafetensors(bytes) rejects a header length over the 100 MB limit", () => {
    const bytes = rawFile(ok, f32(2));
    bytes[7] = 1;
    expectError(bytes, /exceeds the 100000000-byte limit/);
  });
  it("readSafetensors(bytes) rejects a header that is not UTF-8", () => {
    const bytes = rawFile('{"\u00e9":1}');
    bytes[10] = 0xff;
    expectError(bytes, /not valid UTF-8/);
  });
  it("readSafetensors(bytes) rejects a header that is not JSON", () => {
    expectError(rawFile('{"a":'), /not valid JSON/);
  });
  it("readSafetensors(bytes) rejects a header that is not an object", () => {
    expectError(rawFile("[1,2]"), /must be a JSON object/);
  });
  it("readSafetensors(bytes) rejects an unknown dtype", () => {
    expectError(
      rawFile('{"a":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}}', f32(2)),
      /unknown dtype "F33"/,
    );
  });
  it("readSafetensors(bytes) rejects a negative or fractional dimension", () => {
    expectError(
      rawFile('{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}', f32(2)),
      /shape must be/,
    );
    expectError(
      rawFile('{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}}', f32(2)),
      /shape must be/,
    );
  });
  it("readSafetensors(bytes) rejects a shape whose size differs from its byte range", () => {
    expectError(
      rawFile('{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', f32(2)),
      /"a" of F32 \[3\] needs 12 bytes but data_offsets \[0, 8\] span 8/,
    );
  });
  it("readSafetensors(bytes) rejects a shape whose size overflows", () => {
    expectError(
      rawFile('{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}}', f32(2)),
      /overflows/,
    );
    expectError(
      rawFile('{"a":{"dtype":"F32","shape":[1099511627776,1099511627776,0],"data_offsets":[0,0]}}'),
      /overflows/,
    );
  });
  it("readSafetensors(bytes) rejects overlapping byte ranges", () => {
    const h =
      '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}';
    expectError(
      rawFile(h, f32(2)),
      /"b" starts at 4 but the previous tensor ends at 8 \(overlap\)/,
    );
  });
  it("readSafetensors(bytes) rejects a gap between byte ranges", () => {
    const h =
      '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}';
    expectError(rawFile(h, f32(3)), /\(gap\)/);
  });
  it("readSafetensors(bytes) rejects truncated data and trailing bytes", () => {
    expectError(rawFile(ok, f32(1)), /cover 8 data bytes but the file holds 4 \(truncated\)/);
    expectError(rawFile(ok, f32(3)), /\(trailing bytes\)/);
  });
  it("readSafetensors(bytes) rejects a __metadata__ that is not a string map", () => {
    expectError(
      rawFile('{"__metadata__":{"format":3}}'),
      /__metadata__ "format" must be a string, got 3/,
    );
    expectError(rawFile('{"__metadata__":"pt"}'), /__metadata__ must be an object/);
  });
  it("readTensor(bytes, header, name) names the missing tensor and refuses unconvertible dtypes", () => {
    const bytes = rawFile('{"i":{"dtype":"I32","shape":[2],"data_offsets":[0,8]}}', f32(2));
    const header = readSafetensorsHeader(bytes);
    expect(() => readTensor(bytes, header, "x")).toThrow(/no tensor named "x"; the file holds i/);
    expect(() => readTensor(bytes, header, "i")).toThrow(/dtype I32; only F32, F16, BF16 and F64/);
  });
});

describe("readSafetensors fuzzing", () => {
  const valid = writeSafetensors(
    {
      "layer.lora_A.weight": { shape: [3, 4], data: new Float32Array(12).map((_, i) => i - 5.5) },
      "layer.lora_B.weight": { shape: [2, 3], data: new Float32Array(6).map((_, i) => i * 0.25) },
    },
    { format: "pt" },
  );
  const headerEnd = 8 + new DataView(valid.buffer).getUint32(0, true);

  /** Parse, and either fail with a safetensors RangeError or return structurally sound tensors. */
  const parseOrReject = (bytes: Uint8Array) => {
    try {
      const { tensors } = readSafetensors(bytes);
      for (const t of tensors.values())
        expect(t.data.length).toBe(t.shape.reduce((n, d) => n * d, 1));
      return tensors;
    } catch (error) {
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toMatch(/^safetensors: /);
      return null;
    }
  };

  it("readSafetensors(bytes) rejects every truncation of a valid file", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: valid.length - 1 }), (length) => {
        expect(parseOrReject(valid.slice(0, length))).toBeNull();
      }),
    );
  });

  it("readSafetensors(bytes) rejects or soundly parses a header with corrupted bytes", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.integer({ min: 0, max: headerEnd - 1 }), fc.integer({ min: 0, max: 255 })),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        (edits) => {
          const bytes = valid.slice();
          for (const [at, value] of edits) bytes[at] = value;
          parseOrReject(bytes);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("readSafetensors(bytes) reads corrupted data bytes as exactly those bytes", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: headerEnd, max: valid.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        (at, v) => {
          const bytes = valid.slice();
          bytes[at] = v;
          const tensors = parseOrReject(bytes)!;
          const all = new Uint8Array(
            [...tensors.values()].flatMap((t) => [...new Uint8Array(t.data.buffer)]),
          );
          expect(all).toEqual(bytes.subarray(headerEnd));
        },
      ),
    );
  });

  it("readSafetensors(bytes) never crashes on random bytes behind a plausible length prefix", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.integer({ min: 0, max: 220 }),
        (body, length) => {
          const bytes = new Uint8Array(8 + body.length);
          new DataView(bytes.buffer).setUint32(0, length, true);
          bytes.set(body, 8);
          parseOrReject(bytes);
        },
      ),
      { numRuns: 300 },
    );
  });
});
