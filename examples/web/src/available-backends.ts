// What this browser offers before anything trains: a WebGPU adapter, a WebGL2 context with float
// render targets (what gpu.js needs), and WebAssembly SIMD with shared memory (threads).

/** Names of the backends this page could run here, in the page's order. */
export async function availableBackends(): Promise<string[]> {
  const found: string[] = [];
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (gpu && (await gpu.requestAdapter().catch(() => null))) found.push("WebGPU");
  const gl = document.createElement("canvas").getContext("webgl2");
  if (gl?.getExtension("EXT_color_buffer_float")) found.push("WebGL2");
  // v128.const i32x4 0 0 0 0, drop: the smallest module that validates only with SIMD.
  const simd = new Uint8Array([
    0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 23, 1, 21, 0, 253, 12, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 26, 11,
  ]);
  if (WebAssembly.validate(simd)) {
    found.push(globalThis.crossOriginIsolated ? "wasm (threads)" : "wasm (one thread)");
  }
  return found;
}
