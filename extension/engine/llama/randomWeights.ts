// Fresh Llama-family weights from a seed, initialized as transformers' LlamaPreTrainedModel does:
// every linear layer and the token embedding N(0, initializer_range = 0.02), RMSNorm gains 1,
// biases 0. The same seed gives the same weights.
import { Mulberry32 } from '../generate/random';
import { gaussian, INIT_STD } from '../gpt/randomWeights';
import { numel, type TensorMap } from '../gpt/tensor';
import type { LlamaConfig } from './config';
import { llamaParameters } from './parameters';

export function randomLlamaWeights(config: LlamaConfig, seed: number): TensorMap {
  const normal = gaussian(new Mulberry32(seed));
  const weights: TensorMap = new Map();
  for (const spec of llamaParameters(config)) {
    const data = new Float32Array(numel(spec.dims));
    if (spec.name.endsWith('norm.weight')) data.fill(1);
    else if (!spec.name.endsWith('.bias')) for (let i = 0; i < data.length; i++) data[i] = INIT_STD * normal();
    weights.set(spec.name, { dims: [...spec.dims], data });
  }
  return weights;
}
