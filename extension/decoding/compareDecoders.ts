// Three ways to continue the same prompt, side by side:
//   greedy  — always the most probable token (temperature 0);
//   sampled — drawn through the sampler with the panel's settings and seed;
//   beam    — the `width` most probable sequences searched together (beamSearch.ts).
// Each continuation is scored the same way, log P(continuation | prompt) under the model itself
// (T = 1, no filters), so the numbers say which one the model finds most likely.
import { beamSearch, type BeamSearchResult } from '../engine/generate/beamSearch';
import { startDecoding, stepOnce } from '../engine/generate/decodeSession';
import { logSoftmax } from '../engine/generate/probabilities';
import type { SamplerSettings } from '../engine/generate/samplingPipeline';
import type { LanguageModel } from '../engine/model/languageModel';
import type { BeamNodeView, BeamSettings, CompareView, ContinuationView, SamplerControls } from '../../webviews/decoding/protocol';
import { samplerSettings, type TokenWriter } from './stepHistory';

export interface CompareInput {
  readonly model: LanguageModel;
  readonly prompt: readonly number[];
  readonly controls: SamplerControls;
  readonly beam: BeamSettings;
  readonly writer: TokenWriter;
  readonly stopTokenIds: readonly number[];
  readonly signal?: AbortSignal;
  /** Called as each decoder finishes (1, 2, 3 of 3). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The continuations in token ids as well as text, so the host can insert any of them. */
export interface Comparison {
  readonly view: CompareView;
  readonly tokens: Readonly<Record<'greedy' | 'sampled' | 'beam', readonly number[]>>;
}

/** Decodes up to `maxNewTokens` with one sampler, adding up the model's own log-probabilities. */
async function decodeScored(
  model: LanguageModel,
  prompt: readonly number[],
  sampler: SamplerSettings,
  seed: number,
  input: CompareInput,
): Promise<{ tokens: number[]; logprob: number }> {
  let state = await startDecoding(model, prompt, { sampler, seed, maxNewTokens: input.beam.maxNewTokens, stopTokenIds: input.stopTokenIds }, input.signal);
  let logprob = 0;
  while (!state.finishReason && !input.signal?.aborted) {
    const logprobs = logSoftmax(state.nextLogits);
    const next = await stepOnce(state, 'sample', input.signal);
    logprob += logprobs[next.step.token];
    state = next.state;
  }
  return { tokens: [...state.generated], logprob };
}

function continuation(tokens: readonly number[], logprob: number, writer: TokenWriter): ContinuationView {
  return { text: writer.decode(tokens), logprob, tokens: tokens.length };
}

/** The beam search tree as the panel draws it; nodes on a returned hypothesis are marked best. */
export function beamTree(result: BeamSearchResult, writer: TokenWriter): BeamNodeView[] {
  const onBest = new Set<number>();
  const best = result.beams[0];
  for (let id: number | null = best ? best.nodeId : null; id !== null; id = result.nodes[id].parentId) onBest.add(id);
  return result.nodes.map((node) => ({
    id: node.id,
    parentId: node.parentId,
    step: node.step,
    label: writer.label(node.token),
    logprob: node.tokenLogprob,
    score: node.score,
    status: node.status,
    best: onBest.has(node.id),
  }));
}

/** Beam search needs prompt + maxNewTokens − 1 tokens of context; fewer new tokens when the prompt is long. */
export function beamLength(promptLength: number, contextLength: number, wanted: number): number {
  return Math.max(0, Math.min(wanted, contextLength - promptLength + 1));
}

export async function compareDecoders(input: CompareInput): Promise<Comparison> {
  const { model, prompt, controls, writer } = input;
  const total = 3;
  const maxNewTokens = beamLength(prompt.length, model.contextLength, input.beam.maxNewTokens);
  if (maxNewTokens < 1) throw new Error(`the prompt fills the model's context of ${model.contextLength} tokens: there is no room to generate`);
  const settings = { ...input.beam, maxNewTokens };
  const limited = { ...input, beam: settings };
  const greedy = await decodeScored(model, prompt, { temperature: 0 }, 0, limited);
  input.onProgress?.(1, total);
  const sampled = await decodeScored(model, prompt, samplerSettings(controls), controls.seed, limited);
  input.onProgress?.(2, total);
  const beam = await beamSearch(model, prompt, {
    width: settings.width,
    maxNewTokens,
    lengthPenalty: settings.lengthPenalty,
    eosTokenIds: input.stopTokenIds,
    signal: input.signal,
  });
  input.onProgress?.(3, total);
  const top = beam.beams[0];
  const beamTokens = top ? top.tokens : [];
  return {
    view: {
      settings,
      greedy: continuation(greedy.tokens, greedy.logprob, writer),
      sampled: continuation(sampled.tokens, sampled.logprob, writer),
      beam: continuation(beamTokens, top ? top.cumulativeLogprob : 0, writer),
      nodes: beamTree(beam, writer),
    },
    tokens: { greedy: greedy.tokens, sampled: sampled.tokens, beam: beamTokens },
  };
}
