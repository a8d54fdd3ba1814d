// One run of train-base's size sweep: a shape and architecture, the vocabulary of its tokenizer,
// its dropout and its weight decay, as --candidates and --weight-decay give them. Its name is
// also the name of its run folder, so a run never resumes another's checkpoints.

import type { GPTConfig } from '../gpt/config';
import type { Architecture } from '../train/trainableConfig';

/** AdamW's weight decay unless --weight-decay says otherwise. */
export const WEIGHT_DECAY = 0.3;

/**
 * A candidate: a GPT-2 shape (or the Llama beside it), the vocabulary of its tokenizer (bits per
 * byte compares across vocabularies), its dropout and its weight decay.
 */
export interface Candidate {
  readonly architecture: Architecture;
  readonly shape: Omit<GPTConfig, 'vocab_size'>;
  readonly vocabSize: number;
  readonly dropout: number;
  readonly weightDecay: number;
}

/** e.g. 4x4x128-v4096, 4x4x128-v4096-d0.1 with dropout, 4x4x128-v4096-wd0.3 with another weight decay, llama-4x4x128-v4096: also the name of the candidate's run folder. */
export const candidateName = ({ architecture, shape, vocabSize, dropout, weightDecay }: Candidate) =>
  `${architecture === 'llama' ? 'llama-' : ''}${shape.n_layer}x${shape.n_head}x${shape.n_embd}-v${vocabSize}${dropout ? `-d${dropout}` : ''}${weightDecay === WEIGHT_DECAY ? '' : `-wd${weightDecay}`}`;

/** "4x4x128", "5x4x128/2048", "4x4x128/4096:0.1", "llama:4x4x128/4096": [llama:] layers x heads x width [/vocabulary] [:dropout]. */
export function parseCandidates(list: string, context: number, vocabSize: number, weightDecay: number): Candidate[] {
  return list.split(',').map((item) => {
    const match = /^(llama:)?(\d+)x(\d+)x(\d+)(?:\/(\d+))?(?::(0?\.\d+))?$/.exec(item.trim());
    const [n_layer, n_head, n_embd, vocab] = (match?.slice(2, 6) ?? []).map((v) => (v === undefined ? undefined : Number(v)));
    const architecture = match?.[1] ? 'llama' : 'gpt2';
    const dropout = Number(match?.[6] ?? 0);
    if (!match || !n_layer || !n_head || !n_embd || (vocab !== undefined && vocab <= 256) || !(dropout < 1)) {
      throw new Error(
        `--candidates: "${item}" is not [llama:] layers x heads x width with an optional /vocabulary above 256 and :dropout below 1, e.g. 4x4x128, 5x4x128/2048, 4x4x128/4096:0.1 or llama:4x4x128`,
      );
    }
    if (architecture === 'llama' && dropout) throw new Error(`--candidates: "${item}": the Llama family trains without dropout`);
    return { architecture, shape: { n_layer, n_head, n_embd, n_positions: context, layer_norm_epsilon: 1e-5 }, vocabSize: vocab ?? vocabSize, dropout, weightDecay };
  });
}
