// `lora`: LoRA adapters in PEFT's layout (adapter_config.json + adapter_model.safetensors).
// Training is `train --base <model> --lora-rank R`, whose checkpoints hold the adapter in <checkpoint>/adapter.
//   npm run cli -- lora info --model models/tinystories-1m --adapter runs/lora/last/adapter
//   npm run cli -- lora compare --model models/tinystories-1m --adapter runs/lora/last/adapter --prompt "Once upon a time"
//   npm run cli -- lora merge --model models/tinystories-1m --adapter runs/lora/last/adapter --out runs/merged

import { parseArgs } from 'node:util';
import { adapterFacts, exportMergedModel, loadAdaptedModel } from '../lora/adaptedModel';
import { compareBaseAndAdapted } from '../lora/compareAdapted';
import type { CliCommand } from './main';

const USAGE = `usage: npm run cli -- lora <info | compare | merge> --model <base folder> --adapter <PEFT adapter folder> [options]
  info      rank, alpha, targets, trainable parameters against the model's total, adapter size
  compare   --prompt TEXT [--seed N] [--max-tokens N] [--temperature T]: base and adapted continuations
  merge     --out FOLDER: the base with W + (α/r)·(B·A)ᵀ merged in, as a complete model folder
  --json    one JSON object
An adapter whose base model or shapes do not match the model is refused with the mismatch named.`;

export const loraCommand: CliCommand = {
  summary: 'apply, compare and merge LoRA adapters in PEFT\'s layout (train them with train --lora-rank)',
  async run(args) {
    const [action, ...rest] = args;
    const { values } = parseArgs({
      args: rest,
      options: {
        model: { type: 'string' }, adapter: { type: 'string' }, out: { type: 'string' }, prompt: { type: 'string', default: '' },
        seed: { type: 'string', default: '1' }, 'max-tokens': { type: 'string', default: '48' }, temperature: { type: 'string', default: '0.8' },
        json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
      },
    });
    if (values.help || !values.model || !values.adapter || !['info', 'compare', 'merge'].includes(action ?? '') || (action === 'merge' && !values.out)) {
      console.log(USAGE);
      if (!values.help) process.exitCode = 2;
      return;
    }
    const print = (json: object, text: string) => console.log(values.json ? JSON.stringify(json) : text);
    const adapted = action === 'merge' ? exportMergedModel(values.model, values.adapter, values.out as string) : loadAdaptedModel(values.model, values.adapter);
    const facts = { ...adapterFacts(adapted), fraction: adapted.trainable / adapted.total };
    const summary = `rank ${facts.rank}, alpha ${facts.alpha}, ${facts.matrices} matrices (${facts.targetModules.join(', ')}): ${facts.trainable.toLocaleString('en-US')} trainable parameters, ${(100 * facts.fraction).toFixed(2)}% of ${facts.total.toLocaleString('en-US')}; adapter ${(facts.adapterBytes / 1024).toFixed(1)} kB on disk`;
    if (action === 'info') print(facts, summary);
    else if (action === 'merge') print({ ...facts, out: values.out }, `${summary}\nmerged model written to ${values.out}`);
    else {
      const number = (name: 'seed' | 'max-tokens' | 'temperature') => {
        const n = Number(values[name]);
        if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number ≥ 0, got "${values[name]}"`);
        return n;
      };
      const ab = await compareBaseAndAdapted(adapted, values.prompt, { seed: number('seed'), maxTokens: number('max-tokens'), temperature: number('temperature') });
      print({ ...facts, ...ab }, `${summary}\nseed ${ab.seed}, temperature ${ab.temperature}, at most ${ab.maxTokens} new tokens for both\nbase:    ${ab.base}\nadapted: ${ab.adapted}`);
    }
  },
};
