// One job split into tiles that the main thread and the workers take turns grabbing: a matmul
// (tiles of the output), attention (attention.ts), RMSNorm or SwiGLU (rms-norm.ts, swiglu.ts);
// dynamic scheduling: a thread the OS has descheduled simply takes fewer tiles.
// The job descriptor lives at a fixed address below the arena, in the shared memory:
//   CTL  i64  (generation << 32) | next tile; CLOSED while the descriptor is being rewritten
//   DONE i32  tiles finished (the last finisher notifies the waiting main thread)
//   WAKE i32  bumped by the main thread to wake the workers (they Atomics.wait on it)
//   STOP i32  set once by dispose(): a woken worker that sees it leaves its loop
//   READY i32 workers that have instantiated the kernels and wait for jobs
// Each thread packs the rows of a of its tile into its own buffer (thread t: pack + t · packStride
// bytes, at least rowsPerTile rounded up to MR, times min(k, KC), floats).
// A tile is taken with a compare-exchange on CTL that also checks the generation, so a worker
// that wakes late can never run a tile of a newer job with a descriptor it read for an older one.
import { attentionTile } from "./attention";
import { crossEntropyTile } from "./cross-entropy";
import { padRows } from "./elementwise";
import { kernel5x8, kernel5x8Add, MR, packA, storeBlock } from "./microkernel";
import { reduceColumns, scaleBlock } from "./reduce-kernel";
import { rmsNormTile } from "./rms-norm";
import { kernel1x8, kernel4x8, MR_STRIDED } from "./strided-kernel";
import { swigluTile } from "./swiglu";

const JOB: usize = 1024;
const CTL: usize = JOB;
const DONE: usize = JOB + 8;
const WAKE: usize = JOB + 12;
const STOP: usize = JOB + 16;
const READY: usize = JOB + 20;
const F: usize = JOB + 64; // descriptor fields, 4 bytes each
const CLOSED: u64 = 0xffffffff;
/**
 * Field F + 120: what a tile is, a block of a matmul (0), of attention (1, attention.ts), of
 * RMSNorm rows (2, rms-norm.ts), of SwiGLU elements (3, swiglu.ts) or of cross-entropy rows (4,
 * cross-entropy.ts).
 */
const KIND: usize = 120;
const ATTENTION: i32 = 1;
const RMS_NORM: i32 = 2;
const SWIGLU: i32 = 3;
const CROSS_ENTROPY: i32 = 4;

/** Steps of the shared dimension per block: a KC × 8 panel of b (16 KiB) stays in L1. */
const KC: i32 = 512;

/** Byte address of the WAKE word, for the JavaScript side's Atomics.wait/notify. */
export function wakeAddress(): usize {
  return WAKE;
}

/** Byte address of the STOP word. */
export function stopAddress(): usize {
  return STOP;
}

/** Byte address of the READY word. */
export function readyAddress(): usize {
  return READY;
}

/** Byte address of the DONE word. */
export function doneAddress(): usize {
  return DONE;
}

/** First byte the arena may use: everything below is the job block. */
export function reservedBytes(): usize {
  return 4096;
}

/** Steps of the shared dimension a thread packs at a time (its pack buffer: rows × this). */
export function packSteps(): i32 {
  return KC;
}

/**
 * Makes each tile of the next job also write its rows of side = alpha · op(a)·P (`[M, cols]`,
 * cols ≤ 8, P one packed panel `[k][8]`; 0 for none) from the rows of a it packs anyway, as
 * xa = x·Aᵀ beside y = x·Wᵀ: no pass of its own over a. Needs k ≤ KC and tiles spanning every
 * column (the caller checks). Call before every beginMatmul. Safe while no job is open: the
 * previous one was fully claimed before it finished.
 */
export function setSide(side: usize, cols: i32, panel: usize, alpha: f32): void {
  store<u32>(F, <u32>side, 72);
  store<i32>(F, cols, 76);
  store<u32>(F, <u32>panel, 80);
  store<f32>(F, alpha, 84);
}

