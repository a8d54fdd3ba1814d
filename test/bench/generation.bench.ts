// Generation speed of our runtime against transformers.js on the same model folder, in the same
// run: prefill (the prompt in one call) and decode (one token per call through the KV cache),
// in tokens per second. The model has the size of the planned bundled model; its weights are
// random, which does not change the speed. The two sides take turns, round after round, so that
// both see the same load on a shared machine; the figures are medians over the rounds. The same
// decode loop also runs in the inference process the extension uses (engine/inference), to show
// what isolating ONNX Runtime from the extension host costs per token. transformers.js runs the
// folder's decode graph (onnx/model.onnx); ours runs the append-cache graph it builds from the
// same weights (runtime/appendCacheCausalLM.ts). ONNX Runtime's session.run alone on the folder's
// graph gives the floor under any runtime of that graph.

import * as os from 'node:os';
import * as path from 'node:path';
import { generate } from '../../extension/engine/generate/generate';
import { InferenceHost } from '../../extension/engine/inference/inferenceHost';
import type { LanguageModel } from '../../extension/engine/model/languageModel';
import { workerScript } from '../../extension/engine/workers/workerScript';
import { argmax } from '../../extension/engine/generate/probabilities';
import type { GPTConfig } from '../../extension/engine/gpt/config';
import { randomWeights } from '../../extension/engine/gpt/randomWeights';
import { writeModelFolder } from '../../extension/engine/modelFolder/writeModelFolder';
import { readModelFolder } from '../../extension/engine/modelFolder/readModelFolder';
import { decodeThreads } from '../../extension/engine/runtime/decodeThreads';
import { openModelFolder } from '../../extension/engine/runtime/openModelFolder';
import { loadOrt, openSession, type OrtSession, type OrtTensor } from '../../extension/engine/runtime/ort';
import { byteLevelTokenizerJson, makeTempDir, removeTempDir } from '../unit/modelFolderFixtures';
import { median, report, type Bench } from './bench';

export const BENCH_CONFIG: GPTConfig = { n_layer: 4, n_head: 4, n_embd: 128, n_positions: 256, vocab_size: 4096, layer_norm_epsilon: 1e-5 };
const PROMPT_TOKENS = 64;
const NEW_TOKENS = 128;
const LONG_PROMPT_TOKENS = 200;
const ROUNDS = 9;
const FOLDER = 'bench-gpt2';

function seededPrompt(length: number, vocab: number): number[] {
  let state = 12345;
  return Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % vocab;
  });
}

/**
 * The floor under every runtime of the folder's graph: ONNX Runtime's session.run alone, fed the previous
 * step's present tensors as they come back, with nothing else per step. Milliseconds for the
 * decode calls after a prefill of `prompt`.
 */
async function bareSessionDecode(session: OrtSession, prompt: readonly number[], newTokens: number): Promise<number> {
  const { Tensor } = loadOrt();
  const ids = (length: number, value: (i: number) => number) => BigInt64Array.from({ length }, (_, i) => BigInt(value(i)));
  const L = BENCH_CONFIG.n_layer;
  const cacheDims = (length: number) => [1, BENCH_CONFIG.n_head, length, BENCH_CONFIG.n_embd / BENCH_CONFIG.n_head];
  let past: Record<string, OrtTensor> = {};
  for (let l = 0; l < L; l++) for (const kv of ['key', 'value']) past[`past_key_values.${l}.${kv}`] = new Tensor('float32', new Float32Array(0), cacheDims(0));
  let seen = 0;
  let start = 0;
  for (let step = 0; step < newTokens; step++) {
    if (step === 1) start = performance.now();
    const tokens = step === 0 ? prompt : [step];
    const outputs = await session.run({
      input_ids: new Tensor('int64', ids(tokens.length, (i) => tokens[i]), [1, tokens.length]),
      attention_mask: new Tensor('int64', ids(seen + tokens.length, () => 1), [1, seen + tokens.length]),
      position_ids: new Tensor('int64', ids(tokens.length, (i) => seen + i), [1, tokens.length]),
      ...past,
    });
    seen += tokens.length;
    past = {};
    for (let l = 0; l < L; l++) for (const kv of ['key', 'value']) past[`past_key_values.${l}.${kv}`] = outputs[`present.${l}.${kv}`];
  }
  return performance.now() - start;
}

async function elapsed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

