// Fresh GPT-2 weights from a seed, initialized as GPT-2 was (nanoGPT's _init_weights): weights
// N(0, 0.02), the projections into the residual stream N(0, 0.02/√(2·n_layer)) so that the stream's
// variance does not grow with depth, LayerNorm gains 1, biases 0. The same seed gives the same weights.
import { Mulberry32 } from '../generate/random';
import type { GPTConfig } from './config';
import { gpt2Parameters, type InitRule } from './parameters';
import { numel, type TensorMap } from './tensor';

export const INIT_STD = 0.02;

export function randomWeights(config: GPTConfig, seed: number): TensorMap {
  const random = new Mulberry32(seed);
  const normal = gaussian(random);
  const weights: TensorMap = new Map();
  for (const spec of gpt2Parameters(config)) {
    const data = new Float32Array(numel(spec.dims));
    const std = initStd(spec.init, config);
    if (spec.init === 'ones') data.fill(1);
    if (std > 0) for (let i = 0; i < data.length; i++) data[i] = std * normal();
    weights.set(spec.name, { dims: [...spec.dims], data });
  }
  return weights;
}

function initStd(rule: InitRule, config: GPTConfig): number {
  if (rule === 'normal') return INIT_STD;
  if (rule === 'residual') return INIT_STD / Math.sqrt(2 * config.n_layer);
  return 0;
}

/** Standard normal draws by the Box-Muller transform: two uniforms give two independent N(0, 1). */
export function gaussian(random: Mulberry32): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u = 1 - random.next(); // in (0, 1], so log(u) is finite
    const v = random.next();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}
