// `instruct-eval`: the instruction-following rate of one or more models on held-out instructions.
//   npm run cli -- instruct-eval --model models/tinystories-1m --model runs/sft/last --instructions walkthroughs/instruct-sample/sft-heldout.jsonl
// An answer follows "Write a story about Mia." when it mentions Mia.

import { parseArgs } from 'node:util';
import { evaluateInstructionFollowing } from '../train/instruct/instructionEval';
import type { CliCommand } from './main';

const USAGE = `usage: npm run cli -- instruct-eval --model <folder> [--model <folder> ...] --instructions <file.jsonl> [options]
  --max-tokens N     answer length limit (default: 200)
  --temperature X    0 is greedy (default: 0)
  --seed N           sampling seed when temperature > 0 (default: 1)
  --limit N          the first N instructions only
  --json             one JSON object per model`;

export const instructEvalCommand: CliCommand = {
  summary: 'instruction-following rate (mentions the requested name) of models on held-out instructions, with 95% intervals',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: { model: { type: 'string', multiple: true }, instructions: { type: 'string' }, 'max-tokens': { type: 'string', default: '200' }, temperature: { type: 'string', default: '0' }, seed: { type: 'string', default: '1' }, limit: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
    });
    if (values.help || !values.model?.length || !values.instructions) {
      console.log(USAGE);
      if (!values.help) process.exitCode = 2;
      return;
    }
    const options = { maxTokens: Number(values['max-tokens']), temperature: Number(values.temperature), seed: Number(values.seed), limit: values.limit === undefined ? undefined : Number(values.limit) };
    for (const [name, value] of Object.entries(options)) {
      if (value !== undefined && !(Number.isFinite(value) && value >= 0)) throw new Error(`--${name} must be a number ≥ 0`);
    }
    for (const model of values.model) {
      const result = await evaluateInstructionFollowing(model, values.instructions, options);
      if (values.json) console.log(JSON.stringify(result));
      else {
        const [lo, hi] = result.interval;
        console.log(`${model}: ${result.followed}/${result.n} follow the instruction = ${(result.rate * 100).toFixed(1)}% (95% interval ${(lo * 100).toFixed(1)}–${(hi * 100).toFixed(1)}%)`);
        for (const e of result.examples.slice(0, 2)) console.log(`  ${e.followed ? '✓' : '✗'} ${e.instruction} → ${JSON.stringify(e.answer.slice(0, 160))}`);
      }
    }
  },
};
