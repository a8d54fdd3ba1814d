// The prompt a RAG answer is generated from: an instruction, the retrieved chunks numbered as
// sources [1], [2]..., then the question. Each part is a segment, so the context-window view can
// count and cut them one by one; the model reads the segments' tokens one after another.

export type SegmentKind = 'system' | 'source' | 'question';

export interface PromptSegment {
  readonly kind: SegmentKind;
  /** "Instruction", "[2] notes/setup.md:4-12", "Question". */
  readonly label: string;
  readonly text: string;
  /** The source number, for kind 'source'. */
  readonly source?: number;
}

export interface PromptSource {
  readonly label: string;
  readonly text: string;
}

export const DEFAULT_INSTRUCTION = 'Answer the question using only the sources below. Cite the sources you use as [1], [2].\n\n';

export function assemblePrompt(instruction: string, sources: readonly PromptSource[], question: string): PromptSegment[] {
  const segments: PromptSegment[] = [];
  if (instruction) segments.push({ kind: 'system', label: 'Instruction', text: instruction });
  sources.forEach((s, i) => {
    const n = i + 1;
    segments.push({ kind: 'source', label: `[${n}] ${s.label}`, text: `[${n}] ${s.label}\n${s.text.trim()}\n\n`, source: n });
  });
  segments.push({ kind: 'question', label: 'Question', text: `Question: ${question.trim()}\nAnswer:` });
  return segments;
}

/** The source numbers an answer cites, in order of first mention, keeping only those it was given. */
export function citedSources(answer: string, sourceCount: number): number[] {
  const cited: number[] = [];
  for (const match of answer.matchAll(/\[(\d+)\]/g)) {
    const n = Number(match[1]);
    if (n >= 1 && n <= sourceCount && !cited.includes(n)) cited.push(n);
  }
  return cited;
}
