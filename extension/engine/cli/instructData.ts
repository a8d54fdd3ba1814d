// `instruct-data`: builds the shipped instruction (SFT) and preference (DPO) sets from TinyStories.
//   npm run cli -- instruct-data [--corpus corpus/tinystories] [--out walkthroughs/instruct-sample] [--seed 7]
// Training files come from the train files (train.txt, then train-extra.txt), held-out files from
// valid.txt only (never trained on):
//   sft-train.jsonl, sft-heldout.jsonl   {"messages":[user: "Write a story about Mia.", assistant: a story whose main character is named Mia]}
//   dpo-train.jsonl, dpo-heldout.jsonl   {"prompt": that instruction, "chosen": the story, "rejected": the same story told about another name}
// A rejected answer differs from its chosen one only in the name, so the one thing a pair prefers is
// following the instruction. Each name appears at most a few times per set: TinyStories names a third
// of its heroines Lily, and a model that writes "Lily" by default must not score on Lily prompts alone.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Mulberry32 } from '../generate/random';
import { writeFileAtomic } from '../modelFolder/atomicWrite';
import { instructionFor, renameStory, storyName } from '../train/instruct/nameInstructions';
import type { CliCommand } from './main';

const SIZES = { sftTrain: 400, sftHeldOut: 150, dpoTrain: 200, dpoHeldOut: 50 };
/** Stories of this many characters fit the 192-token context that the shipped runs use, end of text included. */
const MIN_CHARS = 150;
const MAX_CHARS = 700;
/** At most this many instructions per name in one set: five in the held-out instructions, more where the pool is smaller. */
const PER_NAME = { train: 8, heldOut: 5, dpoHeldOut: 10 };

interface Instruction { readonly instruction: string; readonly name: string; readonly story: string }

function namedStories(file: string, shortOnly: boolean): Instruction[] {
  if (!fs.existsSync(file)) throw new Error(`${file}: no such file (give the TinyStories folder with --corpus)`);
  const out: Instruction[] = [];
  for (const raw of fs.readFileSync(file, 'utf8').split('<|endoftext|>')) {
    const story = raw.trim().replace(/\s*\n\s*/g, ' ');
    const name = storyName(story);
    if (name && (!shortOnly || (story.length >= MIN_CHARS && story.length <= MAX_CHARS))) out.push({ instruction: instructionFor(name), name, story });
  }
  return out;
}

/** The first `count` of `pool` not yet `used`, with at most `perName` per name; marks them used. */
function pick(pool: readonly Instruction[], used: Set<Instruction>, count: number, perName: number, what: string): Instruction[] {
  const perNameCount = new Map<string, number>();
  const out: Instruction[] = [];
  for (const item of pool) {
    if (out.length === count) break;
    const seen = perNameCount.get(item.name) ?? 0;
    if (used.has(item) || seen >= perName) continue;
    perNameCount.set(item.name, seen + 1);
    used.add(item);
    out.push(item);
  }
  if (out.length < count) throw new Error(`${what}: only ${out.length} stories with a named character (at most ${perName} per name), ${count} wanted`);
  return out;
}

/** The pair for an instruction: its story, and the same story about a name drawn from `names` that it does not mention. */
function pairFor(item: Instruction, names: readonly string[], random: Mulberry32) {
  for (;;) {
    const other = names[random.nextInt(names.length)];
    if (other !== item.name && !new RegExp(`\\b${other}\\b`).test(item.story)) return { prompt: item.instruction, chosen: item.story, rejected: renameStory(item.story, item.name, other) };
  }
}

const jsonl = (records: readonly unknown[]) => `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;
const conversation = (i: Instruction) => ({ messages: [{ role: 'user', content: i.instruction }, { role: 'assistant', content: i.story }] });

const USAGE = `usage: npm run cli -- instruct-data [--corpus <folder>] [--out <folder>] [--seed N]
  --corpus  a folder with train.txt, train-extra.txt and valid.txt (default: corpus/tinystories)
  --out     where the SFT and DPO .jsonl files go (default: walkthroughs/instruct-sample)
  --seed    the draw of names and stories (default: 7)`;

export const instructDataCommand: CliCommand = {
  summary: 'build the SFT and DPO sets ("Write a story about <name>.") from the TinyStories corpus',
  async run(args) {
    const { values } = parseArgs({ args, options: { corpus: { type: 'string', default: path.join('corpus', 'tinystories') }, out: { type: 'string', default: path.join('walkthroughs', 'instruct-sample') }, seed: { type: 'string', default: '7' }, help: { type: 'boolean' } } });
    if (values.help) {
      console.log(USAGE);
      return;
    }
    const random = new Mulberry32(Number(values.seed));
    const train = ['train.txt', 'train-extra.txt'].flatMap((f) => namedStories(path.join(values.corpus, f), true));
    // Held-out instructions are read for their name only, so any length of story will do; the stories serve as held-out answers.
    const valid = namedStories(path.join(values.corpus, 'valid.txt'), false);
    const usedTrain = new Set<Instruction>();
    const usedValid = new Set<Instruction>();
    // Disjoint: the SFT and DPO sets never share a story, and held-out instructions come from valid.txt only.
    const sftTrain = pick(train, usedTrain, SIZES.sftTrain, PER_NAME.train, 'SFT training set');
    const dpoTrain = pick(train, usedTrain, SIZES.dpoTrain, PER_NAME.train, 'DPO training set');
    const heldOut = pick(valid, usedValid, SIZES.sftHeldOut, PER_NAME.heldOut, 'held-out instructions');
    const dpoHeldOut = pick(valid, usedValid, SIZES.dpoHeldOut, PER_NAME.dpoHeldOut, 'held-out pairs');
    const names = (items: readonly Instruction[]) => [...new Set(items.map((i) => i.name))];
    const files: Record<string, string> = {
      'sft-train.jsonl': jsonl(sftTrain.map(conversation)),
      'sft-heldout.jsonl': jsonl(heldOut.map(conversation)),
      'dpo-train.jsonl': jsonl(dpoTrain.map((i) => pairFor(i, names(train), random))),
      'dpo-heldout.jsonl': jsonl(dpoHeldOut.map((i) => pairFor(i, names(valid), random))),
    };
    for (const [name, text] of Object.entries(files)) {
      writeFileAtomic(path.join(values.out, name), text);
      console.log(`${path.join(values.out, name)}: ${text.split('\n').length - 1} lines, ${text.length} bytes`);
    }
  },
};
