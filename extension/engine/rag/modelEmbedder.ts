// The offline default embedder: the language model's own last hidden state, mean-pooled over the
// tokens and L2-normalized. A model trained only to predict the next token was never taught to
// put texts of similar meaning close together, so these vectors mostly reflect shared words and
// style. The UI says so; a sentence-embedding model (sentenceEmbedder.ts) does this properly.

import * as path from 'node:path';
import { readModelFolder } from '../modelFolder/readModelFolder';
import type { Inspector } from '../runtime/inspection';
import type { SessionSettings } from '../runtime/ort';
import { loadTokenizerFile } from '../tokenizer/loadTokenizerFile';
import type { SpanEncoder } from '../tokenizer/types';
import { meanPool, type Embedder } from './embedder';

export const MODEL_EMBEDDER_CAVEAT =
  'pooled hidden states of a next-token model: weak for meaning (they follow shared words and style), so BM25 alone feeds the answer; choose a sentence-embedding model (Embedding Model…, or llmPipeline.rag.embeddingModel) for real semantic search';

/** An embedder over an inspector that outputs hidden states (our GPT-2's inspection graph). */
export function hiddenStateEmbedder(name: string, id: string, tokenizer: SpanEncoder, inspector: Inspector, dimensions: number): Embedder {
  return {
    id,
    label: `${name} (pooled hidden states)`,
    caveat: MODEL_EMBEDDER_CAVEAT,
    dimensions,
    maxTokens: inspector.contextLength,
    async embed(text, signal) {
      const tokens = (await tokenizer.encode(text)).map((s) => s.id).slice(0, inspector.contextLength);
      if (tokens.length === 0) return new Float32Array(dimensions);
      const { hiddenStates } = await inspector.run(tokens, signal);
      return meanPool(hiddenStates[hiddenStates.length - 1], dimensions);
    },
    release: () => inspector.release(),
  };
}

/** The hidden-state embedder of a GPT-2 model folder written by this project. */
export async function openModelEmbedder(dir: string, settings: SessionSettings = {}): Promise<Embedder> {
  const folder = readModelFolder(dir);
  if (!folder.gpt2 || !folder.safetensorsFile) {
    throw new Error(`${dir}: only this project's GPT-2 folders expose hidden states; choose a sentence-embedding model folder instead`);
  }
  const tokenizer = await loadTokenizerFile(dir);
  const { openInspector } = require('../runtime/inspection') as typeof import('../runtime/inspection');
  const inspector = await openInspector(folder, settings);
  return hiddenStateEmbedder(path.basename(dir), `model:${path.resolve(dir)}`, tokenizer, inspector, folder.gpt2.gpt.n_embd);
}
