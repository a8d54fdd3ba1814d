// `generate`: continue a prompt with a model folder, streaming the text as it is sampled, or run
// beam search and print the best beams. Timing and cache figures go to stderr.
//   npm run cli -- generate --model models/tiny --prompt "Once upon a time" --temperature 0.8 --top-p 0.9
//   npm run cli -- generate --model <folder> --prompt "..." --greedy --max-new-tokens 20 --json
// With --json it prints {"prompt_ids", "generated_ids", "text"} (text: the generated ids decoded, a stop token left out),
// the form a program compares with another implementation's greedy continuation.

import { parseArgs } from 'node:util';
import { beamSearch } from '../generate/beamSearch';
import { generateStream, settledText, type GenerationResult } from '../generate/generate';
import { validateSamplerSettings, type SamplerSettings } from '../generate/samplingPipeline';
import { openModelFolder } from '../runtime/openModelFolder';
import { loadTokenizerFile } from '../tokenizer/loadTokenizerFile';
import type { CliCommand } from './main';

const USAGE = `usage: npm run cli -- generate --model <folder> --prompt "..." [options]
  --max-new-tokens N     tokens to generate (default 50)
  --temperature T        0 = greedy (default 1)
  --greedy               the most probable token each step (same as --temperature 0)
  --top-k K              keep the K most probable tokens (0 = off)
  --top-p P              keep the smallest set reaching mass P (1 = off)
  --min-p M              keep tokens with p >= M * p_max (0 = off)
  --repetition-penalty R CTRL penalty on tokens already seen (1 = off)
  --seed S               random seed (default 0)
  --stop TEXT            stop when the text contains TEXT (repeatable)
  --slide                slide the context window instead of stopping when it is full
  --beam N               beam search with N beams instead of sampling
  --length-penalty A     beam search length penalty alpha (default 0.6)
  --json                 print {"prompt_ids", "generated_ids", "text"} instead of streaming text`;

export const generateCommand: CliCommand = {
  summary: 'continue a prompt with a model folder: sampling or beam search',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        model: { type: 'string' },
        prompt: { type: 'string' },
        'max-new-tokens': { type: 'string', default: '50' },
        temperature: { type: 'string', default: '1' },
        'top-k': { type: 'string', default: '0' },
        'top-p': { type: 'string', default: '1' },
        'min-p': { type: 'string', default: '0' },
        'repetition-penalty': { type: 'string', default: '1' },
        seed: { type: 'string', default: '0' },
        stop: { type: 'string', multiple: true, default: [] },
        slide: { type: 'boolean', default: false },
        beam: { type: 'string' },
        'length-penalty': { type: 'string', default: '0.6' },
        greedy: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help || !values.model || values.prompt === undefined) {
      console.log(USAGE);
      if (!values.help) process.exitCode = 2;
      return;
    }
    const number = (name: keyof typeof values): number => {
      const text = values[name] as string;
      const parsed = Number(text);
      if (text.trim() === '' || !Number.isFinite(parsed)) throw new Error(`--${name} must be a number, got "${text}"`);
      return parsed;
    };

    // Every number is checked before the model is loaded.
    const maxNewTokens = number('max-new-tokens');
    const seed = number('seed');
    const beamWidth = values.beam === undefined ? undefined : number('beam');
    if (beamWidth !== undefined && values.json) throw new Error('--json prints one continuation; it does not go with --beam');
    const lengthPenalty = number('length-penalty');
    const sampler: SamplerSettings = {
      temperature: values.greedy ? 0 : number('temperature'),
      topK: number('top-k'),
      topP: number('top-p'),
      minP: number('min-p'),
      repetitionPenalty: number('repetition-penalty'),
    };
    validateSamplerSettings(sampler);

    const { folder, model } = await openModelFolder(values.model);
    try {
      const tokenizer = await loadTokenizerFile(folder.dir);
      const prompt = tokenizer.encodeIds(values.prompt, { addSpecialTokens: true });
      const decode = (ids: readonly number[]) => tokenizer.decode(ids, { skipSpecialTokens: true });
      const eosTokenIds = folder.generation.eosTokenIds;
      console.error(`${folder.name}: ${model.vocabSize} tokens, context ${model.contextLength}; prompt ${prompt.length} tokens`);

      if (beamWidth !== undefined) {
        const result = await beamSearch(model, prompt, {
          width: beamWidth,
          maxNewTokens,
          lengthPenalty,
          eosTokenIds,
        });
        result.beams.forEach((beam, rank) => {
          console.log(`#${rank + 1} score ${beam.score.toFixed(3)} log p ${beam.cumulativeLogprob.toFixed(3)}: ${JSON.stringify(decode(beam.tokens))}`);
        });
        console.error(`${result.nodes.length} tree nodes, stopped: ${result.stopReason}, prefill ${result.prefillMs.toFixed(1)} ms`);
        return;
      }

      const stream = generateStream(model, prompt, {
        sampler,
        maxNewTokens,
        seed,
        stopTokenIds: eosTokenIds,
        stopStrings: values.stop,
        decode,
        contextOverflow: values.slide ? 'slide' : 'stop',
      });
      if (values.json) {
        const result = await drain(stream);
        console.log(JSON.stringify({ prompt_ids: prompt, generated_ids: result.tokens, text: result.text }));
        return;
      }
      process.stdout.write(values.prompt);
      let printed = '';
      let result: GenerationResult;
      for (;;) {
        const next = await stream.next();
        if (next.done) {
          result = next.value;
          break;
        }
        const settled = settledText(next.value.text, values.stop);
        if (settled.startsWith(printed)) {
          process.stdout.write(settled.slice(printed.length));
          printed = settled;
        }
      }
      if (result.text.startsWith(printed)) process.stdout.write(result.text.slice(printed.length));
      process.stdout.write('\n');
      const last = result.steps.at(-1);
      console.error(
        `${result.tokens.length} tokens, stopped: ${result.finishReason}; prefill ${result.prefillMs.toFixed(1)} ms, ` +
          `${result.msPerToken.toFixed(1)} ms/token (${(1000 / Math.max(result.msPerToken, 1e-9)).toFixed(0)} tokens/s); ` +
          `KV cache ${last?.cacheLength ?? prompt.length} tokens, ${((last?.cacheBytes ?? 0) / 1024).toFixed(0)} KiB`,
      );
    } finally {
      await model.release();
    }
  },
};

async function drain(stream: AsyncGenerator<unknown, GenerationResult, void>): Promise<GenerationResult> {
  for (;;) {
    const next = await stream.next();
    if (next.done) return next.value;
  }
}
