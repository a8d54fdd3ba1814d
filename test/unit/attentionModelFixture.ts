// A small GPT-2 model folder for the attention tests, integration tests, e2e test and benchmark:
// random weights (seeded) and a byte-level BPE tokenizer trained on a short story, so tokens are
// word pieces as in a real model. The numbers it produces are random, the shapes and paths real.
import type { GPTConfig } from '../../extension/engine/gpt/config';
import { randomWeights } from '../../extension/engine/gpt/randomWeights';
import type { TensorMap } from '../../extension/engine/gpt/tensor';
import { writeModelFolder } from '../../extension/engine/modelFolder/writeModelFolder';
import { PieceCounter, trainBpe } from '../../extension/engine/tokenizer/bpeTrainer';
import { trainedTokenizerConfig, trainedTokenizerJson } from '../../extension/engine/tokenizer/trainedTokenizerFiles';

export const STORY = [
  'Once upon a time there was a little fox who lived in a hole under a big oak tree.',
  'Every morning the fox ran to the river to drink, and every evening it ran home again.',
  'One day the fox met a bird. The bird said, "Why do you run so fast?"',
  'The fox said, "Because the river is far, and the night is dark."',
  'So the bird flew with the fox, and the night was not so dark any more.',
].join('\n');

export interface TinyModel {
  readonly dir: string;
  readonly config: GPTConfig;
  readonly weights: TensorMap;
}

export interface TinyModelOptions {
  readonly n_layer?: number;
  readonly n_head?: number;
  readonly n_embd?: number;
  readonly n_positions?: number;
  readonly vocabSize?: number;
  readonly seed?: number;
}

export function writeTinyModel(dir: string, options: TinyModelOptions = {}): TinyModel {
  const counter = new PieceCounter(['<|endoftext|>']);
  counter.add(STORY);
  const bpe = trainBpe(counter, { vocabSize: options.vocabSize ?? 400, specialTokens: ['<|endoftext|>'] });
  const tokenizerJson = trainedTokenizerJson(bpe);
  const vocab_size = Math.max(...bpe.tokens.map((_, id) => id), ...bpe.specialTokens.map((s) => s.id)) + 1;
  const config: GPTConfig = {
    n_layer: options.n_layer ?? 2,
    n_head: options.n_head ?? 4,
    n_embd: options.n_embd ?? 32,
    n_positions: options.n_positions ?? 64,
    vocab_size,
    layer_norm_epsilon: 1e-5,
  };
  const weights = randomWeights(config, options.seed ?? 7);
  writeModelFolder(dir, { config, weights, tokenizerJson, tokenizerConfig: trainedTokenizerConfig(bpe) });
  return { dir, config, weights };
}
