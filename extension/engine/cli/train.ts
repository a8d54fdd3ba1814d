// `train`: trains a GPT-2 or a Llama on a text file or folder and writes checkpoints as model folders.
//   npm run cli -- train --data walkthroughs/training-sample/stories.txt --preset tiny --steps 500 --out runs/stories
//   npm run cli -- train --data walkthroughs/training-sample/stories.txt --architecture llama --out runs/llama
// Ctrl+C stops after the current step and saves <out>/last, which --resume continues from.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { loadTokenizerFile } from '../tokenizer/loadTokenizerFile';
import { llamaLike } from '../train/trainableConfig';
import { BYTE_VOCAB_SIZE, byteTokenizerJson } from '../train/byteTokenizer';
import { defaultTrainOptions, MODEL_PRESETS, type TrainingObjective, type TrainOptions } from '../train/options';
import type { TrainEvent } from '../train/protocol';
import { CHINCHILLA_TOKENS_PER_PARAMETER, estimateTraining, type TrainingEstimate } from '../train/estimate';
import { runTraining } from '../train/runObjective';
import { writeJsonAtomic } from '../modelFolder/atomicWrite';
import type { CliCommand } from './main';

const USAGE = `usage: npm run cli -- train --data <file or folder> --out <folder> [options]
       npm run cli -- train --sft <chat.jsonl> --base <model folder> --out <folder> [options]
       npm run cli -- train --dpo <pairs.jsonl> --base <model folder> --out <folder> [options]
objective
  --sft FILE             instruction tuning on {"messages":[...]} lines rendered by the base's chat template
  --all-tokens           SFT: every token in the loss (default: the assistant's tokens only)
  --dpo FILE             preference tuning (DPO) on {"prompt","chosen","rejected"} lines
  --beta X               DPO: strength of the pull towards the reference model (default: 0.1)
model
  --preset NAME          ${Object.keys(MODEL_PRESETS).join(' | ')} (default: tiny)
  --n-layer N --n-head N --n-embd N --n-positions N --vocab-size N   override the preset
  --architecture NAME    gpt2 (LayerNorm, learned positions, GELU MLP) | llama (RMSNorm, RoPE, SwiGLU,
                         grouped-query attention), as many parameters per block (default: gpt2)
  --tokenizer PATH       tokenizer.json or a folder holding one (default: bytes, 257 tokens)
  --bpe-vocab N          learn a byte-level BPE of N tokens from --data first (into <out>/tokenizer)
  --base FOLDER          start from this model folder's weights (fine-tuning)
  --lora-rank R          train LoRA adapters of rank R on the frozen base (needs --base)
  --lora-alpha A         LoRA scale numerator (default: 2·R)
  --lora-targets LIST    comma-separated: attn.c_attn,attn.c_proj,mlp.c_fc,mlp.c_proj (default: attn.c_attn)
run
  --steps N | --epochs E  length of the run (default: 1000 steps)
  --batch B              sequences per step (default: 16)
  --context T            tokens per sequence (default: n_positions)
  --lr X                 peak learning rate (default: 1e-3)
  --warmup N             warmup steps (default: 50)
  --schedule cosine|constant   after warmup (default: cosine, down to --min-lr-ratio × lr)
  --min-lr-ratio X       (default: 0.1)
  --clip X               global gradient-norm clip, 0 for none (default: 1)
  --optimizer adamw|sgd  (default: adamw)
  --weight-decay X       (default: 0.1)
  --dropout P            zero activations with probability P in training steps, GPT-2 only (default: 0)
  --seed N               data order, initialization and samples (default: 1337)
  --validation PATH      validation text (default: the last 10% of --data)
  --resume               continue from <out>/last
  --eval-every N --sample-every N --checkpoint-every N --prompt TEXT --threads N
output
  --estimate             print what the run would be (tokens, parameters, memory, a measured step) and stop
  --json                 one JSON object per line: each event, or the estimate`;

