// Does a model follow "Write a story that uses the words: a, b, c."? Each held-out instruction is
// rendered through the model's chat template with the generation prompt, the model writes its
// answer (greedy by default, so the figure does not depend on a seed), and the answer counts as
// following the instruction when it uses every requested word. The rate comes with its 95%
// Wilson score interval (Wilson 1927), which stays inside [0, 1] and behaves at small counts.

import { Mulberry32 } from '../../generate/random';
import { buildDecodeModel } from '../../gpt/decodeModel';
import { readGPT2Weights } from '../../modelFolder/gpt2Weights';
import { readModelFolder } from '../../modelFolder/readModelFolder';
import { OnnxCausalLM } from '../../runtime/onnxCausalLM';
import { renderTemplate, templateVariables, type ChatMessage } from '../../tokenizer/chatTemplate';
import { loadTokenizerFile } from '../../tokenizer/loadTokenizerFile';
import { DataError } from '../dataset';
import { continueTokens } from '../sampleText';
import { readJsonl } from './jsonl';
import { requestedWords, usesAllWords } from './wordInstructions';

export interface InstructionEvalOptions {
  readonly maxTokens: number;
  readonly temperature: number;
  readonly seed: number;
  /** Evaluate at most this many instructions (the first ones of the file). */
  readonly limit?: number;
}

export interface InstructionEvalResult {
  readonly model: string;
  readonly n: number;
  readonly followed: number;
  readonly rate: number;
  /** 95% Wilson score interval of the rate. */
  readonly interval: readonly [number, number];
  /** The first few answers, to read. */
  readonly examples: ReadonlyArray<{ readonly instruction: string; readonly answer: string; readonly followed: boolean }>;
}

/** The 95% Wilson score interval for k successes in n trials. */
export function wilsonInterval(k: number, n: number, z = 1.959964): [number, number] {
  if (n === 0) return [0, 1];
  const p = k / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = ((z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n)));
  return [k === 0 ? 0 : Math.max(0, centre - half), k === n ? 1 : Math.min(1, centre + half)];
}

/** The user instructions of a held-out file: SFT conversations (first user turn) or DPO pairs (prompt). */
export function readInstructions(file: string): Array<{ instruction: string; words: string[] }> {
  const records = readJsonl(file, (v) => {
    const text = Array.isArray(v.messages) ? (v.messages as ChatMessage[]).find((m) => m?.role === 'user')?.content : v.prompt;
    if (typeof text !== 'string') return 'needs a user message or a "prompt"';
    return requestedWords(text) ? undefined : 'the instruction does not name words to use ("... uses the words: a, b, c.")';
  });
  return records.map(({ value }) => {
    const instruction = (Array.isArray(value.messages) ? (value.messages as ChatMessage[]).find((m) => m.role === 'user')?.content : value.prompt) as string;
    return { instruction, words: requestedWords(instruction) as string[] };
  });
}

/** A model folder that answers instructions through its chat template; release() when done. */
export async function openAnswerer(modelDir: string, settings: { maxTokens: number; temperature: number; seed: number }): Promise<{ answer(instruction: string): Promise<string>; release(): Promise<void> }> {
  const folder = readModelFolder(modelDir);
  if (!folder.gpt2 || !folder.safetensorsFile) throw new Error(`${modelDir}: only GPT-2 folders with model.safetensors can answer here`);
  const config = folder.gpt2.gpt;
  const tokenizer = await loadTokenizerFile(modelDir);
  const template = tokenizer.config.chat_template;
  if (typeof template !== 'string') throw new DataError(modelDir, 'has no chat template (tokenizer_config.json chat_template) to render the instructions with');
  const stopToken = tokenizer.specialTokens.get('<|endoftext|>');
  const random = new Mulberry32(settings.seed);
  const model = await OnnxCausalLM.open(buildDecodeModel(config, readGPT2Weights(folder.safetensorsFile, config)), { contextLength: config.n_positions, shownAs: 'answering model' });
  const variables = templateVariables(tokenizer.config);
  return {
    async answer(instruction: string) {
      const prompt = renderTemplate({ template, messages: [{ role: 'user', content: instruction }], addGenerationPrompt: true }, variables).text;
      const ids = await continueTokens(model, config.n_positions, tokenizer.encodeIds(prompt), { maxTokens: settings.maxTokens, temperature: settings.temperature, stopToken }, random);
      return tokenizer.decode(ids);
    },
    release: () => model.release(),
  };
}

export async function evaluateInstructionFollowing(modelDir: string, instructionsFile: string, options: InstructionEvalOptions): Promise<InstructionEvalResult> {
  const instructions = readInstructions(instructionsFile).slice(0, options.limit);
  const answerer = await openAnswerer(modelDir, options);
  let followed = 0;
  const examples: Array<{ instruction: string; answer: string; followed: boolean }> = [];
  try {
    for (const { instruction, words } of instructions) {
      const answer = await answerer.answer(instruction);
      const ok = usesAllWords(answer, words);
      if (ok) followed++;
      if (examples.length < 5) examples.push({ instruction, answer, followed: ok });
    }
  } finally {
    await answerer.release();
  }
  const n = instructions.length;
  return { model: modelDir, n, followed, rate: followed / n, interval: wilsonInterval(followed, n), examples };
}
