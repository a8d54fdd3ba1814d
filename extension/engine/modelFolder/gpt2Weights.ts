// The weights of a GPT-2 in model.safetensors, under Hugging Face's names. Files from the Hub
// vary a little: some drop the "transformer." prefix, older ones store the causal-mask buffers
// (attn.bias, attn.masked_bias), and some repeat the tied output layer as lm_head.weight.
// Those are normalised here, and every tensor the graphs need is checked against config.json.

import type { GPTConfig } from '../gpt/config';
import type { TensorMap } from '../gpt/tensor';
import { ModelFolderError } from './folderError';
import { readSafetensors, readSafetensorsHeader } from './safetensors';

/** Name → shape of every GPT-2 weight. Conv1D weights are (in, out): y = x·W + b. */
export function gpt2WeightShapes(config: GPTConfig): Map<string, number[]> {
  const C = config.n_embd;
  const shapes = new Map<string, number[]>([
    ['transformer.wte.weight', [config.vocab_size, C]],
    ['transformer.wpe.weight', [config.n_positions, C]],
  ]);
  for (let i = 0; i < config.n_layer; i++) {
    const h = `transformer.h.${i}`;
    shapes.set(`${h}.ln_1.weight`, [C]).set(`${h}.ln_1.bias`, [C]);
    shapes.set(`${h}.attn.c_attn.weight`, [C, 3 * C]).set(`${h}.attn.c_attn.bias`, [3 * C]);
    shapes.set(`${h}.attn.c_proj.weight`, [C, C]).set(`${h}.attn.c_proj.bias`, [C]);
    shapes.set(`${h}.ln_2.weight`, [C]).set(`${h}.ln_2.bias`, [C]);
    shapes.set(`${h}.mlp.c_fc.weight`, [C, 4 * C]).set(`${h}.mlp.c_fc.bias`, [4 * C]);
    shapes.set(`${h}.mlp.c_proj.weight`, [4 * C, C]).set(`${h}.mlp.c_proj.bias`, [C]);
  }
  shapes.set('transformer.ln_f.weight', [C]).set('transformer.ln_f.bias', [C]);
  return shapes;
}

/** The canonical name of a stored tensor, or undefined for one the graphs do not use. */
export function canonicalGPT2Name(name: string): string | undefined {
  if (name === 'lm_head.weight' || /\.attn\.(masked_)?bias$/.test(name)) return undefined;
  return name.startsWith('transformer.') ? name : `transformer.${name}`;
}

/** Checks names and shapes, from the header alone, so a broken file is reported before it is read. */
export function checkGPT2WeightsFile(file: string, config: GPTConfig, shownAs = 'model.safetensors'): void {
  const stored = new Map<string, readonly number[]>();
  for (const entry of readSafetensorsHeader(file, shownAs).entries) {
    const name = canonicalGPT2Name(entry.name);
    if (name) stored.set(name, entry.shape);
  }
  checkShapes(stored, config, shownAs);
}

export function readGPT2Weights(file: string, config: GPTConfig, shownAs = 'model.safetensors'): TensorMap {
  const weights: TensorMap = new Map();
  for (const [name, tensor] of readSafetensors(file, shownAs).tensors) {
    const canonical = canonicalGPT2Name(name);
    if (canonical) weights.set(canonical, tensor);
  }
  checkShapes(new Map([...weights].map(([name, t]) => [name, t.dims])), config, shownAs);
  return weights;
}

function checkShapes(stored: ReadonlyMap<string, readonly number[]>, config: GPTConfig, shownAs: string): void {
  const expected = gpt2WeightShapes(config);
  for (const [name, shape] of expected) {
    const actual = stored.get(name);
    if (!actual) throw new ModelFolderError(shownAs, `tensor ${name} is missing (config.json has n_layer ${config.n_layer})`);
    if (actual.length !== shape.length || actual.some((d, i) => d !== shape[i])) {
      throw new ModelFolderError(shownAs, `tensor ${name} has shape [${actual.join(', ')}] but config.json implies [${shape.join(', ')}]`);
    }
  }
  for (const name of stored.keys()) {
    if (!expected.has(name)) throw new ModelFolderError(shownAs, `tensor ${name} is not part of a GPT-2 with config.json's n_layer ${config.n_layer}`);
  }
}