export const OPTIONS = {
  data: { type: 'string' }, sft: { type: 'string' }, dpo: { type: 'string' }, 'all-tokens': { type: 'boolean', default: false }, beta: { type: 'string' }, validation: { type: 'string' }, out: { type: 'string' }, preset: { type: 'string' }, architecture: { type: 'string' }, tokenizer: { type: 'string' }, 'bpe-vocab': { type: 'string' }, base: { type: 'string' },
  'n-layer': { type: 'string' }, 'n-head': { type: 'string' }, 'n-embd': { type: 'string' }, 'n-positions': { type: 'string' }, 'vocab-size': { type: 'string' },
  'lora-rank': { type: 'string' }, 'lora-alpha': { type: 'string' }, 'lora-targets': { type: 'string' },
  steps: { type: 'string' }, epochs: { type: 'string' }, batch: { type: 'string' }, context: { type: 'string' }, lr: { type: 'string' },
  warmup: { type: 'string' }, schedule: { type: 'string' }, 'min-lr-ratio': { type: 'string' }, clip: { type: 'string' }, optimizer: { type: 'string' }, 'weight-decay': { type: 'string' }, dropout: { type: 'string' }, seed: { type: 'string' },
  resume: { type: 'boolean', default: false }, 'eval-every': { type: 'string' }, 'sample-every': { type: 'string' },
  'checkpoint-every': { type: 'string' }, prompt: { type: 'string' }, threads: { type: 'string' }, help: { type: 'boolean', default: false },
  estimate: { type: 'boolean', default: false }, json: { type: 'boolean', default: false },
} as const;

type Values = Partial<ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values']>;

function numberOption(values: Values, name: keyof Values, integer = true): number | undefined {
  const text = values[name];
  if (typeof text !== 'string') return undefined;
  const parsed = Number(text);
  if (!Number.isFinite(parsed) || (integer && !Number.isInteger(parsed)) || parsed < 0) throw new Error(`--${name} must be a ${integer ? 'whole ' : ''}number ≥ 0, got "${text}"`);
  return parsed;
}

/** The TrainOptions the command line describes; the tokenizer is resolved (or written, for bytes) first. */
/** The objective the flags ask for, and the data file it reads. */
function objectiveFromArgs(values: Values): { objective: TrainingObjective; data: string | undefined } {
  if ([values.data, values.sft, values.dpo].filter(Boolean).length > 1) throw new Error('give one of --data, --sft and --dpo');
  if (values.sft) return { objective: { kind: 'sft', allTokens: values['all-tokens'] ?? false }, data: values.sft };
  if (values.dpo) return { objective: { kind: 'dpo', beta: numberOption(values, 'beta', false) ?? 0.1 }, data: values.dpo };
  return { objective: { kind: 'text' }, data: values.data };
}