/**
 * Makes the next job (one with a side, see setSide) also reduce over its rows, per tile into
 * partials + tile · partialStride (zeroed by the caller; the tiles span every column, so a tile is
 * a band of rows): the caller sums them in tile order, so the result does not depend on which
 * thread took which tile. `[k][8]` += Σ_r op(a)[r, ·]ᵀ ⊗ v[r]
 * (v `[M, cols]`) and then `[n][8]` += Σ_r x[r, ·]ᵀ ⊗ side[r] (x `[M, n]`, rows rsX bytes
 * apart). In a LoRA backward (a = dY, side = dh) these are dYᵀ·xa and xᵀ·dh, gradB and gradAᵀ,
 * from rows the tile has at hand: no passes of their own over dY and x. v = 0: none. Call
 * before every beginMatmul, as setSide.
 */
export function setReductions(
  v: usize,
  x: usize,
  rsX: usize,
  partials: usize,
  partialStride: usize,
): void {
  store<u32>(F, <u32>v, 96);
  store<u32>(F, <u32>x, 100);
  store<u32>(F, <u32>rsX, 104);
  store<u32>(F, <u32>partials, 108);
  store<u32>(F, <u32>partialStride, 112);
}

/**
 * Publishes a matmul job: out[M,N] (+)= alpha · op(a) · op(b) with op(a) read through byte
 * strides (rsA per row, csA per step) and op(b) as 8-column panels (ldb bytes per step,
 * panelStride bytes from one panel to the next). Returns the number of tiles.
 */
export function beginMatmul(
  m: i32,
  n: i32,
  k: i32,
  a: usize,
  rsA: usize,
  csA: usize,
  b: usize,
  ldb: usize,
  panelStride: usize,
  c: usize,
  alpha: f32,
  accumulate: bool,
  rowsPerTile: i32,
  colsPerTile: i32,
  pack: usize,
  packStride: usize,
): i32 {
  const gen = (atomic.load<u64>(CTL) >>> 32) + 1;
  atomic.store<u64>(CTL, (gen << 32) | CLOSED);
  const rowTiles = (m + rowsPerTile - 1) / rowsPerTile;
  const colTiles = (n + colsPerTile - 1) / colsPerTile;
  const tiles = rowTiles * colTiles;
  store<i32>(F, m);
  store<i32>(F, n, 4);
  store<i32>(F, k, 8);
  store<u32>(F, <u32>a, 12);
  store<u32>(F, <u32>rsA, 16);
  store<u32>(F, <u32>csA, 20);
  store<u32>(F, <u32>b, 24);
  store<u32>(F, <u32>ldb, 28);
  store<u32>(F, <u32>panelStride, 32);
  store<u32>(F, <u32>c, 36);
  store<f32>(F, alpha, 40);
  store<i32>(F, accumulate ? 1 : 0, 44);
  store<i32>(F, rowsPerTile, 48);
  store<i32>(F, colsPerTile, 52);
  store<i32>(F, colTiles, 56);
  store<i32>(F, tiles, 60);
  store<u32>(F, <u32>pack, 64);
  store<u32>(F, <u32>packStride, 68);
  store<i32>(F, 0, KIND);
  atomic.store<i32>(DONE, 0);
  atomic.store<u64>(CTL, gen << 32);
  return tiles;
}

/**
 * Publishes a job of `tiles` tiles of another kind (1: attention, described by setAttention and
 * setAttentionShape first; 2: RMSNorm, by setRmsNorm; 3: SwiGLU, by setSwiglu; 4: cross-entropy,
 * by setCrossEntropy) and returns `tiles`.
 */
export function beginTiles(kind: i32, tiles: i32): i32 {
  const gen = (atomic.load<u64>(CTL) >>> 32) + 1;
  atomic.store<u64>(CTL, (gen << 32) | CLOSED);
  store<i32>(F, tiles, 60);
  store<i32>(F, kind, KIND);
  atomic.store<i32>(DONE, 0);
  atomic.store<u64>(CTL, gen << 32);
  return tiles;
}

/**
 * Takes tiles of the current job until none is left and returns how many this thread ran.
 * Called by the main thread (thread 0) and every worker (1, 2, …).
 */
