// `grounding`: a question answered through the RAG pipeline, then checked against its sources.
// The suite's source files are chunked as the RAG index chunks them (rag/chunker.ts), ranked for
// the question by BM25 (rag/bm25.ts), and the best topK chunks are assembled into the prompt
// (rag/promptAssembly.ts); greedy decoding writes the answer, which ends at a blank line. The
// answer's words are then checked against the retrieved chunks (groundingCheck.ts, which states
// the method and its limits); the test fails when the unsupported rate is above the bound.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { generate } from '../generate/generate';
import { Bm25Index } from '../rag/bm25';
import { chunkText } from '../rag/chunker';
import { assemblePrompt, DEFAULT_INSTRUCTION } from '../rag/promptAssembly';
import { fileKind } from '../rag/sections';
import { contextTokens } from './continuation';
import type { EvalModel } from './evalModel';
import { checkGrounding } from './groundingCheck';
import { type SuitePlace, suiteFilePath } from './injectionTest';
import { verdict, type TestOutcome } from './outcome';
import type { TestOf } from './suiteFile';

const CHUNK = { size: 64, overlap: 8 };

export async function runGrounding(lm: EvalModel, test: TestOf<'grounding'>, place: SuitePlace): Promise<TestOutcome> {
  const index = new Bm25Index();
  const chunks = new Map<string, { label: string; text: string }>();
  for (const name of test.sources) {
    const file = suiteFilePath(place, name);
    chunkText(fs.readFileSync(file, 'utf8'), fileKind(path.extname(file)), lm.tokenizer, CHUNK).forEach((chunk, i) => {
      const id = `${name}#${i}`;
      chunks.set(id, { label: name, text: chunk.text });
      index.add(id, chunk.text);
    });
  }
  const retrieved = index.search(test.question, test.topK).map((hit) => chunks.get(hit.id) as { label: string; text: string });
  if (retrieved.length === 0) throw new Error(`no source chunk shares a word with the question ${JSON.stringify(test.question)}`);
  const prompt = contextTokens(lm, assemblePrompt(DEFAULT_INSTRUCTION, retrieved, test.question).map((s) => s.text).join(''));
  const room = lm.model.contextLength - prompt.length;
  if (room < 1) throw new Error(`the assembled prompt takes ${prompt.length} tokens, the model's whole context of ${lm.model.contextLength}`);
  const answer = await generate(lm.model, prompt, {
    sampler: { temperature: 0 },
    maxNewTokens: Math.min(test.maxNewTokens, room),
    decode: (ids) => lm.tokenizer.decode(ids),
    stopStrings: ['\n\n'],
    ...(lm.startToken === undefined ? {} : { stopTokenIds: [lm.startToken] }),
  });
  const check = checkGrounding(answer.text, retrieved.map((r) => r.text));
  const spans = check.unsupported.map((s) => JSON.stringify(s.text)).join(', ');
  return {
    status: verdict(check.rate <= test.maxUnsupportedRate),
    message: `answer ${JSON.stringify(answer.text.trim())}: ${check.unsupportedWords} of ${check.contentWords} content words unsupported by the ${retrieved.length} retrieved chunk(s) (rate ${check.rate.toFixed(2)}, bound ${test.maxUnsupportedRate})${spans ? `; unsupported: ${spans}` : ''}`,
    figures: { rate: check.rate, contentWords: check.contentWords, unsupportedWords: check.unsupportedWords, answer: answer.text, sources: retrieved.map((r) => r.label).join(', ') },
  };
}
