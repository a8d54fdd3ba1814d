// What the RAG unit tests share: the fixture folder (test/fixtures/rag) and a small random GPT-2
// with the byte-level tokenizer, whose pooled hidden states embed the chunks.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GPTConfig } from '../../extension/engine/gpt/config';
import { randomWeights } from '../../extension/engine/gpt/randomWeights';
import { writeModelFolder } from '../../extension/engine/modelFolder/writeModelFolder';
import type { IndexSettings } from '../../extension/engine/rag/indexer';
import { DEFAULT_WALK } from '../../extension/engine/rag/walkFolder';
import { byteLevelTokenizerJson } from './modelFolderFixtures';

export const RAG_FIXTURE = path.join(__dirname, '..', 'fixtures', 'rag');

/** The retrieval benchmark (test/fixtures/rag-bench, SOURCES.md): the documents and the questions each answers. */
export const RAG_BENCH_DOCS = path.join(__dirname, '..', 'fixtures', 'rag-bench', 'docs');

export interface RagBenchQuestion {
  readonly question: string;
  /** The file under RAG_BENCH_DOCS that answers it, and the section, for a reader. */
  readonly file: string;
  readonly section: string;
}

export function ragBenchQuestions(): RagBenchQuestion[] {
  return JSON.parse(fs.readFileSync(path.join(RAG_BENCH_DOCS, '..', 'questions.json'), 'utf8')) as RagBenchQuestion[];
}
export const RAG_TEST_SETTINGS: IndexSettings = { walk: DEFAULT_WALK, chunk: { size: 80, overlap: 16 }, maxFileBytes: 4000 };

export const RAG_TEST_MODEL_CONFIG: GPTConfig = { n_layer: 1, n_head: 2, n_embd: 16, n_positions: 96, vocab_size: 257, layer_norm_epsilon: 1e-5 };

/** Writes the embedding model to `<temp>/model`; returns its folder. */
export function writeRagTestModel(temp: string): string {
  const modelDir = path.join(temp, 'model');
  writeModelFolder(modelDir, { config: RAG_TEST_MODEL_CONFIG, weights: randomWeights(RAG_TEST_MODEL_CONFIG, 3), tokenizerJson: byteLevelTokenizerJson() });
  return modelDir;
}
