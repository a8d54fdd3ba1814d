// `instruct-data`: builds the shipped instruction (SFT) and preference (DPO) sets from TinyStories.
//   npm run cli -- instruct-data [--corpus corpus/tinystories] [--out walkthroughs/instruct-sample] [--rejected-model models/tinystories-1m]
// Training files come from train.txt, held-out files from valid.txt (never trained on):
//   sft-train.jsonl, sft-heldout.jsonl   {"messages":[user: "Write a story that uses the words: a, b, c.", assistant: a story using them]}
//   dpo-train.jsonl, dpo-heldout.jsonl   {"prompt": that instruction, "chosen": the story, "rejected": another story that uses none of the words}
//   With --rejected-model FOLDER the rejected answer is instead that model's own greedy answer to the
//   instruction (for the bundled base model, mostly a short degenerate loop), where it misses a word.
// Stories are short ones (a few hundred characters), so that the files stay small and a run on two cores takes minutes.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Mulberry32 } from '../generate/random';
import { writeFileAtomic } from '../modelFolder/atomicWrite';
import { openAnswerer } from '../train/instruct/instructionEval';
import { instructionFor, pickWords, usesAllWords, wordsOf } from '../train/instruct/wordInstructions';
import type { CliCommand } from './main';

const SIZES = { sftTrain: 240, sftHeldOut: 150, dpoTrain: 150, dpoHeldOut: 50 };
const MIN_CHARS = 250;
const MAX_CHARS = 700;

function shortStories(file: string): string[] {
  if (!fs.existsSync(file)) throw new Error(`${file}: no such file (give the TinyStories folder with --corpus)`);
  return fs.readFileSync(file, 'utf8').split('<|endoftext|>').map((s) => s.trim().replace(/\s*\n\s*/g, ' ')).filter((s) => s.length >= MIN_CHARS && s.length <= MAX_CHARS);
}

interface Instruction { readonly instruction: string; readonly words: string[]; readonly story: string }

function instructions(stories: readonly string[], count: number, random: Mulberry32): Instruction[] {
  const out: Instruction[] = [];
  for (const story of stories) {
    if (out.length === count) break;
    const words = pickWords(story, random);
    if (words) out.push({ instruction: instructionFor(words), words, story });
  }
  if (out.length < count) throw new Error(`only ${out.length} short stories found, ${count} wanted`);
  return out;
}

/** A story from `pool` that uses none of the words (the answer that ignores the instruction). */
function ignoringStory(pool: readonly string[], words: readonly string[], random: Mulberry32): string {
  for (;;) {
    const story = pool[random.nextInt(pool.length)];
    const present = new Set(wordsOf(story));
    if (!words.some((w) => present.has(w))) return story;
  }
}

const jsonl = (records: readonly unknown[]) => `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;
const conversation = (i: Instruction) => ({ messages: [{ role: 'user', content: i.instruction }, { role: 'assistant', content: i.story }] });

export const instructDataCommand: CliCommand = {
  summary: 'build the SFT and DPO sets (word-use instructions) from the TinyStories corpus',
  async run(args) {
    const { values } = parseArgs({ args, options: { corpus: { type: 'string', default: path.join('corpus', 'tinystories') }, out: { type: 'string', default: path.join('walkthroughs', 'instruct-sample') }, seed: { type: 'string', default: '7' }, 'rejected-model': { type: 'string' } } });
    const random = new Mulberry32(Number(values.seed));
    const train = shortStories(path.join(values.corpus, 'train.txt'));
    const valid = shortStories(path.join(values.corpus, 'valid.txt'));
    // Disjoint slices: the SFT and DPO sets never share a training story, and held-out instructions come from valid.txt only.
    const sftTrain = instructions(train, SIZES.sftTrain, random);
    const dpoTrain = instructions(train.slice(train.indexOf(sftTrain.at(-1)!.story) + 1), SIZES.dpoTrain, random);
    const heldOut = instructions(valid, SIZES.sftHeldOut, random);
    const dpoHeldOut = instructions(valid.slice(valid.indexOf(heldOut.at(-1)!.story) + 1), SIZES.dpoHeldOut, random);
    const answerer = values['rejected-model'] ? await openAnswerer(values['rejected-model'], { maxTokens: 120, temperature: 0, seed: 1 }) : undefined;
    const pairs = async (items: readonly Instruction[], pool: readonly string[]) => {
      const out: Array<{ prompt: string; chosen: string; rejected: string }> = [];
      for (const i of items) {
        const own = (await answerer?.answer(i.instruction))?.trim();
        const rejected = own && !usesAllWords(own, i.words) ? own : ignoringStory(pool, i.words, random);
        out.push({ prompt: i.instruction, chosen: i.story, rejected });
      }
      return out;
    };
    const files: Record<string, string> = {
      'sft-train.jsonl': jsonl(sftTrain.map(conversation)),
      'sft-heldout.jsonl': jsonl(heldOut.map(conversation)),
      'dpo-train.jsonl': jsonl(await pairs(dpoTrain, train)),
      'dpo-heldout.jsonl': jsonl(await pairs(dpoHeldOut, valid)),
    };
    await answerer?.release();
    for (const [name, text] of Object.entries(files)) {
      writeFileAtomic(path.join(values.out, name), text);
      console.log(`${path.join(values.out, name)}: ${text.split('\n').length - 1} lines, ${text.length} bytes`);
    }
  },
};
