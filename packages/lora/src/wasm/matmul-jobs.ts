// The wasm backend's matmul jobs over operands already in its memory: tile sizes, whether the
// workers share a job, and the calling thread's part (its tiles, its `meanwhile` work, the
// wait). WasmBackend uploads and downloads around them; wasm-lora-step.ts chains them.
// Legend: M, N, K matmul dimensions; pointers are byte addresses in the memory.
import type { Arena } from "./arena";
import type { KernelExports } from "./kernels-module";
import type { ThreadPool } from "./thread-pool";
import { waitForTiles } from "./wait-for-tiles";

/** One matmul over byte addresses in the memory (see `WasmBackend.job`). */
export interface PointerMatmul {
  m: number;
  n: number;
  k: number;
  /** `[M,K]`, or `[K,M]` when transposeA. */
  a: number;
  transposeA: boolean;
  /** `[K,N]`, or packed panels of `[N,K]` when transposeB. */
  b: number;
  transposeB: boolean;
  /** `[M,N]`. */
  c: number;
  alpha: number;
  accumulate: boolean;
  /**
   * Makes the job also write side `[M, cols]` = alpha · op(a)·P, P one packed panel set `[k][8]`
   * (xa = x·Aᵀ beside y = x·Wᵀ): inside its tiles from the rows of a they pack anyway when
   * `spansColumns`, else as a job of its own first.
   */
  side?: { c: number; cols: number; panel: number; alpha: number };
  /**
   * With side, when `spansColumns`: per-tile partials (`rowTiles` of them) of op(a)[r]ᵀ ⊗ v[r] `[k][8]` and
   * x[r]ᵀ ⊗ side[r] `[n][8]` summed over rows (v `[M, cols]`, x `[M, n]`; see assembly
   * setReductions), zeroed by the caller.
   */
  reduce?: { v: number; x: number; partials: number; partialStride: number };
  /**
   * Work for the calling thread while the workers start on the job (copies in or out of the
   * memory that the job does not touch), before it takes tiles itself; run first when alone.
   */
  meanwhile?: () => void;
}

/** Runs `next` after `first`: at once when `first` completed synchronously. */
export function andThen(first: void | Promise<void>, next: () => void | Promise<void>) {
  return first === undefined ? next() : first.then(next);
}

/**
 * Below this many flops a matmul runs on the calling thread alone. Waking workers costs tens of
 * microseconds, and on a loaded machine a worker preempted in the middle of a tile stalls the
 * whole call for a scheduler slice (milliseconds). 2^22 (a 4 Mflop job, ~100 µs on one core):
 * at 2^25 nearly every matmul of kairos-base-tiny's step (1272 rows × 64) ran on one core and
 * the worker idled 77% of the step; at 2^22 a step at 8 × 159 takes ~68 ms against ~87 (2^23:
 * ~71, 2^21: ~73; one run, alternating, 2 cores).
 */
const PARALLEL_FLOPS = 1 << 22;
/**
 * Output tile a thread takes at a time: rows (a multiple of the microkernel's 5) × columns. A
 * thread packs its tile's rows of a once per tile, so tiles span the whole width (up to
 * WIDE_COLS) when there are enough rows to keep every thread busy, TILE_COLS otherwise.
 */
const TILE_ROWS = 40;
const TILE_COLS = 64;
const WIDE_COLS = 256;

/**
 * Runs matmul jobs for one backend: each thread packs rows of a into its own buffer (thread t
 * at packs + t · packStride), allocated once.
 *
 * @example
 * const jobs = new MatmulJobs(kernels, memory, pool, canBlock, arena, view);
 * jobs.job({ m, n, k, a, transposeA: false, b, transposeB: true, c, alpha: 1, accumulate: false });
 */
export class MatmulJobs {
  /** Tiles of the last matmul, and how many of them the calling thread ran (the rest: workers). */
  readonly lastMatmul = { tiles: 0, onCaller: 0 };
  private readonly words: Int32Array;
  private readonly packs: number;
  private readonly packStride: number;

  constructor(
    private readonly kernels: KernelExports,
    memory: WebAssembly.Memory,
    private readonly pool: ThreadPool | null,
    private readonly canBlock: boolean,
    arena: Arena,
    /** A view of the whole memory, current after growth. */
    private readonly view: () => Float32Array,
  ) {
    this.words = new Int32Array(memory.buffer, 0, 1024);
    // Micro-panels, a 5×8 block, the tile's side and v rows padded to 8 lanes (see matmulBlock).
    this.packStride = TILE_ROWS * kernels.packSteps() * 4 + 40 * 4 + 2 * TILE_ROWS * 32 + 64;
    this.packs = arena.alloc(this.threads * this.packStride);
  }

  /** Threads that compute a large matmul: the calling one plus the pool's workers. */
  get threads(): number {
    return 1 + (this.pool?.size ?? 0);
  }