export function runJob(thread: i32): i32 {
  let ran = 0;
  while (true) {
    const ctl = atomic.load<u64>(CTL);
    const next = <i32>(ctl & CLOSED);
    if ((ctl & CLOSED) === CLOSED) return ran;
    const tiles = load<i32>(F, 60);
    if (next >= tiles) return ran;
    // Read the whole descriptor before claiming: valid iff the claim below succeeds.
    const m = load<i32>(F);
    const n = load<i32>(F, 4);
    const k = load<i32>(F, 8);
    const a = <usize>load<u32>(F, 12);
    const rsA = <usize>load<u32>(F, 16);
    const csA = <usize>load<u32>(F, 20);
    const b = <usize>load<u32>(F, 24);
    const ldb = <usize>load<u32>(F, 28);
    const panelStride = <usize>load<u32>(F, 32);
    const c = <usize>load<u32>(F, 36);
    const alpha = load<f32>(F, 40);
    const accumulate = load<i32>(F, 44) !== 0;
    const rowsPerTile = load<i32>(F, 48);
    const colsPerTile = load<i32>(F, 52);
    const colTiles = load<i32>(F, 56);
    const pack = <usize>load<u32>(F, 64) + <usize>thread * <usize>load<u32>(F, 68);
    const side = <usize>load<u32>(F, 72);
    const sideCols = load<i32>(F, 76);
    const sidePanel = <usize>load<u32>(F, 80);
    const sideAlpha = load<f32>(F, 84);
    const redV = <usize>load<u32>(F, 96);
    const redX = <usize>load<u32>(F, 100);
    const rsX = <usize>load<u32>(F, 104);
    const red = <usize>load<u32>(F, 108) + <usize>next * <usize>load<u32>(F, 112);
    const kind = load<i32>(F, KIND);
    if (atomic.cmpxchg<u64>(CTL, ctl, ctl + 1) !== ctl) continue;
    if (kind !== 0) {
      // Its descriptor is read inside: it cannot change while a claimed tile is unfinished.
      if (kind === ATTENTION) attentionTile(next, thread);
      else if (kind === RMS_NORM) rmsNormTile(next);
      else if (kind === SWIGLU) swigluTile(next);
      else if (kind === CROSS_ENTROPY) crossEntropyTile(next);
      if (atomic.add<i32>(DONE, 1) + 1 === tiles) atomic.notify(DONE, 1);
      ran++;
      continue;
    }
    const i0 = (next / colTiles) * rowsPerTile;
    const j0 = (next % colTiles) * colsPerTile;
    const i1 = min(i0 + rowsPerTile, m);
    const j1 = min(j0 + colsPerTile, n);
    matmulBlock(
      n,
      k,
      a,
      rsA,
      csA,
      side,
      sideCols,
      sidePanel,
      sideAlpha,
      redV,
      redX,
      rsX,
      red,
      b,
      ldb,
      panelStride,
      c,
      alpha,
      accumulate,
      i0,
      i1,
      j0,
      j1,
      pack,
    );
    if (atomic.add<i32>(DONE, 1) + 1 === tiles) atomic.notify(DONE, 1);
    ran++;
  }
}

/**
 * Rows i0..i1, columns j0..j1 (j0 a multiple of 8) of the output, blocked over the shared
 * dimension in KC steps: the block of a is packed into micro-panels at `pack`, then each panel
 * of b (KC × 8 floats, in L1) meets every micro-panel of the block. A block of one panel reads
 * a in place instead (each row of a is used once). Past the micro-panels, the thread's buffer
 * holds a 5×8 block and, for reductions, the tile's rows of side and of v padded to 8 lanes.
 */
