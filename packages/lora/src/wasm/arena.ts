// A first-fit allocator over the wasm backend's WebAssembly.Memory: resident weights and the
// per-call operands live here. Freed blocks are coalesced with their neighbours; when nothing
// fits, the memory grows. Steps of the same shapes free and re-take the same blocks, so a
// steady-state training step neither grows the memory nor moves anything.

/** Bytes every block is aligned to (a cache line). */
const ALIGN = 64;
/**
 * Bytes added past the end of every block: the microkernel reads whole 8-float rows of a
 * partial panel (n % 8 columns) and drops the extra lanes, so it may read 28 bytes past a buffer.
 */
const SLACK = 64;
const PAGE = 65536;

interface Block {
  start: number;
  size: number;
}

/**
 * Byte-address allocator over `memory`, starting at `base`.
 *
 * @example
 * const arena = new Arena(memory, 4096);
 * const ptr = arena.alloc(1024 * 4); // room for 1024 floats
 * arena.free(ptr);
 */
export class Arena {
  private readonly free_: Block[] = []; // sorted by start, never adjacent
  private readonly used = new Map<number, number>(); // start → size
  private top: number;

  constructor(
    private readonly memory: WebAssembly.Memory,
    base: number,
  ) {
    this.top = Math.ceil(base / ALIGN) * ALIGN;
  }

  /** Bytes currently handed out (for memory reports). */
  get usedBytes(): number {
    let total = 0;
    for (const size of this.used.values()) total += size;
    return total;
  }

  /** Bytes of wasm memory in use or free below the top (the high-water mark). */
  get reservedBytes(): number {
    return this.top;
  }

  /** Returns the byte address of a block of at least `bytes` bytes, growing the memory if needed. */
  alloc(bytes: number): number {
    const size = Math.ceil((bytes + SLACK) / ALIGN) * ALIGN;
    for (let i = 0; i < this.free_.length; i++) {
      const block = this.free_[i];
      if (block.size < size) continue;
      const start = block.start;
      if (block.size === size) this.free_.splice(i, 1);
      else {
        block.start += size;
        block.size -= size;
      }
      this.used.set(start, size);
      return start;
    }
    const start = this.top;
    const end = start + size;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      // Grow by at least a quarter so a growing workload does not grow page by page.
      const pages = Math.max(Math.ceil((end - have) / PAGE), Math.ceil(have / PAGE / 4));
      try {
        this.memory.grow(pages);
      } catch {
        try {
          this.memory.grow(Math.ceil((end - have) / PAGE));
        } catch {
          throw new RangeError(
            `wasm backend: out of WebAssembly memory: ${bytes} more bytes needed with ${have} in use; raise createWasmBackend({ maxMemoryMiB })`,
          );
        }
      }
    }
    this.top = end;
    this.used.set(start, size);
    return start;
  }

  /** Returns a block to the free list, merging it with free neighbours. */
  free(start: number): void {
    const size = this.used.get(start);
    if (size === undefined) throw new Error(`Arena.free(): ${start} is not an allocated block`);
    this.used.delete(start);
    let i = 0;
    while (i < this.free_.length && this.free_[i].start < start) i++;
    const block = { start, size };
    this.free_.splice(i, 0, block);
    const next = this.free_[i + 1];
    if (next !== undefined && block.start + block.size === next.start) {
      block.size += next.size;
      this.free_.splice(i + 1, 1);
    }
    const prev = this.free_[i - 1];
    if (prev !== undefined && prev.start + prev.size === block.start) {
      prev.size += block.size;
      this.free_.splice(i, 1);
    }
    // A free block that ends at the top gives its bytes back to the top.
    const last = this.free_[this.free_.length - 1];
    if (last !== undefined && last.start + last.size === this.top) {
      this.top = last.start;
      this.free_.pop();
    }
  }
}
