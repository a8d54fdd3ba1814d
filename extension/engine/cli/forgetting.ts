// `forgetting`: fine-tunes a model on a new domain and measures its validation loss on the old one
// against steps, once per replay ratio (the fraction of each batch drawn from old text).
//   npm run cli -- forgetting --model models/tinystories-1m --new-data corpus/tinyshakespeare/input.txt \
//     --replay-data walkthroughs/training-sample/stories.txt --old-validation corpus/tinystories/valid.txt --replay 0,0.25

import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { measureForgetting, type ForgettingCurve } from '../continualLearning/forgetting';
import type { CliCommand } from './main';

const USAGE = `usage: npm run cli -- forgetting --model <folder> --new-data <text> --replay-data <text> --old-validation <text> [options]
  --replay LIST          replay ratios, comma-separated fractions of each batch (default: 0,0.25)
  --steps N              fine-tuning steps per ratio (default: 200)
  --batch B --context T  (defaults: 8, 128)
  --lr X                 peak learning rate (default: 1e-3)
  --eval-every N         measure both validation losses every N steps (default: 20)
  --validation-batches N batches per measurement and domain (default: 8)
  --work DIR             token caches (default: a folder under the system's temp folder)
  --seed N --threads N
  --json                 the curves as one JSON object`;

export function formatCurves(curves: readonly ForgettingCurve[]): string {
  return curves
    .map((c) => [`replay ${c.replayRatio} (${c.replayRows} of each batch):`, ...c.points.map((p) => `  step ${String(p.step).padStart(5)}  old-domain loss ${p.oldLoss.toFixed(4)}  new-domain loss ${p.newLoss.toFixed(4)}`)].join('\n'))
    .join('\n');
}

export const forgettingCommand: CliCommand = {
  summary: 'fine-tune on a new domain and measure forgetting of the old one, with and without replay',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        model: { type: 'string' }, 'new-data': { type: 'string' }, 'replay-data': { type: 'string' }, 'old-validation': { type: 'string' },
        replay: { type: 'string', default: '0,0.25' }, steps: { type: 'string', default: '200' }, batch: { type: 'string', default: '8' },
        context: { type: 'string', default: '128' }, lr: { type: 'string', default: '1e-3' }, 'eval-every': { type: 'string', default: '20' },
        'validation-batches': { type: 'string', default: '8' }, work: { type: 'string' }, seed: { type: 'string', default: '1337' }, threads: { type: 'string' },
        json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
      },
    });
    if (values.help || !values.model || !values['new-data'] || !values['replay-data'] || !values['old-validation']) {
      console.log(USAGE);
      if (!values.help) process.exitCode = 2;
      return;
    }
    const number = (name: string, text: string, whole = true): number => {
      const n = Number(text);
      if (!(Number.isFinite(n) && n > 0) || (whole && !Number.isInteger(n))) throw new Error(`--${name} must be a ${whole ? 'whole ' : ''}number > 0, got "${text}"`);
      return n;
    };
    const replayRatios = values.replay.split(',').map((t) => {
      const r = Number(t.trim());
      if (t.trim() === '' || !(r >= 0 && r <= 1)) throw new Error(`--replay takes fractions in [0, 1], got "${t}"`);
      return r;
    });
    const controller = new AbortController();
    process.once('SIGINT', () => controller.abort());
    const curves = await measureForgetting(
      {
        baseModel: values.model, newData: values['new-data'], replayData: values['replay-data'], oldValidation: values['old-validation'], replayRatios,
        steps: number('steps', values.steps), batchSize: number('batch', values.batch), contextLength: number('context', values.context),
        learningRate: number('lr', values.lr, false), evalEvery: number('eval-every', values['eval-every']),
        validationBatches: number('validation-batches', values['validation-batches']), workDir: values.work ?? path.join(os.tmpdir(), 'llm-pipeline-forgetting'),
        seed: number('seed', values.seed), threads: values.threads === undefined ? undefined : number('threads', values.threads),
      },
      { signal: controller.signal, onEvent: (e) => !values.json && e.type === 'forgetting-point' && console.error(`replay ${e.replayRatio}  step ${e.point.step}  old ${e.point.oldLoss.toFixed(4)}  new ${e.point.newLoss.toFixed(4)}`) },
    );
    console.log(values.json ? JSON.stringify({ model: values.model, new_data: values['new-data'], replay_data: values['replay-data'], old_validation: values['old-validation'], curves }) : formatCurves(curves));
  },
};