function matmulBlock(
  n: i32,
  k: i32,
  a: usize,
  rsA: usize,
  csA: usize,
  side: usize,
  sideCols: i32,
  sidePanel: usize,
  sideAlpha: f32,
  redV: usize,
  redX: usize,
  rsX: usize,
  red: usize,
  b: usize,
  ldb: usize,
  panelStride: usize,
  c: usize,
  alpha: f32,
  accumulate: bool,
  i0: i32,
  i1: i32,
  j0: i32,
  j1: i32,
  pack: usize,
): void {
  const ldc = (<usize>n) << 2;
  const rows = i1 - i0;
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = min(KC, k - p0);
    const add = accumulate || p0 > 0;
    const aK = a + <usize>i0 * rsA + <usize>p0 * csA;
    if (j1 - j0 <= 8) {
      const panel = b + <usize>(j0 >> 3) * panelStride + <usize>p0 * ldb;
      const cj = c + <usize>i0 * ldc + ((<usize>j0) << 2);
      stridedPanel(aK, rsA, csA, panel, ldb, cj, ldc, kc, alpha, add, rows, j1 - j0);
      continue;
    }
    const panelBytes = <usize>kc * <usize>(MR << 2);
    if (redV !== 0 && p0 === 0) touchRows(redX + <usize>i0 * rsX, rsX, (<usize>n) << 2, rows, pack);
    packA(aK, rsA, csA, rows, kc, pack, panelBytes);
    const padded = <usize>((rows + MR - 1) / MR) * <usize>MR; // rows of the micro-panels
    const acc = pack + panelBytes * (padded / MR); // a 5×8 block past the panels
    const sidePad = acc + 160; // [padded][8]: this tile's side rows, 8 lanes
    if (side !== 0 && p0 === 0) {
      // This tile's rows of side = sideAlpha · a·P, from the a just packed (see setSide).
      const rsSide = (<usize>sideCols) << 2;
      let pa = pack;
      for (let i = i0; i < i1; i += MR) {
        kernel5x8(pa, sidePanel, 32, kc, acc, 32);
        storeBlock(
          acc,
          side + <usize>i * rsSide,
          rsSide,
          sideAlpha,
          false,
          min(MR, i1 - i),
          sideCols,
        );
        if (redV !== 0) scaleBlock(acc, sideAlpha, sidePad + ((<usize>(i - i0)) << 5));
        pa += panelBytes;
      }
    }
    if (redV !== 0 && p0 === 0) {
      // This tile's share of the reductions over rows (see setReductions).
      const vPad = sidePad + (padded << 5);
      padRows(redV + <usize>i0 * <usize>(sideCols << 2), sideCols, rows, vPad);
      reduceColumns(aK, rsA, csA, kc, rows, vPad, red);
      reduceColumns(redX + <usize>i0 * rsX, rsX, 4, n, rows, sidePad, red + ((<usize>kc) << 5));
    }
    for (let j = j0; j < j1; j += 8) {
      const nvalid = min(8, j1 - j);
      const panel = b + <usize>(j >> 3) * panelStride + <usize>p0 * ldb;
      let pa = pack;
      for (let i = i0; i < i1; i += MR) {
        const cij = c + <usize>i * ldc + ((<usize>j) << 2);
        // A whole block at alpha 1 goes straight to c; others through the scratch block.
        if (alpha === 1 && nvalid === 8 && i + MR <= i1) {
          if (add) kernel5x8Add(pa, panel, ldb, kc, cij, ldc);
          else kernel5x8(pa, panel, ldb, kc, cij, ldc);
        } else {
          kernel5x8(pa, panel, ldb, kc, acc, 32);
          storeBlock(acc, cij, ldc, alpha, add, min(MR, i1 - i), nvalid);
        }
        pa += panelBytes;
      }
    }
  }
}

/** `rows` rows of one panel (nvalid ≤ 8 columns at c), a read in place. */
function stridedPanel(
  a: usize,
  rsA: usize,
  csA: usize,
  panel: usize,
  ldb: usize,
  c: usize,
  ldc: usize,
  kc: i32,
  alpha: f32,
  add: bool,
  rows: i32,
  nvalid: i32,
): void {
  let i = 0;
  for (; i + MR_STRIDED <= rows; i += MR_STRIDED) {
    kernel4x8(
      a + <usize>i * rsA,
      rsA,
      csA,
      panel,
      ldb,
      c + <usize>i * ldc,
      ldc,
      kc,
      alpha,
      add,
      nvalid,
    );
  }
  for (; i < rows; i++) {
    kernel1x8(a + <usize>i * rsA, csA, panel, ldb, c + <usize>i * ldc, kc, alpha, add, nvalid);
  }
}

/**
 * Reads one float of every 64-byte line of `rows` rows (`bytes` each, rs apart), so that the
 * memory fetches them all at once now rather than one by one when the reduction needs them
 * (measured: 2% off a LoRA backward). The sum goes to `sink`, which the caller overwrites, so
 * that the loads are kept.
 */
function touchRows(src: usize, rs: usize, bytes: usize, rows: i32, sink: usize): void {
  let sum: f32 = 0;
  for (let r = 0; r < rows; r++) {
    const row = src + <usize>r * rs;
    for (let o: usize = 0; o < bytes; o += 64) sum += load<f32>(row + o);
  }
  store<f32>(sink, sum);
}
