// What a context really keeps alive: the bytes of the distinct typed arrays it reaches. Layers share
// buffers (q, k and v projections all keep the same normed input; a LoRA layer's context holds the
// block's buffer it was given), so summing each part's own count would count one array several
// times, and the planner would budget memory that does not exist.

/** True when a projection's context keeps `buffer` (the context is it, or one of its fields is). */
export function holds(context: unknown, buffer: ArrayBufferView): boolean {
  if (context === buffer) return true;
  return !!context && typeof context === "object" && Object.values(context).includes(buffer);
}

/** True when `v` is a view inside `outer`'s elements. */
function within(v: Float32Array, outer: Float32Array): boolean {
  return (
    v.buffer === outer.buffer &&
    v.byteOffset >= outer.byteOffset &&
    v.byteOffset + v.byteLength <= outer.byteOffset + outer.byteLength
  );
}

/**
 * Bytes of the distinct Float32Arrays (activations) reachable from `value` through arrays and
 * plain objects, up to 8 levels deep, leaving out `exclude` (the stage input, which the executor
 * counts itself, views into it included: a T5 decoder stage's input carries the encoder output,
 * whose half a projection context may keep). Other typed arrays a context may reach belong to the batch (a key mask, labels).
 */
export function heldBytes(value: unknown, exclude: Float32Array): number {
  const seen = new Set<Float32Array>([exclude]);
  let bytes = 0;
  const visit = (v: unknown, depth: number): void => {
    if (v instanceof Float32Array) {
      if (!seen.has(v) && !within(v, exclude)) {
        seen.add(v);
        bytes += v.byteLength;
      }
    } else if (v && typeof v === "object" && !ArrayBuffer.isView(v) && depth < 8) {
      for (const child of Object.values(v)) visit(child, depth + 1);
    }
  };
  visit(value, 0);
  return bytes;
}
