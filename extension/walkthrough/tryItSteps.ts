// The walkthrough's "Try it" buttons open the sample story shipped with the extension, select a
// passage chosen to show one inspector at its best, and run that inspector on it, so the first
// click works with no file open. This table is plain data so unit tests can check it against the
// sample file and package.json without VS Code.

/** The sample, relative to the extension root (walkthroughs/ ships in the VSIX). */
export const SAMPLE_STORY_PATH = ['walkthroughs', 'samples', 'story.txt'] as const;

export interface TryItStep {
  /** The command the walkthrough button runs. */
  readonly command: string;
  /** The inspector it runs once the passage is selected. */
  readonly inspector: string;
  /** The exact text selected in the sample; it lies within one line of the file. */
  readonly passage: string;
}

export const tryItSteps: readonly TryItStep[] = [
  {
    command: 'llmPipeline.walkthrough.tryTokenizer',
    inspector: 'llmPipeline.tokenizeSelection',
    // A rare name splits into several tokens next to common one-token words and punctuation.
    passage: 'One sunny day, Mia found a shiny blue pebble by the river and named it Bartholomew.',
  },
  {
    command: 'llmPipeline.walkthrough.tryAttention',
    inspector: 'llmPipeline.inspectAttention',
    // " her" has to look back to "Mia" to know who it is: a pattern some heads learn.
    passage: 'Mia put Bartholomew in her pocket and ran home.',
  },
  {
    command: 'llmPipeline.walkthrough.tryDecoding',
    inspector: 'llmPipeline.decodingPlayground',
    // Cut before the name, so the next-token bars show which names the model expects.
    passage: 'Once upon a time, there was a little girl named',
  },
];

/** Character offsets [start, end) of `passage` in `text`; throws, quoting the passage, when absent. */
export function passageRange(text: string, passage: string): { readonly start: number; readonly end: number } {
  const start = text.indexOf(passage);
  if (start < 0) throw new Error(`the sample story does not contain the passage "${passage}"`);
  return { start, end: start + passage.length };
}
