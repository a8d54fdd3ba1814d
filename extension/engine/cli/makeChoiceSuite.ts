// `make-choice-suite`: builds the reading-comprehension suite shipped with the walkthrough from
// held-out TinyStories (valid.txt, never used in training): see eval/storyCloze.ts.
//   npm run cli -- make-choice-suite --corpus corpus/tinystories/valid.txt --out walkthroughs/eval/tinystories-reading.llmeval.json

import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { splitStories, storyClozeTests } from '../eval/storyCloze';
import { writeFileAtomic } from '../modelFolder/atomicWrite';
import type { CliCommand } from './main';

const USAGE = `usage: npm run cli -- make-choice-suite [options]
  --corpus FILE   TinyStories text, stories separated by <|endoftext|> (default corpus/tinystories/valid.txt)
  --out FILE      the suite to write (default walkthroughs/eval/tinystories-reading.llmeval.json)
  --count N       questions (default 40)
  --seed S        which stories and distractors (default 1)`;

export const makeChoiceSuiteCommand: CliCommand = {
  summary: 'builds a reading-comprehension choice suite (who comes next?) from held-out stories',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        corpus: { type: 'string', default: 'corpus/tinystories/valid.txt' },
        out: { type: 'string', default: 'walkthroughs/eval/tinystories-reading.llmeval.json' },
        count: { type: 'string', default: '40' },
        seed: { type: 'string', default: '1' },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      console.log(USAGE);
      return;
    }
    const count = Number(values.count);
    const seed = Number(values.seed);
    if (!Number.isInteger(count) || count < 1) throw new Error(`--count must be a positive integer, got "${values.count}"`);
    if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be a whole number, got "${values.seed}"`);
    if (!fs.existsSync(values.corpus)) throw new Error(`${values.corpus}: no such file (pass the held-out stories with --corpus)`);
    const stories = splitStories(fs.readFileSync(values.corpus, 'utf8'));
    const tests = storyClozeTests(stories, { count, seed, maxContextChars: 600, distractors: 3 });
    if (tests.length < count) throw new Error(`${values.corpus}: only ${tests.length} stories give a question, ${count} asked`);
    const suite = {
      $schema: './llmeval.schema.json',
      name: 'TinyStories reading comprehension',
      description: `Who comes next? ${count} held-out stories cut before a character's name, with three names from other stories as distractors (chance 25%). Built by: npm run cli -- make-choice-suite --corpus <valid.txt> --count ${count} --seed ${seed}`,
      tests,
    };
    writeFileAtomic(values.out, `${JSON.stringify(suite, null, 2)}\n`);
    console.log(`${values.out}: ${tests.length} questions from ${stories.length} stories`);
  },
};
