// Reading-comprehension `choice` tests built from held-out stories, in the manner of the
// Children's Book Test's named-entity questions (Hill et al. 2016): the story is cut just before
// a character's name that has already appeared in it, and the model chooses the name that comes
// next among the true one and three names taken from other stories. Only the story tells which
// name is right, so chance is 1 in 4 and a model that reads the context does better.
// A name is a capitalised word that appears at least twice in the story in mid-sentence (so that
// "Once" or "The" at a sentence start are not names).

import { Mulberry32, shuffledIndices } from '../generate/random';
import type { TestOf } from './suiteFile';

export interface ClozeOptions {
  readonly count: number;
  readonly seed: number;
  /** Longest context kept, in characters, so the item fits a small model's window. */
  readonly maxContextChars: number;
  readonly distractors: number;
}

const NOT_NAMES = new Set(['I', 'Mom', 'Dad', 'Mommy', 'Daddy', 'Mum', 'Grandma', 'Grandpa', 'Mr', 'Mrs', 'Miss', 'God', 'Sir']);

/** Capitalised words in mid-sentence, with their offsets. */
function midSentenceNames(story: string): { name: string; at: number }[] {
  const found: { name: string; at: number }[] = [];
  for (const match of story.matchAll(/(?<=[a-z,;] )[A-Z][a-z]{2,}\b/g)) {
    if (!NOT_NAMES.has(match[0])) found.push({ name: match[0], at: match.index ?? 0 });
  }
  return found;
}

export function storyClozeTests(stories: readonly string[], options: ClozeOptions): TestOf<'choice'>[] {
  const candidates: { story: number; context: string; name: string; names: Set<string> }[] = [];
  stories.forEach((story, s) => {
    const mentions = midSentenceNames(story);
    const names = new Set(mentions.map((m) => m.name));
    // The last mention within reach whose name the story has already used.
    const usable = mentions.filter((m) => m.at <= options.maxContextChars && m.at > 80 && story.slice(0, m.at).includes(m.name));
    const pick = usable[usable.length - 1];
    if (pick) candidates.push({ story: s, context: story.slice(0, pick.at).trimEnd(), name: pick.name, names });
  });
  const pool = [...new Set(candidates.map((c) => c.name))].sort();
  const random = new Mulberry32(options.seed);
  const order = shuffledIndices(candidates.length, random);
  const tests: TestOf<'choice'>[] = [];
  for (const index of order) {
    if (tests.length === options.count) break;
    const item = candidates[index];
    const others = pool.filter((n) => !item.names.has(n));
    if (others.length < options.distractors) continue;
    const picked = [...shuffledIndices(others.length, random)].slice(0, options.distractors).map((i) => others[i]);
    const choices = [item.name, ...picked];
    // The right answer's place is drawn too, so position says nothing.
    const answer = random.nextInt(choices.length);
    [choices[0], choices[answer]] = [choices[answer], choices[0]];
    tests.push({ kind: 'choice', name: `story ${item.story + 1}: who comes next?`, context: item.context, choices: choices.map((c) => ` ${c}`), answer });
  }
  return tests;
}

/** The stories of a TinyStories file, separated by <|endoftext|> lines. */
export function splitStories(text: string): string[] {
  return text
    .split('<|endoftext|>')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
