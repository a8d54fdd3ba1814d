// Retrieval for the RAG test kinds, as the RAG index does it: files chunked by tokens along their
// structure (rag/chunker.ts), ranked for the question by BM25 (rag/bm25.ts), the best k kept.

import { Bm25Index } from '../rag/bm25';
import { chunkText } from '../rag/chunker';
import type { PromptSource } from '../rag/promptAssembly';
import { fileKind } from '../rag/sections';
import type { TextTokenizer } from '../tokenizer/types';

/** Small chunks, so that a few of them and the question fit a small model's window. */
const CHUNK = { size: 64, overlap: 8 };

export interface SourceText {
  readonly label: string;
  readonly text: string;
  /** The file's extension (".md"), which decides how it is cut into sections. */
  readonly extension: string;
}

export function retrieveChunks(tokenizer: TextTokenizer, sources: readonly SourceText[], question: string, k: number): PromptSource[] {
  const index = new Bm25Index();
  const chunks = new Map<string, PromptSource>();
  for (const source of sources) {
    chunkText(source.text, fileKind(source.extension), tokenizer, CHUNK).forEach((chunk, i) => {
      const id = `${source.label}#${i}`;
      chunks.set(id, { label: source.label, text: chunk.text });
      index.add(id, chunk.text);
    });
  }
  const retrieved = index.search(question, k).map((hit) => chunks.get(hit.id) as PromptSource);
  if (retrieved.length === 0) throw new Error(`no source chunk shares a word with the question ${JSON.stringify(question)}`);
  return retrieved;
}
