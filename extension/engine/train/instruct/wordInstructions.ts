// Instructions built honestly from the TinyStories corpus: "Write a story that uses the words:
// dog, ball, happy." paired with a real story that contains those three words. Whether a model's
// output follows such an instruction can be checked without a judge: does it use every word?

import type { Mulberry32 } from '../../generate/random';

/** Words too common to make an instruction say anything. */
const STOPWORDS = new Set(('the and was she her his him they them their there then that this with for from into said have had '
  + 'one day very were what when who will would could can not but all are you your out saw went came did too its it\'s '
  + 'once upon time little big lived named wanted liked loved felt back again away each other some more much many so '
  + 'just like get got see make made play played help helped happy').split(' '));

/** The lowercase words of a text. */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[a-z]+/g) ?? [];
}

/** The instruction for a set of words. */
export function instructionFor(words: readonly string[]): string {
  return `Write a story that uses the words: ${words.join(', ')}.`;
}

/** The words an instruction asks for (the inverse of instructionFor), or undefined when it is not one. */
export function requestedWords(instruction: string): string[] | undefined {
  const match = /uses the words: (.+)\.$/.exec(instruction.trim());
  return match ? match[1].split(',').map((w) => w.trim().toLowerCase()) : undefined;
}

/** Does `text` use every requested word as a whole word (any case)? */
export function usesAllWords(text: string, words: readonly string[]): boolean {
  const present = new Set(wordsOf(text));
  return words.every((w) => present.has(w));
}

/** Three distinct content words of the story, drawn at random among those of 3 to 10 letters that are not stopwords. */
export function pickWords(story: string, random: Mulberry32, count = 3): string[] | undefined {
  const candidates = [...new Set(wordsOf(story))].filter((w) => w.length >= 3 && w.length <= 10 && !STOPWORDS.has(w));
  if (candidates.length < count) return undefined;
  const picked: string[] = [];
  while (picked.length < count) {
    const w = candidates[random.nextInt(candidates.length)];
    if (!picked.includes(w)) picked.push(w);
  }
  return picked;
}
