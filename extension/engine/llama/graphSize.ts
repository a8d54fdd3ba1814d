// The engine's graphs hold their weights inside the ONNX protobuf, which cannot exceed 2 GiB; a
// little is kept for the graph itself. Qwen2.5-0.5B (494 M parameters, 1.98 GB as float32) fits;
// Llama 3.2 1B (1.24 B, 4.9 GB) does not, and runs from its ONNX export instead.
import type { LlamaConfig } from './config';
import { llamaParameterCount } from './parameters';

export const MAX_BUILT_WEIGHT_BYTES = 2 ** 31 - 32 * 2 ** 20;

/** Why the engine cannot build graphs for this model, or undefined when it can. */
export function builtGraphTooLarge(config: LlamaConfig): string | undefined {
  const parameters = llamaParameterCount(config).total;
  const bytes = 4 * parameters;
  if (bytes <= MAX_BUILT_WEIGHT_BYTES) return undefined;
  const gb = (n: number) => `${(n / 1e9).toFixed(2)} GB`;
  return `describes ${parameters.toLocaleString('en-US')} parameters, ${gb(bytes)} as float32: more than the ${gb(MAX_BUILT_WEIGHT_BYTES)} a graph built in memory can hold. Use the model's ONNX export (onnx/model.onnx or a quantized variant) instead`;
}
