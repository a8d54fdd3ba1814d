// Does a model follow "Write a story about Mia."? Each held-out instruction is rendered through the
// model's chat template with the generation prompt, the model writes its answer (greedy by default,
// so the figure does not depend on a seed), and the answer counts as following the instruction when
// it mentions the requested name. The rate comes with its 95%
// Wilson score interval (Wilson 1927), which stays inside [0, 1] and behaves at small counts.

import { wilsonInterval } from '../../eval/intervals';
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
import { mentionsName, requestedName } from './nameInstructions';

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

/** The user instructions of a held-out file: SFT conversations (first user turn) or DPO pairs (prompt). */
export function readInstructions(file: string): Array<{ instruction: string; name: string }> {
  const records = readJsonl(file, (v) => {
    const text = Array.isArray(v.messages) ? (v.messages as ChatMessage[]).find((m) => m?.role === 'user')?.content : v.prompt;
    if (typeof text !== 'string') return 'needs a user message or a "prompt"';
    return requestedName(text) ? undefined : 'the instruction does not ask for a story about a name ("Write a story about Mia.")';
  });
  return records.map(({ value }) => {
    const instruction = (Array.isArray(value.messages) ? (value.messages as ChatMessage[]).find((m) => m.role === 'user')?.content : value.prompt) as string;
    return { instruction, name: requestedName(instruction) as string };
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
    for (const { instruction, name } of instructions) {
      const answer = await answerer.answer(instruction);
      const ok = mentionsName(answer, name);
      if (ok) followed++;
      if (examples.length < 5) examples.push({ instruction, answer, followed: ok });
    }
  } finally {
    await answerer.release();
  }
  const n = instructions.length;
  const { low, high } = wilsonInterval(followed, n);
  return { model: modelDir, n, followed, rate: followed / n, interval: [low, high], examples };
}
