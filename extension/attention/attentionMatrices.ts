// Cutting the inspection runner's attention tensors into what the panel draws: one head's T × T
// matrix, the mean over a layer's heads, and small thumbnails of every head.

/** Head `head` of a [heads, T, T] tensor, as a fresh array. */
export function headMatrix(data: Float32Array, head: number, tokens: number): Float32Array {
  const size = tokens * tokens;
  if ((head + 1) * size > data.length || head < 0) throw new Error(`head ${head} is outside an attention tensor of ${data.length / size} heads`);
  return data.slice(head * size, (head + 1) * size);
}

/** The mean over heads: row q still sums to 1, as each head's row does. */
export function meanOverHeads(data: Float32Array, heads: number, tokens: number): Float32Array {
  const size = tokens * tokens;
  const mean = new Float32Array(size);
  for (let h = 0; h < heads; h++) for (let i = 0; i < size; i++) mean[i] += data[h * size + i];
  for (let i = 0; i < size; i++) mean[i] /= heads;
  return mean;
}

/** The side of a thumbnail for T tokens: T itself up to `maxSide`, so small inputs are exact. */
export function thumbnailSide(tokens: number, maxSide: number): number {
  return Math.min(tokens, maxSide);
}

/**
 * Every head of a [heads, T, T] tensor shrunk to side × side: cell (i, j) is the mean of the block
 * of rows [⌊i·T/side⌋, ⌊(i+1)·T/side⌋) and the same columns. With side = T it is a copy.
 */
export function thumbnails(data: Float32Array, heads: number, tokens: number, side: number): Float32Array {
  const out = new Float32Array(heads * side * side);
  const edge = (i: number) => Math.floor((i * tokens) / side);
  for (let h = 0; h < heads; h++) {
    const source = h * tokens * tokens;
    for (let i = 0; i < side; i++) {
      const [r0, r1] = [edge(i), edge(i + 1)];
      for (let j = 0; j < side; j++) {
        const [c0, c1] = [edge(j), edge(j + 1)];
        let sum = 0;
        for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) sum += data[source + r * tokens + c];
        out[h * side * side + i * side + j] = sum / ((r1 - r0) * (c1 - c0));
      }
    }
  }
  return out;
}
