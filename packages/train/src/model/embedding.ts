// Token embedding (`nn.Embedding`): row lookup forward, scatter-add backward.
// Legend: N rows (tokens), C hidden size, V vocabulary.

/** out[N, C] = table[ids[n], :]; throws on an id outside [0, V). */
export function embeddingForward(
  out: Float32Array,
  table: Float32Array,
  ids: Int32Array,
  C: number,
): void {
  const V = table.length / C;
  for (let n = 0; n < ids.length; n++) {
    const id = ids[n];
    if (!(id >= 0 && id < V))
      throw new RangeError(`embeddingForward(): token id must be in [0, ${V}), got ${id}`);
    out.set(table.subarray(id * C, id * C + C), n * C);
  }
}

/** dTable[ids[n], :] += dOut[n, :]. */
export function embeddingBackward(
  dTable: Float32Array,
  dOut: Float32Array,
  ids: Int32Array,
  C: number,
): void {
  for (let n = 0; n < ids.length; n++) {
    const o = ids[n] * C;
    for (let c = 0; c < C; c++) dTable[o + c] += dOut[n * C + c];
  }
}
