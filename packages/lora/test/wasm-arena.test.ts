// The wasm backend's first-fit allocator: alignment, reuse of freed blocks, coalescing, growth.
import { describe, expect, it } from "vitest";
import { Arena } from "../src/wasm/arena";

const PAGE = 65536;

describe("Arena", () => {
  it("alloc(bytes) returns 64-byte aligned, non-overlapping blocks at or above the base", () => {
    const arena = new Arena(new WebAssembly.Memory({ initial: 1, maximum: 64 }), 100);
    const a = arena.alloc(10);
    const b = arena.alloc(1000);
    const c = arena.alloc(1);
    for (const p of [a, b, c]) expect(p % 64).toBe(0);
    expect(a).toBeGreaterThanOrEqual(100);
    // Each block keeps at least 32 bytes of slack past its end (partial-panel over-reads).
    expect(b).toBeGreaterThanOrEqual(a + 10 + 32);
    expect(c).toBeGreaterThanOrEqual(b + 1000 + 32);
  });

  it("free(ptr) makes the block reusable and coalesces neighbours", () => {
    const arena = new Arena(new WebAssembly.Memory({ initial: 1, maximum: 64 }), 0);
    const a = arena.alloc(256);
    const b = arena.alloc(256);
    const c = arena.alloc(256);
    arena.alloc(256); // keeps a, b, c below the top
    arena.free(a);
    arena.free(b);
    arena.free(c);
    // a, b and c merged into one free block: a larger request fits at a's address.
    expect(arena.alloc(700)).toBe(a);
  });

  it("alloc() grows the memory when nothing fits, and free() of the top block shrinks the top", () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 64 });
    const arena = new Arena(memory, 0);
    const big = arena.alloc(3 * PAGE);
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(big + 3 * PAGE);
    const top = arena.reservedBytes;
    arena.free(big);
    expect(arena.reservedBytes).toBeLessThan(top);
    expect(arena.alloc(3 * PAGE)).toBe(big);
  });

  it("free(ptr) of an address it never handed out throws", () => {
    const arena = new Arena(new WebAssembly.Memory({ initial: 1, maximum: 1 }), 0);
    expect(() => arena.free(12345)).toThrow(/not an allocated block/);
  });
});
