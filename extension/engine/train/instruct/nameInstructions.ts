// Instructions built honestly from the TinyStories corpus: "Write a story about Mia." paired with a
// real story whose main character is named Mia ("... a little girl named Mia ..."). Whether a
// model's answer follows such an instruction can be checked without a judge: does it mention Mia?
// A small model can learn this one honestly, because it only has to carry a name from the prompt
// into the story, which its pretraining already does within a story (a name, once introduced, recurs).

/** The main character's name: the first capitalised word after "named", or undefined when the story names nobody so. */
export function storyName(story: string): string | undefined {
  return /\bnamed ([A-Z][a-z]+)\b/.exec(story)?.[1];
}

/** The instruction for a name. */
export function instructionFor(name: string): string {
  return `Write a story about ${name}.`;
}

/** The name an instruction asks for (the inverse of instructionFor), or undefined when it is not one. */
export function requestedName(instruction: string): string | undefined {
  return /^Write a story about ([A-Z][a-z]+)\.$/.exec(instruction.trim())?.[1];
}

const wholeWord = (name: string) => new RegExp(`\\b${name}\\b`, 'g');

/** Does `text` mention the name as a whole word, capitalised as asked ("Mia's" counts, "Miami" does not)? */
export function mentionsName(text: string, name: string): boolean {
  return wholeWord(name).test(text);
}

/** The same story told about `other` instead: every whole-word mention of `name` replaced. */
export function renameStory(story: string, name: string, other: string): string {
  return story.replace(wholeWord(name), other);
}