export const bench: Bench = {
  name: 'generation',
  description: `our runtime vs transformers.js, GPT-2 ${BENCH_CONFIG.n_layer} layers × ${BENCH_CONFIG.n_head} heads × ${BENCH_CONFIG.n_embd} dims, vocabulary ${BENCH_CONFIG.vocab_size}, prompt ${PROMPT_TOKENS}, ${NEW_TOKENS} new tokens`,
  async run() {
    const parent = makeTempDir('bench-generation');
    const cores = os.availableParallelism();
    try {
      writeModelFolder(path.join(parent, FOLDER), { config: BENCH_CONFIG, weights: randomWeights(BENCH_CONFIG, 1), tokenizerJson: byteLevelTokenizerJson() });
      const prompt = seededPrompt(PROMPT_TOKENS, BENCH_CONFIG.vocab_size);
      const longPrompt = seededPrompt(LONG_PROMPT_TOKENS, BENCH_CONFIG.vocab_size);

      // Ours with the threads the extension chooses (runtime/decodeThreads.ts: one for a model this small).
      const threads = decodeThreads(readModelFolder(path.join(parent, FOLDER)));
      const { model } = await openModelFolder(path.join(parent, FOLDER));
      const bare = await openSession(path.join(parent, FOLDER, 'onnx', 'model.onnx'), 'bench graph', { threads });
      const inference = new InferenceHost(workerScript('inferenceWorker', 'inference/inferenceWorker.ts'));
      const isolated = await inference.openLanguageModel(path.join(parent, FOLDER));
      const tf = await import('@huggingface/transformers');
      tf.env.allowRemoteModels = false;
      tf.env.localModelPath = `${parent}${path.sep}`;
      // transformers.js is timed with one thread and with every core; its faster setting is the peer.
      const openTheirs = (intraOpNumThreads: number) =>
        tf.AutoModelForCausalLM.from_pretrained(FOLDER, {
          local_files_only: true,
          dtype: 'fp32',
          session_options: { intraOpNumThreads, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential' },
        });
      const theirsOne = await openTheirs(1);
      const theirsAll = await openTheirs(cores);
      const ids = (tokens: readonly number[]) => new tf.Tensor('int64', BigInt64Array.from(tokens, (t) => BigInt(t)), [1, tokens.length]);
      const mask = (tokens: readonly number[]) => new tf.Tensor('int64', new BigInt64Array(tokens.length).fill(1n), [1, tokens.length]);
      type Theirs = typeof theirsOne;
      const theirsGenerate = (m: Theirs, tokens: readonly number[], newTokens: number) =>
        m.generate({ inputs: ids(tokens), max_new_tokens: newTokens, min_new_tokens: newTokens, do_sample: false });

      const rounds = {
        oursPrefill: [] as number[], oursDecode: [] as number[], bareDecode: [] as number[], isolatedDecode: [] as number[], oursGenerate: [] as number[], oursGenerateTraced: [] as number[], oursFirstToken: [] as number[],
        theirsOnePrefill: [] as number[], theirsOneGenerate: [] as number[], theirsOneFirstToken: [] as number[],
        theirsAllPrefill: [] as number[], theirsAllGenerate: [] as number[], theirsAllFirstToken: [] as number[],
      };
      // Ours, decode alone: the runtime's greedy loop of single-token calls after a prefill.
      const decodeLoop = async (lm: LanguageModel): Promise<number> => {
        let step = await lm.forward(prompt);
        const start = performance.now();
        for (let i = 1; i < NEW_TOKENS; i++) step = await lm.forward([argmax(step.logits)], step.cache);
        return performance.now() - start;
      };
      // generate() as RAG, evaluation, the API server and the CLI call it (no trace), and with the
      // trace of the 20 most probable candidates at every step, as the Decoding Playground draws one
      // after every token it takes.
      const greedy = (tokens: readonly number[], maxNewTokens: number, topN = 0) => generate(model, tokens, { sampler: { temperature: 0 }, maxNewTokens, topN });
      for (let round = 0; round <= ROUNDS; round++) {
        const times = {
          oursPrefill: await elapsed(() => model.forward(prompt)),
          theirsOnePrefill: await elapsed(() => theirsOne({ input_ids: ids(prompt), attention_mask: mask(prompt) })),
          theirsAllPrefill: await elapsed(() => theirsAll({ input_ids: ids(prompt), attention_mask: mask(prompt) })),
          oursDecode: await decodeLoop(model),
          bareDecode: await bareSessionDecode(bare, prompt, NEW_TOKENS),
          isolatedDecode: await decodeLoop(isolated),
          theirsOneGenerate: await elapsed(() => theirsGenerate(theirsOne, prompt, NEW_TOKENS)),
          theirsAllGenerate: await elapsed(() => theirsGenerate(theirsAll, prompt, NEW_TOKENS)),
          oursGenerate: await elapsed(() => greedy(prompt, NEW_TOKENS)),
          oursGenerateTraced: await elapsed(() => greedy(prompt, NEW_TOKENS, 20)),
          // Time to first token: the prompt's prefill and the first token chosen from its logits.
          oursFirstToken: await elapsed(() => greedy(longPrompt, 1)),
          theirsOneFirstToken: await elapsed(() => theirsGenerate(theirsOne, longPrompt, 1)),
          theirsAllFirstToken: await elapsed(() => theirsGenerate(theirsAll, longPrompt, 1)),
        };
        // Round 0 warms both up and is not counted.
        if (round > 0) for (const [key, ms] of Object.entries(times)) rounds[key as keyof typeof rounds].push(ms);
      }
      await model.release();
      await bare.release();
      await isolated.release();
      inference.dispose();
      await theirsOne.dispose();
      await theirsAll.dispose();

      const m = Object.fromEntries(Object.entries(rounds).map(([key, values]) => [key, median(values)])) as Record<keyof typeof rounds, number>;
      // A generate call is 1 prefill + (NEW_TOKENS − 1) decode calls: decode time = total − prefill.
      const perToken = (decodeMs: number) => decodeMs / (NEW_TOKENS - 1);
      const rate = (decodeMs: number) => (NEW_TOKENS - 1) / (decodeMs / 1000);
      const theirsOneDecode = m.theirsOneGenerate - m.theirsOnePrefill;
      const theirsAllDecode = m.theirsAllGenerate - m.theirsAllPrefill;
      const theirsDecode = Math.min(theirsOneDecode, theirsAllDecode);
      const theirsThreads = theirsDecode === theirsOneDecode ? 1 : cores;
      const theirsPrefill = Math.min(m.theirsOnePrefill, m.theirsAllPrefill);
      const theirsFirstToken = Math.min(m.theirsOneFirstToken, m.theirsAllFirstToken);
      const oursDecode = m.oursDecode;
      const oursGenerateDecode = m.oursGenerate - m.oursPrefill;
      const oursTracedDecode = m.oursGenerateTraced - m.oursPrefill;
      console.log(`  ours: ${threads} thread${threads === 1 ? '' : 's'} per operator (the extension's choice for this model); transformers.js: 1 and ${cores} threads, the faster is the peer; medians of ${ROUNDS} alternating rounds`);
      report('prefill, ours', PROMPT_TOKENS / (m.oursPrefill / 1000), 'tokens/s', `${m.oursPrefill.toFixed(2)} ms per prompt`);
      report('prefill, transformers.js', PROMPT_TOKENS / (theirsPrefill / 1000), 'tokens/s', `${theirsPrefill.toFixed(2)} ms per prompt`);
      report('prefill ratio, ours / transformers.js', theirsPrefill / m.oursPrefill, '×');
      report(`time to first token, ${LONG_PROMPT_TOKENS}-token prompt, ours`, m.oursFirstToken, 'ms', 'generate(), prefill and the first sampling step');
      report(`time to first token, ${LONG_PROMPT_TOKENS}-token prompt, transformers.js`, theirsFirstToken, 'ms');
      report("decode, ONNX Runtime alone on the folder's graph", rate(m.bareDecode), 'tokens/s', `${perToken(m.bareDecode).toFixed(3)} ms per token, session.run and nothing else: the floor under transformers.js`);
      report('decode, ours (runtime, greedy loop)', rate(oursDecode), 'tokens/s', `${perToken(oursDecode).toFixed(3)} ms per token`);
      report('decode, ours in the inference process', rate(m.isolatedDecode), 'tokens/s', `${perToken(m.isolatedDecode).toFixed(3)} ms per token, as the extension runs it`);
      report('isolation cost per decoded token', perToken(m.isolatedDecode) - perToken(oursDecode), 'ms', 'inference process minus this thread');
      report('decode, ours (generate(), greedy)', rate(oursGenerateDecode), 'tokens/s', `${perToken(oursGenerateDecode).toFixed(3)} ms per token, sampling pipeline included, no trace`);
      report('decode, ours (generate(), greedy, traced)', rate(oursTracedDecode), 'tokens/s', `${perToken(oursTracedDecode).toFixed(3)} ms per token, with the trace of 20 candidates the Decoding Playground draws at every step`);
      report(`decode, transformers.js (generate(), greedy, 1 thread)`, rate(theirsOneDecode), 'tokens/s', `${perToken(theirsOneDecode).toFixed(3)} ms per token`);
      report(`decode, transformers.js (generate(), greedy, ${cores} threads)`, rate(theirsAllDecode), 'tokens/s', `${perToken(theirsAllDecode).toFixed(3)} ms per token`);
      report('decode ratio, ours greedy loop / transformers.js', theirsDecode / oursDecode, '×', `goal ≥ 2, peer at ${theirsThreads} thread${theirsThreads === 1 ? '' : 's'}`);
      report('decode ratio, ours generate() / transformers.js', theirsDecode / oursGenerateDecode, '×', 'goal ≥ 1.5, no trace');
      report('decode ratio, ours generate() traced / transformers.js', theirsDecode / oursTracedDecode, '×', 'goal ≥ 1.5, with the trace');
      report("decode ratio, ONNX Runtime alone on the folder's graph / transformers.js", theirsDecode / m.bareDecode, '×', 'the most any runtime of that graph could reach');
    } finally {
      removeTempDir(parent);
    }
  },
};
