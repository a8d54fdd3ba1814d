// A training run's folder, as the panel keeps it:
//   run.json      what was asked (the TrainOptions, where the data came from) and how the run stands
//   last/, best/  checkpoints (complete model folders, see checkpoint.ts)
//   README.md     the model card: data, settings, final losses, and loss.svg beside it
// run.json is what lets a paused, stopped or crashed run be resumed after a window reload.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../modelFolder/atomicWrite';
import { parameterCount } from '../gpt/sizes';
import { parseGPT2Config } from '../modelFolder/gpt2Config';
import { readJsonObject } from '../modelFolder/jsonFile';
import { resolveFolder } from './atomicFolder';
import { readTrainingState, type HistoryPoint } from './checkpoint';
import { lossCurveSvg } from './lossCurveSvg';
import type { TrainOptions } from './options';
import { bestFolder, lastFolder } from './runFolders';

export const RUN_FILE = 'run.json';
const FORMAT = 'llm-pipeline-lab/training-run';

export type RunState = 'running' | 'paused' | 'stopped' | 'finished' | 'failed';

export interface RunRecord {
  readonly format: typeof FORMAT;
  /** ISO time the run was created. */
  readonly created: string;
  /** Where the data came from, in words (a file, a folder, a selection, the sample). */
  readonly dataLabel: string;
  readonly options: TrainOptions;
  /** The model the run started from or was set beside (the active model then), for "Compare with base". */
  readonly baseModel?: string;
  readonly state: RunState;
  /** Why it stopped or failed. */
  readonly message?: string;
}

export function writeRunRecord(runFolder: string, record: Omit<RunRecord, 'format'>): void {
  writeJsonAtomic(path.join(runFolder, RUN_FILE), { format: FORMAT, ...record });
}

/** The run.json of `runFolder`, or undefined when there is none or it is not one of ours. */
export function readRunRecord(runFolder: string): RunRecord | undefined {
  const file = path.join(runFolder, RUN_FILE);
  try {
    const stat = fs.lstatSync(file);
    if (!stat.isFile() || stat.size > 1 << 20) return undefined;
    const record = JSON.parse(fs.readFileSync(file, 'utf8')) as RunRecord;
    return record.format === FORMAT && typeof record.options?.outDir === 'string' ? record : undefined;
  } catch {
    return undefined;
  }
}

/** A name for a new run folder: the time, and the data's name, e.g. 20261202-041530-stories. */
export function runFolderName(dataLabel: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const slug = dataLabel.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);
  return slug ? `${stamp}-${slug}` : stamp;
}

/**
 * A run folder under `root` that does not exist yet: runFolderName, with -2, -3, ... added when a
 * run on the same data started within the same second (reusing its folder would mix two runs).
 */
export function freeRunFolder(root: string, dataLabel: string, now = new Date()): string {
  const name = runFolderName(dataLabel, now);
  for (let n = 1; ; n++) {
    const folder = path.join(root, n === 1 ? name : `${name}-${n}`);
    if (!fs.existsSync(folder)) return folder;
  }
}

const fmt = (x: number | undefined) => (x === undefined ? '—' : x.toFixed(4));

/** Writes README.md and loss.svg into the run folder from its last checkpoint. */
export function writeRunCard(runFolder: string, record: RunRecord): void {
  const last = resolveFolder(lastFolder(runFolder));
  if (!last) return;
  // Only the JSON files: the card is written on the extension host, which never reads tensors.
  const checkpoint = readTrainingState(last);
  const c = parseGPT2Config(readJsonObject(path.join(checkpoint.folder, 'config.json'), 'config.json')).gpt;
  const history: readonly HistoryPoint[] = checkpoint.state.history;
  if (history.length === 0) return;
  const best = resolveFolder(bestFolder(runFolder));
  const bestStep = best ? readTrainingState(best).state.step : undefined;
  writeFileAtomic(path.join(runFolder, 'loss.svg'), lossCurveSvg(history, { title: `${record.dataLabel}: loss by step`, markStep: bestStep, smoothing: Math.max(1, Math.round(history.length / 50)) }));
  const o = record.options;
  const lastValidation = [...history].reverse().find((h) => h.validationLoss !== undefined)?.validationLoss;
  const card = [
    `# ${path.basename(runFolder)}`,
    '',
    'A GPT-2-style model trained with LLM Pipeline Lab. `last/` and `best/` are complete model folders',
    '(config.json, model.safetensors, onnx/model.onnx, tokenizer): they load in this extension, transformers.js and PyTorch.',
    '',
    '## Data',
    `${record.dataLabel} (\`${o.dataPath}\`), ${o.validationPath ? `validation from \`${o.validationPath}\`` : `the last ${Math.round(o.validationFraction * 100)}% held out for validation`}.`,
    '',
    '## Model',
    `${c.n_layer} layers, ${c.n_head} heads, ${c.n_embd} dimensions, ${c.n_positions} positions, vocabulary ${c.vocab_size}: ${parameterCount(c).total.toLocaleString('en-US')} parameters.`,
    o.baseModel ? `Started from \`${o.baseModel}\`.` : 'Started from random weights (GPT-2 initialization).',
    '',
    '## Settings',
    '| setting | value |',
    '|---|---|',
    `| steps | ${checkpoint.state.step} of ${checkpoint.state.totalSteps} |`,
    `| batch × context | ${o.batchSize} × ${checkpoint.state.contextLength} tokens |`,
    `| learning rate | ${o.learningRate}, ${o.warmupSteps} warm-up steps, ${o.schedule} to ${o.minLearningRateRatio} × peak |`,
    `| optimizer | ${o.optimizer.kind}, weight decay ${o.optimizer.weightDecay} |`,
    `| gradient clipping | ${o.maxGradNorm || 'none'} |`,
    ...(o.dropout ? [`| dropout | ${o.dropout} |`] : []),
    `| seed | ${o.seed} |`,
    '',
    '## Result',
    `Final training loss ${fmt(history.at(-1)?.loss)}, last validation loss ${fmt(lastValidation)}, best validation loss ${fmt(checkpoint.state.bestValidationLoss)}${bestStep === undefined ? '' : ` at step ${bestStep} (kept in \`best/\`)`}, in nats per token.`,
    '',
    '![Loss by step](loss.svg)',
    '',
  ].join('\n');
  writeFileAtomic(path.join(runFolder, 'README.md'), card);
}
