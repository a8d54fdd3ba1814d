// "Compare with base": the same prompt continued by two model folders (the model a run started
// from and one of its checkpoints), with the same seed and temperature, so the difference in the
// text comes from the weights alone. Each folder brings its own tokenizer.

import { Mulberry32 } from '../generate/random';
import { readGPT2Weights } from '../modelFolder/gpt2Weights';
import { readModelFolder } from '../modelFolder/readModelFolder';
import { loadTokenizerFile } from '../tokenizer/loadTokenizerFile';
import { sampleTokens } from './sampleText';

export interface CompareRequest {
  readonly models: readonly { readonly label: string; readonly folder: string }[];
  readonly prompt: string;
  readonly seed: number;
  readonly maxTokens: number;
  readonly temperature: number;
}

export interface ComparedText {
  readonly label: string;
  readonly text: string;
}

export async function continueWithEach(request: CompareRequest): Promise<ComparedText[]> {
  const columns: ComparedText[] = [];
  for (const { label, folder } of request.models) {
    const model = readModelFolder(folder);
    if (!model.gpt2 || !model.safetensorsFile) throw new Error(`${folder}: only GPT-2 folders with model.safetensors can be compared here`);
    const tokenizer = await loadTokenizerFile(folder);
    const endOfText = tokenizer.specialTokens.get('<|endoftext|>');
    const prompt = tokenizer.encodeIds(request.prompt);
    const ids = await sampleTokens(model.gpt2.gpt, readGPT2Weights(model.safetensorsFile, model.gpt2.gpt), prompt.length ? prompt : [endOfText ?? 0], {
      maxTokens: request.maxTokens, temperature: request.temperature, stopToken: endOfText,
    }, new Mulberry32(request.seed));
    columns.push({ label, text: tokenizer.decode(ids) });
  }
  return columns;
}
