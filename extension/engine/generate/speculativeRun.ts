// Speculative decoding measured: a draft model folder and a target model folder, one prompt; the
// target's plain greedy decoding is timed beside speculative decoding, the two outputs compared,
// and each output token labelled with where it came from. The CLI and the Scaling Lab panel's
// speculative view show this report.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { openModelFolder } from '../runtime/openModelFolder';
import { loadTokenizerFile } from '../tokenizer/loadTokenizerFile';
import { generate } from './generate';
import { speculativeDecode, type TokenSource } from './speculative';

export interface SpeculativeRequest {
  readonly draftFolder: string;
  readonly targetFolder: string;
  readonly prompt: string;
  readonly maxNewTokens: number;
  readonly draftTokens: number;
  readonly threads?: number;
}

export interface SpeculativeReport {
  readonly prompt: string;
  /** Output tokens as text pieces, with their source; rejected proposals are listed per round. */
  readonly pieces: readonly { readonly text: string; readonly source: TokenSource }[];
  readonly rounds: readonly { readonly proposed: readonly string[]; readonly accepted: number; readonly targetToken: string }[];
  readonly acceptanceRate: number;
  readonly proposedTokens: number;
  readonly acceptedTokens: number;
  readonly targetCalls: number;
  readonly draftCalls: number;
  readonly tokens: number;
  readonly finishReason: string;
  /** Wall time of the target's own greedy decoding and of speculative decoding, same tokens. */
  readonly greedyMs: number;
  readonly speculativeMs: number;
  /** greedyMs ÷ speculativeMs. */
  readonly speedup: number;
  /** The speculative output equals the target's greedy output, token for token. */
  readonly matchesGreedy: boolean;
}

/** The draft must speak the target's vocabulary: the same tokenizer model (vocabulary and merges). */
function checkSameTokenizer(draftFolder: string, targetFolder: string): void {
  const modelOf = (dir: string) => {
    const file = path.join(dir, 'tokenizer.json');
    if (!fs.existsSync(file)) throw new Error(`${dir}: no tokenizer.json`);
    return JSON.stringify((JSON.parse(fs.readFileSync(file, 'utf8')) as { model?: unknown }).model);
  };
  if (modelOf(draftFolder) !== modelOf(targetFolder)) {
    throw new Error(`${draftFolder}: its tokenizer differs from the target's (${targetFolder}); a draft model must share the target's tokenizer`);
  }
}

export async function measureSpeculative(request: SpeculativeRequest): Promise<SpeculativeReport> {
  checkSameTokenizer(request.draftFolder, request.targetFolder);
  const settings = { threads: request.threads };
  const target = await openModelFolder(request.targetFolder, settings);
  const draft = await openModelFolder(request.draftFolder, settings).catch(async (error: Error) => {
    await target.model.release();
    throw error;
  });
  try {
    const tokenizer = await loadTokenizerFile(request.targetFolder);
    const prompt = tokenizer.encodeIds(request.prompt, { addSpecialTokens: true });
    const options = { maxNewTokens: request.maxNewTokens, draftTokens: request.draftTokens };
    // One short untimed pass of each first, so neither timing pays for session warm-up.
    await speculativeDecode(draft.model, target.model, prompt, { ...options, maxNewTokens: 2 });
    let began = performance.now();
    const greedy = await generate(target.model, prompt, { sampler: { temperature: 0 }, maxNewTokens: request.maxNewTokens });
    const greedyMs = performance.now() - began;
    began = performance.now();
    const result = await speculativeDecode(draft.model, target.model, prompt, options);
    const speculativeMs = performance.now() - began;
    const piece = (id: number) => tokenizer.decode([id]);
    return {
      prompt: request.prompt,
      pieces: result.tokens.map((id, i) => ({ text: piece(id), source: result.sources[i] })),
      rounds: result.rounds.map((r) => ({ proposed: r.proposed.map(piece), accepted: r.accepted, targetToken: piece(r.targetToken) })),
      acceptanceRate: result.acceptanceRate, proposedTokens: result.proposedTokens, acceptedTokens: result.acceptedTokens,
      targetCalls: result.targetCalls, draftCalls: result.draftCalls, tokens: result.tokens.length, finishReason: result.finishReason,
      greedyMs, speculativeMs, speedup: greedyMs / speculativeMs,
      matchesGreedy: greedy.tokens.length === result.tokens.length && greedy.tokens.every((t, i) => t === result.tokens[i]),
    };
  } finally {
    await draft.model.release();
    await target.model.release();
  }
}
