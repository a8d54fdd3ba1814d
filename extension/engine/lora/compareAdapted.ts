// The A/B of an adapter: one prompt continued by the base weights and by the adapted (merged)
// weights with the same seed and temperature, so the difference in the text is the adapter's alone.

import { Mulberry32 } from '../generate/random';
import { readGPT2Weights } from '../modelFolder/gpt2Weights';
import type { GPT2FolderConfig } from '../modelFolder/gpt2Config';
import { loadTokenizerFile } from '../tokenizer/loadTokenizerFile';
import { sampleTokens } from '../train/sampleText';
import type { AdaptedModel } from './adaptedModel';

/** The sampling settings both continuations share. */
export interface ComparisonSettings {
  readonly seed: number;
  readonly maxTokens: number;
  readonly temperature: number;
}

export interface AdapterComparison extends ComparisonSettings {
  readonly prompt: string;
  /** The continuations only (the prompt is not repeated in them). */
  readonly base: string;
  readonly adapted: string;
}

export async function compareBaseAndAdapted(adapted: AdaptedModel, prompt: string, settings: ComparisonSettings): Promise<AdapterComparison> {
  const { base } = adapted;
  const config = (base.gpt2 as GPT2FolderConfig).gpt;
  const tokenizer = await loadTokenizerFile(base.dir);
  const endOfText = tokenizer.specialTokens.get('<|endoftext|>');
  const ids = tokenizer.encodeIds(prompt);
  const start = ids.length ? ids : [endOfText ?? 0];
  const run = async (weights: AdaptedModel['weights']) =>
    tokenizer.decode(await sampleTokens(config, weights, start, { ...settings, stopToken: endOfText }, new Mulberry32(settings.seed)));
  const baseWeights = readGPT2Weights(base.safetensorsFile as string, config);
  const { seed, maxTokens, temperature } = settings;
  return { prompt, seed, maxTokens, temperature, base: await run(baseWeights), adapted: await run(adapted.weights) };
}
