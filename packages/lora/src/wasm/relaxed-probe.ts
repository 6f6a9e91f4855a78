// The smallest module that uses relaxed SIMD: one function applying f32x4.relaxed_madd to a v128
// local. An engine validates it exactly when it takes the relaxed-SIMD kernel builds; checking
// these 36 bytes is cheaper than decoding and validating a whole kernels module.

/** Whether this engine validates WebAssembly relaxed SIMD now. */
export function validatesRelaxedSimd(): boolean {
  return WebAssembly.validate(
    // biome-ignore format: a module's bytes, one section a line
    new Uint8Array([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
      0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // types: () → ()
      0x03, 0x02, 0x01, 0x00, // functions: one of type 0
      0x0a, 0x10, 0x01, 0x0e, 0x01, 0x01, 0x7b, // code: one body, one v128 local
      0x20, 0x00, 0x20, 0x00, 0x20, 0x00, // local.get 0 three times
      0xfd, 0x85, 0x02, 0x1a, 0x0b, // f32x4.relaxed_madd, drop, end
    ]),
  );
}
