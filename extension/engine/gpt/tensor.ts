// A dense float32 tensor in row-major order, and a set of them by name. Weights use the
// Hugging Face GPT-2 names (transformer.wte.weight, transformer.h.0.attn.c_attn.weight, ...),
// with Conv1D weights stored (in, out) so that y = x·W + b.

export interface Tensor {
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

export type TensorMap = Map<string, Tensor>;

export function numel(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}