export async function optionsFromArgs(values: Values): Promise<TrainOptions> {
  const { objective, data } = objectiveFromArgs(values);
  if (!data || !values.out) throw new Error('--data (or --sft, --dpo) and --out are required');
  const preset = MODEL_PRESETS[values.preset ?? 'tiny'];
  if (!preset) throw new Error(`--preset must be one of ${Object.keys(MODEL_PRESETS).join(', ')}, got "${values.preset}"`);
  let tokenizerPath = values.tokenizer;
  let tokenizerVocab = BYTE_VOCAB_SIZE;
  const bpeVocab = numberOption(values, 'bpe-vocab');
  if (bpeVocab !== undefined) {
    if (tokenizerPath) throw new Error('--tokenizer and --bpe-vocab exclude each other');
    tokenizerPath = path.join(values.out, 'tokenizer', 'tokenizer.json');
    tokenizerVocab = bpeVocab;
  } else if (!tokenizerPath && objective.kind !== 'text' && values.base) {
    tokenizerPath = values.base;
    tokenizerVocab = (await loadTokenizerFile(tokenizerPath)).vocabSize;
  } else if (tokenizerPath) tokenizerVocab = (await loadTokenizerFile(tokenizerPath)).vocabSize;
  else {
    tokenizerPath = path.join(values.out, 'byte-tokenizer', 'tokenizer.json');
    if (!fs.existsSync(tokenizerPath)) writeJsonAtomic(tokenizerPath, byteTokenizerJson());
  }
  const n = (name: keyof Values) => numberOption(values, name);
  const gpt = {
    ...preset,
    n_layer: n('n-layer') ?? preset.n_layer, n_head: n('n-head') ?? preset.n_head, n_embd: n('n-embd') ?? preset.n_embd,
    n_positions: n('n-positions') ?? preset.n_positions, vocab_size: n('vocab-size') ?? tokenizerVocab,
  };
  const architecture = values.architecture ?? 'gpt2';
  if (architecture !== 'gpt2' && architecture !== 'llama') throw new Error(`--architecture must be gpt2 or llama, got "${architecture}"`);
  const model = architecture === 'llama' ? llamaLike(gpt, gpt.vocab_size) : gpt;
  const defaults = defaultTrainOptions({ dataPath: data, tokenizerPath, outDir: values.out, model });
  const optimizerKind = values.optimizer ?? 'adamw';
  if (optimizerKind !== 'adamw' && optimizerKind !== 'sgd') throw new Error(`--optimizer must be adamw or sgd, got "${optimizerKind}"`);
  const weightDecay = numberOption(values, 'weight-decay', false) ?? (optimizerKind === 'sgd' ? 0 : 0.1);
  const optimizer = optimizerKind === 'sgd' ? { kind: 'sgd' as const, momentum: 0.9, weightDecay } : { ...defaults.optimizer, weightDecay };
  const schedule = values.schedule ?? 'cosine';
  if (schedule !== 'cosine' && schedule !== 'constant') throw new Error(`--schedule must be cosine or constant, got "${schedule}"`);
  const rank = n('lora-rank');
  return {
    ...defaults,
    objective,
    validationPath: values.validation,
    trainTokenizer: bpeVocab === undefined ? undefined : { vocabSize: bpeVocab },
    baseModel: values.base,
    lora: rank ? { rank, alpha: numberOption(values, 'lora-alpha', false) ?? 2 * rank, targets: (values['lora-targets'] ?? 'attn.c_attn').split(',').map((t) => t.trim()) } : undefined,
    resume: values.resume ?? false,
    steps: n('steps') ?? defaults.steps,
    epochs: numberOption(values, 'epochs', false),
    batchSize: n('batch') ?? defaults.batchSize,
    contextLength: n('context') ?? gpt.n_positions,
    learningRate: numberOption(values, 'lr', false) ?? (optimizerKind === 'sgd' ? 0.1 : defaults.learningRate),
    warmupSteps: n('warmup') ?? defaults.warmupSteps,
    schedule,
    minLearningRateRatio: numberOption(values, 'min-lr-ratio', false) ?? defaults.minLearningRateRatio,
    maxGradNorm: numberOption(values, 'clip', false) ?? defaults.maxGradNorm,
    optimizer,
    dropout: numberOption(values, 'dropout', false),
    seed: n('seed') ?? defaults.seed,
    evalEvery: n('eval-every') ?? defaults.evalEvery,
    sampleEvery: n('sample-every') ?? defaults.sampleEvery,
    checkpointEvery: n('checkpoint-every') ?? defaults.checkpointEvery,
    samplePrompt: values.prompt ?? defaults.samplePrompt,
    threads: n('threads'),
  };
}

const ARCHITECTURE_NAMES = { gpt2: 'GPT-2 (LayerNorm, learned positions, GELU)', llama: 'Llama (RMSNorm, RoPE, SwiGLU, grouped-query attention)' } as const;