  /**
   * Runs one matmul over operands already in the memory: b packed (`packed`) when transposed,
   * plain `[K,N]` otherwise (k = 0 writes zeros, or adds nothing). Returns a promise only where
   * this thread cannot block.
   */
  job(j: PointerMatmul): void | Promise<void> {
    const { m, n, k } = j;
    if (m === 0 || n === 0) return;
    if (k === 0) {
      if (!j.accumulate) this.view().fill(0, j.c >> 2, (j.c >> 2) + m * n);
      return;
    }
    const { rows, cols } = this.tiles(m, n);
    const side = j.side;
    if (side !== undefined && !this.spansColumns(m, n, k, side.cols)) {
      if (j.reduce !== undefined) throw new Error("job(): reduce needs spansColumns()");
      const { side: _side, meanwhile: _meanwhile, ...one } = j; // side on its own, first
      const first = { ...one, n: side.cols, b: side.panel, transposeB: true, c: side.c };
      return andThen(this.job({ ...first, alpha: side.alpha, accumulate: false }), () =>
        this.job({ ...j, side: undefined }),
      );
    }
    this.kernels.setSide(side?.c ?? 0, side?.cols ?? 0, side?.panel ?? 0, side?.alpha ?? 0);
    const r = j.reduce;
    this.kernels.setReductions(
      r?.v ?? 0,
      r?.x ?? 0,
      n * 4,
      r?.partials ?? 0,
      r?.partialStride ?? 0,
    );
    const tiles = this.kernels.beginMatmul(
      m,
      n,
      k,
      j.a,
      j.transposeA ? 4 : k * 4, // a: [K,M] or [M,K]
      j.transposeA ? m * 4 : 4,
      j.b,
      j.transposeB ? 32 : n * 4, // packed panels [ceil(N/8)][K][8], or [K,N] read 8 columns at a time
      j.transposeB ? k * 32 : 32,
      j.c,
      j.alpha,
      j.accumulate ? 1 : 0,
      rows,
      cols,
      this.packs,
      this.packStride,
    );
    const parallel = this.pool !== null && tiles > 1 && 2 * m * n * k >= PARALLEL_FLOPS;
    const finish = () => this.finishJob(tiles, parallel);
    if (!parallel) {
      j.meanwhile?.();
      return finish();
    }
    this.pool.wake();
    j.meanwhile?.();
    // A browser page boots workers through its event loop: yield one task while they start.
    if (!this.canBlock && this.pool.booting) {
      return new Promise((resolve) => setTimeout(resolve, 0)).then(finish);
    }
    return finish();
  }

  /**
   * Runs the tiles of a job published with `beginTiles` (attention): across the workers when
   * there are several and the job is worth waking them for (`flops`, as a matmul's).
   */
  tilesJob(tiles: number, flops: number): void | Promise<void> {
    const parallel = this.pool !== null && tiles > 1 && flops >= PARALLEL_FLOPS;
    const finish = () => this.finishJob(tiles, parallel);
    if (!parallel) return finish();
    this.pool.wake();
    if (!this.canBlock && this.pool.booting) {
      return new Promise((resolve) => setTimeout(resolve, 0)).then(finish);
    }
    return finish();
  }

  /** Output tile of a job: rows × columns (see TILE_ROWS). */
  private tiles(m: number, n: number): { rows: number; cols: number } {
    const rows = Math.min(m, TILE_ROWS);
    const wide = Math.ceil(m / rows) >= 4 * this.threads;
    return { rows, cols: Math.min(Math.ceil(n / 8) * 8, wide ? WIDE_COLS : TILE_COLS) };
  }

  /** How many tiles a job [M,N] that spans every column has: one a band of rows. */
  rowTiles(m: number, n: number): number {
    return Math.ceil(m / this.tiles(m, n).rows);
  }

  /**
   * Whether a job [M,N] over k steps takes a side of `cols` columns (and reduce) inside its
   * tiles: tiles span every column, more than one panel, k within one block, cols ≤ 8.
   */
  spansColumns(m: number, n: number, k: number, cols: number): boolean {
    const { cols: tileCols } = this.tiles(m, n);
    return n > 8 && tileCols >= n && k <= this.kernels.packSteps() && cols <= 8;
  }

  /**
   * Takes tiles on this thread and waits for any tile a worker took, also when the workers were
   * not woken for this job: one still looping in runJob from the job before can claim a tile of
   * this one as soon as it is published, and the caller must not read the output before that
   * tile is done (a race that lost a step's results now and then once small jobs were shared).
   * A job the workers were not woken for, whose tiles the caller ran all, returns at once; a
   * woken one always goes through the wait (a promise on a page that cannot block).
   */
  private finishJob(tiles: number, parallel: boolean): void | Promise<void> {
    this.lastMatmul.tiles = tiles;
    this.lastMatmul.onCaller = this.kernels.runJob(0);
    if (this.pool === null) return;
    if (!parallel && this.lastMatmul.onCaller === tiles) return;
    return waitForTiles(this.words, this.kernels.doneAddress() >> 2, tiles, this.canBlock);
  }
}
