// The walkthrough's "Try it" buttons run an inspector on material shipped with the extension, so the
// first click works with no file or folder open. Most open the sample story, select a passage chosen
// to show one inspector at its best, and run that inspector on it; the RAG one attaches the samples
// folder (two stories, so that retrieval has a choice to make) and asks it a question; the training
// one trains a tiny model on the training sample, the scaling one sweeps four sizes on it. This table is
// plain data so unit tests can check it against the samples and package.json without VS Code.

/** The samples folder and the story in it, relative to the extension root (walkthroughs/ ships in the VSIX). */
export const SAMPLES_FOLDER_PATH = ['walkthroughs', 'samples'] as const;
export const SAMPLE_STORY_PATH = [...SAMPLES_FOLDER_PATH, 'story.txt'] as const;

/** Selects `passage` in the sample story, then runs the inspector (which reads the selection). */
export interface SelectionTryIt {
  /** The command the walkthrough button runs. */
  readonly command: string;
  readonly inspector: string;
  /** The exact text selected in the sample; it lies within one line of the file. */
  readonly passage: string;
}

/** Attaches the samples folder with `attach`, then runs the inspector with `question` as its argument. */
export interface FolderTryIt {
  readonly command: string;
  readonly inspector: string;
  readonly attach: string;
  readonly question: string;
}

/** Runs the inspector with `argument`: the training panel or the scaling sweep on the shipped sample, started at once; the quantization lab on its default text. */
export interface CommandTryIt {
  readonly command: string;
  readonly inspector: string;
  readonly argument: { readonly sample: true; readonly start: true } | undefined;
}

export type TryItStep = SelectionTryIt | FolderTryIt | CommandTryIt;

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
  {
    command: 'llmPipeline.walkthrough.tryRag',
    inspector: 'llmPipeline.askRagFolder',
    attach: 'llmPipeline.attachRagFolder',
    // Answered by one paragraph of the story; "pebble" and "river" are the words retrieval can match.
    question: 'Where did Mia find the pebble?',
  },
  {
    command: 'llmPipeline.walkthrough.trySurprise',
    inspector: 'llmPipeline.showSurprise',
    // A paragraph with a rare name and a quote: the name is shaded darkest, the common words light.
    passage: 'One sunny day, Mia found a shiny blue pebble by the river and named it Bartholomew. She held it up to the light. "You are the best pebble in the whole world," she said. Pip wagged his tail and barked three times.',
  },
  {
    command: 'llmPipeline.walkthrough.tryTraining',
    inspector: 'llmPipeline.trainModel',
    // 150 TinyStories stories (walkthroughs/training-sample): a tiny GPT over-fits them in a minute.
    argument: { sample: true, start: true },
  },
  {
    command: 'llmPipeline.walkthrough.trySweep',
    inspector: 'llmPipeline.runScalingSweep',
    // Four widths on the training sample, then the fit: about a minute on two cores.
    argument: { sample: true, start: true },
  },
  {
    command: 'llmPipeline.walkthrough.tryQuantization',
    inspector: 'llmPipeline.compareQuantizations',
    // The active model on the shipped training sample: four variants measured in one run.
    argument: undefined,
  },
];

/** Character offsets [start, end) of `passage` in `text`; throws, quoting the passage, when absent. */
export function passageRange(text: string, passage: string): { readonly start: number; readonly end: number } {
  const start = text.indexOf(passage);
  if (start < 0) throw new Error(`the sample story does not contain the passage "${passage}"`);
  return { start, end: start + passage.length };
}
