// The weights of a GPT-2 in model.safetensors, under Hugging Face's names. Files from the Hub
// vary a little: some drop the "transformer." prefix, older ones store the causal-mask buffers
// (attn.bias, attn.masked_bias), and some repeat the tied output layer as lm_head.weight.
// Those are normalised here, and every tensor the graphs need is checked against config.json.

import type { GPTConfig } from '../gpt/config';
import { gpt2Parameters } from '../gpt/parameters';
import type { TensorMap } from '../gpt/tensor';
import { ModelFolderError } from './folderError';
import { readSafetensors, readSafetensorsHeader } from './safetensors';

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

/** How many blocks (transformer.h.<i>.*) the stored tensors hold: the largest index + 1. */
function storedLayers(stored: ReadonlyMap<string, readonly number[]>): number {
  let layers = 0;
  for (const name of stored.keys()) {
    const match = /^transformer\.h\.(\d+)\./.exec(name);
    if (match) layers = Math.max(layers, Number(match[1]) + 1);
  }
  return layers;
}

function checkShapes(stored: ReadonlyMap<string, readonly number[]>, config: GPTConfig, shownAs: string): void {
  // Compared before the expected list is built: that list grows with n_layer, which the file claims.
  const layers = storedLayers(stored);
  if (layers !== config.n_layer) {
    const held = layers === 0 ? 'holds no layers (no transformer.h.0.*)' : `holds ${layers} layers (transformer.h.0 to transformer.h.${layers - 1})`;
    throw new ModelFolderError(shownAs, `${held} but config.json has n_layer ${config.n_layer}`);
  }
  const expected = new Map(gpt2Parameters(config).map((spec) => [spec.name, spec.dims]));
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
