// `grounding`: a question answered through the RAG pipeline, then checked against its sources.
// The suite's source files are chunked and ranked for the question as the RAG index does it
// (retrieve.ts), and the best topK chunks are assembled into the prompt (rag/promptAssembly.ts); greedy decoding writes the answer, which ends at a blank line. The
// answer's words are then checked against the retrieved chunks (groundingCheck.ts, which states
// the method and its limits); the test fails when the unsupported rate is above the bound.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { generate } from '../generate/generate';
import { assemblePrompt, DEFAULT_INSTRUCTION } from '../rag/promptAssembly';
import { contextTokens } from './continuation';
import type { EvalModel } from './evalModel';
import { checkGrounding } from './groundingCheck';
import { type SuitePlace, suiteFilePath } from './injectionTest';
import { verdict, type TestOutcome } from './outcome';
import { retrieveChunks } from './retrieve';
import type { TestOf } from './suiteFile';

export async function runGrounding(lm: EvalModel, test: TestOf<'grounding'>, place: SuitePlace): Promise<TestOutcome> {
  const sources = test.sources.map((name) => {
    const file = suiteFilePath(place, name);
    return { label: name, text: fs.readFileSync(file, 'utf8'), extension: path.extname(file) };
  });
  const retrieved = retrieveChunks(lm.tokenizer, sources, test.question, test.topK);
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