function formatEstimate(e: TrainingEstimate): string {
  const minutes = e.seconds / 60;
  return [
    `model      ${ARCHITECTURE_NAMES[e.architecture]}`,
    `data       ${e.files} file(s), ${e.bytes} bytes → ${e.trainTokens} training + ${e.validationTokens} validation tokens (vocabulary ${e.vocabSize})`,
    `           ${e.parameters} parameters (${e.trainableParameters} trained), ${(e.flopsPerToken / 1e6).toFixed(2)} MFLOP per training token`,
    `run        ${e.totalSteps} steps, ${e.tokensSeen} tokens = ${e.epochs.toFixed(2)} epochs, ${e.tokensPerParameter.toFixed(1)} tokens per parameter (Chinchilla: ${CHINCHILLA_TOKENS_PER_PARAMETER})`,
    `memory     about ${(e.memory.totalBytes / 2 ** 20).toFixed(0)} MiB of ${(e.memoryLimitBytes / 2 ** 20).toFixed(0)} allowed`,
    `time       ${(e.secondsPerStep * 1000).toFixed(1)} ms per step measured → about ${minutes < 1 ? `${Math.round(e.seconds)} s` : `${minutes.toFixed(1)} min`}`,
  ].join('\n');
}

function printEvent(event: TrainEvent): void {
  if (event.type === 'started') {
    console.log(`training ${ARCHITECTURE_NAMES[event.architecture]}, ${event.parameters} parameters`);
    for (const note of event.notes ?? []) console.log(`note: ${note}`);
  } else if (event.type === 'progress') {
    const val = event.validationLoss === undefined ? '' : `  val ${event.validationLoss.toFixed(4)}`;
    console.log(`step ${String(event.step).padStart(6)}/${event.totalSteps}  loss ${event.loss.toFixed(4)}${val}  lr ${event.learningRate.toExponential(2)}  |g| ${event.gradNorm.toFixed(2)}  ${event.tokensPerSecond.toFixed(0)} tok/s  eta ${Math.round(event.etaSeconds)} s`);
    const h = event.preference?.heldOut;
    if (h) console.log(`  held-out ${h.pairs} pairs: reward accuracy ${h.accuracy.toFixed(3)}  chosen ${h.chosenReward.toFixed(3)}  rejected ${h.rejectedReward.toFixed(3)}  margin ${h.margin.toFixed(3)}  KL ${h.kl.toFixed(4)} nats/token`);
  } else if (event.type === 'sample') {
    console.log(`--- sample at step ${event.step}: ${JSON.stringify(event.prompt + event.text)}`);
  } else if (event.type === 'checkpoint') {
    console.log(`checkpoint: ${event.folder}${event.best ? ' (best so far)' : ''}`);
  } else if (event.type === 'done') {
    console.log(`${event.cancelled ? 'stopped' : 'done'} at step ${event.step}, loss ${event.finalLoss.toFixed(4)}${event.bestValidationLoss === undefined ? '' : `, best validation loss ${event.bestValidationLoss.toFixed(4)} in ${event.bestFolder}`}`);
  }
}

export const trainCommand: CliCommand = {
  summary: 'train a GPT-2 or a Llama (or LoRA adapters on a GPT-2) on a text file or folder; checkpoints are model folders',
  async run(args) {
    const { values } = parseArgs({ args, options: OPTIONS });
    if (values.help || !(values.data || values.sft || values.dpo) || !values.out) {
      console.log(USAGE);
      if (!values.help) process.exitCode = 2;
      return;
    }
    const options = await optionsFromArgs(values);
    if (values.estimate) {
      const estimate = await estimateTraining(options);
      console.log(values.json ? JSON.stringify(estimate) : formatEstimate(estimate));
      return;
    }
    const controller = new AbortController();
    const stop = () => {
      console.log('stopping after this step (Ctrl+C again to quit at once)…');
      controller.abort();
      process.once('SIGINT', () => process.exit(130));
    };
    process.once('SIGINT', stop);
    try {
      await runTraining(options, { signal: controller.signal, onEvent: values.json ? (e) => console.log(JSON.stringify(e)) : printEvent });
    } finally {
      process.removeListener('SIGINT', stop);
    }
  },
};
