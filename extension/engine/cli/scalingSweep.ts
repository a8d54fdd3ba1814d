// `scaling-sweep`: trains models of increasing size on one text with one recipe, fits
// L(N) = E + A·N^(−α) to their validation losses, predicts the next size, and with --check trains
// that size to place the real point beside the prediction. Writes <out>/results.json.
//   npm run cli -- scaling-sweep --data walkthroughs/training-sample/stories.txt --budget 2e10 --out runs/sweep --check
// Ctrl+C stops after the current step; the finished runs stay in results.json, fitted when three or more.

import { parseArgs } from 'node:util';
import { checkPrediction, runSweep, type SweepEvent } from '../scalingSweep/sweep';
import type { SweepResults } from '../scalingSweep/sweepResults';
import type { CliCommand } from './main';

const USAGE = `usage: npm run cli -- scaling-sweep --data <file or folder> --budget <FLOPs> --out <folder> [options]
  --budget C             compute for the fitted runs, in Kaplan FLOPs (6·N·D summed), e.g. 2e10
  --validation PATH      held-out text (default: the last 10% of --data)
  --tokenizer PATH       tokenizer.json or a folder holding one (default: bytes)
  --tokens-per-parameter R   training tokens per non-embedding parameter (default: 20)
  --widths LIST          the ladder of n_embd, comma-separated (default: 8,12,16,24,32,48,64,...)
  --max-runs K           at most K fitted sizes (default: 5)
  --n-layer N --context T --batch B --lr X --seed N --threads N   the recipe (defaults: 2, 64, 16, 2e-3, 1337)
  --check                then train the predicted size and place its real loss beside the prediction
  --check-only           only that, for the sweep already in --out
  --json                 one JSON object per line: each sweep event, the results last`;

const OPTIONS = {
  data: { type: 'string' }, validation: { type: 'string' }, tokenizer: { type: 'string' }, out: { type: 'string' }, budget: { type: 'string' },
  'tokens-per-parameter': { type: 'string' }, widths: { type: 'string' }, 'max-runs': { type: 'string' }, 'n-layer': { type: 'string' },
  context: { type: 'string' }, batch: { type: 'string' }, lr: { type: 'string' }, seed: { type: 'string' }, threads: { type: 'string' },
  check: { type: 'boolean', default: false }, 'check-only': { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
} as const;

function positive(name: string, text: string | undefined, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(Number.isFinite(value) && value > 0) || (integer && !Number.isInteger(value))) throw new Error(`--${name} must be a ${integer ? 'whole ' : ''}number > 0, got "${text}"`);
  return value;
}

function printEvent(event: SweepEvent): void {
  if (event.type === 'sweep-planned') {
    console.log(`${event.trainTokens} training tokens; ${event.plan.runs.length} sizes, ${event.plan.totalFlops.toExponential(2)} FLOPs (6·N·D)`);
  } else if (event.type === 'sweep-run-started') {
    console.log(`${event.check ? 'check' : `run ${event.index + 1}`}: ${event.run.name}  N = ${event.run.nonEmbeddingParameters}  D = ${event.run.tokens} tokens  ${event.run.steps} steps`);
  } else if (event.type === 'sweep-train' && event.event.type === 'progress' && event.event.validationLoss !== undefined) {
    console.log(`  val loss ${event.event.validationLoss.toFixed(4)} after ${event.event.step} steps`);
  }
}

export function summarize(results: SweepResults): string {
  const lines = results.runs.map((r) => `${r.name.padEnd(10)} N ${String(r.non_embedding_parameters).padStart(8)}  D ${String(r.tokens).padStart(9)}  C ${r.flops.toExponential(2)}  val ${r.val_loss.toFixed(4)}`);
  if (results.cancelled) lines.push(`stopped: not run ${results.not_run.join(', ')}`);
  const { fit, prediction, check } = results;
  if (fit) {
    lines.push(`fit        L(N) = ${fit.e.toFixed(3)} + ${fit.a.toPrecision(4)}·N^(−${fit.alpha.toFixed(3)}),  α 95% interval [${fit.alpha_interval[0].toFixed(3)}, ${fit.alpha_interval[1].toFixed(3)}]  (Kaplan: ${results.kaplan_alpha_n})`);
  } else lines.push('fit        none: fewer than three sizes finished');
  if (prediction) lines.push(`predicted  ${prediction.name}: N ${prediction.non_embedding_parameters} → val ${prediction.predicted_val_loss.toFixed(4)}`);
  if (check) lines.push(`checked    ${check.name}: val ${check.val_loss.toFixed(4)} (predicted ${check.predicted_val_loss.toFixed(4)})`);
  return lines.join('\n');
}

export const scalingSweepCommand: CliCommand = {
  summary: 'train models of increasing size, fit L(N) = E + A·N^(−α), predict and check the next size',
  async run(args) {
    const { values } = parseArgs({ args, options: OPTIONS });
    const checkOnly = values['check-only'];
    if (values.help || !values.out || (!checkOnly && (!values.data || !values.budget))) {
      console.log(USAGE);
      if (!values.help) process.exitCode = 2;
      return;
    }
    const controller = new AbortController();
    const stop = () => {
      console.error('stopping after this step; finished runs stay in results.json…');
      controller.abort();
      process.once('SIGINT', () => process.exit(130));
    };
    process.once('SIGINT', stop);
    const hooks = { signal: controller.signal, onEvent: values.json ? (e: SweepEvent) => console.log(JSON.stringify(e)) : printEvent };
    try {
      let results = checkOnly
        ? undefined
        : await runSweep({
            dataPath: values.data as string, validationPath: values.validation, tokenizerPath: values.tokenizer, outDir: values.out,
            budgetFlops: positive('budget', values.budget, false) as number,
            tokensPerParameter: positive('tokens-per-parameter', values['tokens-per-parameter'], false),
            widths: values.widths?.split(',').map((w) => positive('widths', w.trim(), true) as number),
            maxRuns: positive('max-runs', values['max-runs'], true), nLayer: positive('n-layer', values['n-layer'], true),
            contextLength: positive('context', values.context, true), batchSize: positive('batch', values.batch, true),
            learningRate: positive('lr', values.lr, false), seed: positive('seed', values.seed, true), threads: positive('threads', values.threads, true),
          }, hooks);
      if ((checkOnly || values.check) && !controller.signal.aborted && (!results || results.prediction)) results = await checkPrediction(values.out, hooks);
      if (results && !values.json) console.log(summarize(results));
    } finally {
      process.removeListener('SIGINT', stop);
    }
  },
};
