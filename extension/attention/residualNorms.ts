// How large the residual stream is at each depth: ‖h_l(t)‖₂ for every stream l (the embeddings,
// then after each block) and token t. Each block adds its output to the stream, so the norm
// usually grows with depth; a token whose norm stands out (often the first) is one the model
// treats specially.

/** [streams, T] L2 norms of `streams` residual streams, each [T, width] row-major. */
export function residualNorms(streams: readonly Float32Array[], tokens: number, width: number): Float32Array {
  const norms = new Float32Array(streams.length * tokens);
  streams.forEach((stream, l) => {
    if (stream.length !== tokens * width) throw new Error(`residual stream ${l} holds ${stream.length} values, not ${tokens} × ${width}`);
    for (let t = 0; t < tokens; t++) {
      let sum = 0;
      for (let c = 0; c < width; c++) sum += stream[t * width + c] ** 2;
      norms[l * tokens + t] = Math.sqrt(sum);
    }
  });
  return norms;
}
