// `speculative`: speculative decoding of a prompt with a draft model folder and a target model
// folder, timed against the target's own greedy decoding.
//   npm run cli -- speculative --draft runs/draft/last --target models/tinystories-1m --prompt "Once upon a time"

import { parseArgs } from 'node:util';
import { measureSpeculative } from '../generate/speculativeRun';
import type { CliCommand } from './main';

const USAGE = `usage: npm run cli -- speculative --draft <folder> --target <folder> --prompt "..." [options]
  --max-new-tokens N     tokens to generate (default 100)
  --draft-tokens K       tokens the draft proposes per round (default 4)
  --threads N            ONNX Runtime threads per model
  --json                 the whole report as one JSON object`;

export const speculativeCommand: CliCommand = {
  summary: 'speculative decoding with a draft model: acceptance rate and speed-up over greedy',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        draft: { type: 'string' }, target: { type: 'string' }, prompt: { type: 'string' }, 'max-new-tokens': { type: 'string', default: '100' },
        'draft-tokens': { type: 'string', default: '4' }, threads: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
      },
    });
    if (values.help || !values.draft || !values.target || values.prompt === undefined) {
      console.log(USAGE);
      if (!values.help) process.exitCode = 2;
      return;
    }
    const whole = (name: string, text: string | undefined): number | undefined => {
      if (text === undefined) return undefined;
      const n = Number(text);
      if (!(Number.isInteger(n) && n >= 1)) throw new Error(`--${name} must be a whole number ≥ 1, got "${text}"`);
      return n;
    };
    const report = await measureSpeculative({
      draftFolder: values.draft, targetFolder: values.target, prompt: values.prompt,
      maxNewTokens: whole('max-new-tokens', values['max-new-tokens']) as number, draftTokens: whole('draft-tokens', values['draft-tokens']) as number,
      threads: whole('threads', values.threads),
    });
    if (values.json) {
      console.log(JSON.stringify(report));
      return;
    }
    // Draft tokens the target accepted in [brackets], the target's own tokens plain.
    console.log(values.prompt + report.pieces.map((p) => (p.source === 'draft' ? `[${p.text}]` : p.text)).join(''));
    console.log(
      `${report.tokens} tokens; acceptance ${(100 * report.acceptanceRate).toFixed(1)}% (${report.acceptedTokens}/${report.proposedTokens}); ` +
        `${report.targetCalls} target calls, ${report.draftCalls} draft calls; greedy ${report.greedyMs.toFixed(0)} ms, speculative ${report.speculativeMs.toFixed(0)} ms: ` +
        `speed-up ×${report.speedup.toFixed(2)}; equals the target's greedy output: ${report.matchesGreedy ? 'yes' : 'NO'}`,
    );
  },
};
