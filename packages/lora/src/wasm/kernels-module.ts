// Decodes and compiles the embedded kernels once per process (per variant); every backend and
// every worker instantiates the same compiled WebAssembly.Module.
import {
  kernelsSharedBase64,
  kernelsSharedRelaxedBase64,
  kernelsSingleBase64,
  kernelsSingleRelaxedBase64,
} from "./kernels-wasm";
import { validatesRelaxedSimd } from "./relaxed-probe";

/** The exports of assembly/index.ts, with pointers as byte addresses and booleans as 0/1. */
export interface KernelExports {
  beginMatmul(
    m: number,
    n: number,
    k: number,
    a: number,
    rsA: number,
    csA: number,
    b: number,
    ldb: number,
    panelStride: number,
    c: number,
    alpha: number,
    accumulate: number,
    rowsPerTile: number,
    colsPerTile: number,
    pack: number,
    packStride: number,
  ): number;
  beginTiles(kind: number, tiles: number): number;
  setAttention(
    q: number,
    k: number,
    v: number,
    o: number,
    lse: number,
    mask: number,
    bias: number,
    dq: number,
    dk: number,
    dv: number,
    dBias: number,
    scratch: number,
    scratchStride: number,
  ): void;
  setAttentionShape(
    B: number,
    Tq: number,
    Tk: number,
    Tkv: number,
    H: number,
    KV: number,
    D: number,
    flags: number,
    scale: number,
  ): void;
  attentionTiles(): number;
  setRmsNorm(
    x: number,
    weight: number,
    rstd: number,
    o: number,
    dx: number,
    partials: number,
    N: number,
    C: number,
    rowsPerTile: number,
    eps: number,
  ): void;
  rmsNormTiles(): number;
  setSwiglu(
    gate: number,
    up: number,
    o: number,
    dgate: number,
    dup: number,
    L: number,
    perTile: number,
  ): void;
  swigluTiles(): number;
  setSide(side: number, cols: number, panel: number, alpha: number): void;
  setReductions(v: number, x: number, rsX: number, partials: number, partialStride: number): void;
  runJob(thread: number): number;
  packSteps(): number;
  wakeAddress(): number;
  doneAddress(): number;
  stopAddress(): number;
  readyAddress(): number;
  reservedBytes(): number;
  addBias(x: number, bias: number, rows: number, cols: number): void;
  sumRows(x: number, rows: number, cols: number, out: number, accumulate: number): void;
  axpy(alpha: number, x: number, y: number, count: number): void;
  mul(a: number, b: number, out: number, count: number): void;
  scale(x: number, alpha: number, out: number, count: number): void;
  setCrossEntropy(
    logits: number,
    labels: number,
    lse: number,
    losses: number,
    rows: number,
    vocab: number,
    rowsPerTile: number,
    scale: number,
    backward: number,
  ): void;
  crossEntropyTiles(): number;
  attentionBlocked(Tq: number, Tk: number, D: number, backward: number, dBias: number): number;
  blockedAttentionFloats(Tq: number, Tk: number, D: number, backward: number): number;
  packTransposed(b: number, n: number, k: number, dst: number): void;
  mergePanels(
    base: number,
    basePanel: number,
    baseStep: number,
    u: number,
    ldu: number,
    v: number,
    ldv: number,
    rank: number,
    steps: number,
    n: number,
    out: number,
  ): void;
  packPanels(
    b: number,
    stepStride: number,
    colStride: number,
    n: number,
    k: number,
    dst: number,
    panelStride: number,
  ): void;
}

const compiled = new Map<string, Promise<WebAssembly.Module>>();

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function kernelsBase64(shared: boolean, relaxed: boolean): string {
  if (relaxed) return shared ? kernelsSharedRelaxedBase64 : kernelsSingleRelaxedBase64;
  return shared ? kernelsSharedBase64 : kernelsSingleBase64;
}

let relaxedValid = false;

/**
 * Whether this engine takes the relaxed-SIMD kernels (fused multiply-add): where it ships
 * relaxed SIMD (V8 from 11.4: Chrome 114, Node 21), or Node 20 run with
 * `--experimental-wasm-relaxed-simd` (`enableRelaxedSimd()` of `@kairos/lora/node` sets it).
 * A yes is kept; a no is asked again next time (the flag may have been set since).
 */
export function relaxedSimdAvailable(): boolean {
  relaxedValid ||= validatesRelaxedSimd();
  return relaxedValid;
}

/**
 * The compiled kernels: `shared` imports a shared memory (threads), otherwise an ordinary one;
 * `relaxed` fuses multiply-adds (see relaxedSimdAvailable).
 */
export function kernelsModule(shared: boolean, relaxed: boolean): Promise<WebAssembly.Module> {
  const key = `${shared} ${relaxed}`;
  let module = compiled.get(key);
  if (module === undefined) {
    module = WebAssembly.compile(decodeBase64(kernelsBase64(shared, relaxed)));
    compiled.set(key, module);
  }
  return module;
}
