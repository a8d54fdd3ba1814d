// Speculative decoding against the target's own greedy decoding, same prompt, same process: the
// bundled model is the target, and the draft is the one the Speculative Decoding panel trains
// (engine/generate/draftModel.ts: 1 layer, the target's tokenizer, the walkthrough sample),
// trained here first. For each k (draft tokens per round) greedy and speculative decoding take
// turns, round after round, so both see the same load; the figures are medians over the rounds.
// The outputs are compared every round: a speed-up only counts when the text is the same.

import * as path from 'node:path';
import { draftTrainOptions } from '../../extension/engine/generate/draftModel';
import { generate } from '../../extension/engine/generate/generate';
import { speculativeDecode } from '../../extension/engine/generate/speculative';
import { readModelFolder } from '../../extension/engine/modelFolder/readModelFolder';
import { openModelFolder } from '../../extension/engine/runtime/openModelFolder';
import { loadTokenizerFile } from '../../extension/engine/tokenizer/loadTokenizerFile';
import { train } from '../../extension/engine/train/trainer';
import type { GPTConfig } from '../../extension/engine/gpt/config';
import { makeTempDir, removeTempDir } from '../unit/modelFolderFixtures';
import { median, report, type Bench } from './bench';

const ROOT = path.join(__dirname, '..', '..');
const TARGET = path.join(ROOT, 'models', 'tinystories-1m');
const SAMPLE = path.join(ROOT, 'walkthroughs', 'training-sample', 'stories.txt');
const PROMPT = 'Once upon a time, there was a little girl named';
const NEW_TOKENS = 100;
const DRAFT_TOKENS = [2, 4, 6];
const ROUNDS = 5;

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

export const bench: Bench = {
  name: 'speculative',
  description: `speculative decoding, bundled model as target, the panel's 1-layer draft trained first; ${NEW_TOKENS} new tokens, k = ${DRAFT_TOKENS.join(', ')}, median of ${ROUNDS} rounds`,
  async run() {
    const dir = makeTempDir('bench-speculative');
    try {
      const config = readModelFolder(TARGET).gpt2?.gpt as GPTConfig;
      const trained = await timed(() => train(draftTrainOptions(config, TARGET, SAMPLE, path.join(dir, 'draft'))));
      report('draft training (the panel\'s recipe)', trained.ms / 1000, 's', `validation loss ${trained.value.bestValidationLoss?.toFixed(3) ?? '—'}`);
      const target = (await openModelFolder(TARGET, { threads: 1 })).model;
      const draft = (await openModelFolder(trained.value.lastFolder, { threads: 1 })).model;
      try {
        const prompt = (await loadTokenizerFile(TARGET)).encodeIds(PROMPT, { addSpecialTokens: true });
        const greedyRun = () => generate(target, prompt, { sampler: { temperature: 0 }, maxNewTokens: NEW_TOKENS });
        await greedyRun();
        for (const k of DRAFT_TOKENS) {
          const speculativeRun = () => speculativeDecode(draft, target, prompt, { maxNewTokens: NEW_TOKENS, draftTokens: k });
          await speculativeRun();
          const greedyMs: number[] = [];
          const speculativeMs: number[] = [];
          let last: Awaited<ReturnType<typeof speculativeRun>> | undefined;
          for (let round = 0; round < ROUNDS; round++) {
            const g = await timed(greedyRun);
            const s = await timed(speculativeRun);
            if (g.value.tokens.some((t, i) => t !== s.value.tokens[i]) || g.value.tokens.length !== s.value.tokens.length) throw new Error(`k = ${k}: the speculative output differs from greedy`);
            greedyMs.push(g.ms);
            speculativeMs.push(s.ms);
            last = s.value;
          }
          if (!last) continue;
          report(`k = ${k}: acceptance rate`, 100 * last.acceptanceRate, '%', `${last.acceptedTokens}/${last.proposedTokens} proposals`);
          report(`k = ${k}: tokens per target call`, last.tokens.length / last.targetCalls, 'tokens', `${last.targetCalls} target calls, ${last.draftCalls} draft calls`);
          report(`k = ${k}: greedy / speculative`, median(greedyMs), 'ms', `speculative ${median(speculativeMs).toFixed(0)} ms`);
          report(`k = ${k}: speed-up`, median(greedyMs) / median(speculativeMs), '×', 'output equal to greedy in every round');
        }
      } finally {
        await draft.release();
        await target.release();
      }
    } finally {
      removeTempDir(dir);
    }
  },
};
