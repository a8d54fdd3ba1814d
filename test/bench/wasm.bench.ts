// The cost of the WebAssembly fallback: ONNX Runtime's native library (onnxruntime-node) against
// its WebAssembly build (onnxruntime-web) in the same run, on the bundled model's shape.
// - Decode: the greedy loop of single-token calls through the KV cache, in the inference process
//   the extension uses, one process per backend (a process runs one backend; the choice is the
//   environment variable the extension sets, read when the process starts).
// - A training step (AdamW, batch × context below) in a child process per backend: this file run
//   as a script, which prints its step times as JSON.
// The two backends take turns, round after round, so that both see the same load; the figures are
// medians over the rounds.

import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { argmax } from '../../extension/engine/generate/probabilities';
import { Mulberry32 } from '../../extension/engine/generate/random';
import { gpt2Parameters } from '../../extension/engine/gpt/parameters';
import { InferenceHost, type RemoteLanguageModel } from '../../extension/engine/inference/inferenceHost';
import { readModelFolder } from '../../extension/engine/modelFolder/readModelFolder';
import { type BackendChoice, ORT_BACKEND_ENV } from '../../extension/engine/runtime/ortBackend';
import { StepRunner } from '../../extension/engine/train/stepRunner';
import { workerScript } from '../../extension/engine/workers/workerScript';
import { median, report, type Bench } from './bench';

const MODEL = path.resolve(__dirname, '../../models/tinystories-1m');
const PROMPT_TOKENS = 64;
const NEW_TOKENS = 128;
const ROUNDS = 5;
const [BATCH, CONTEXT] = [8, 64];
const STEPS_PER_ROUND = 3;
const BACKENDS: readonly BackendChoice[] = ['auto', 'webassembly'];

function seededTokens(length: number, vocab: number, random = new Mulberry32(12345)): number[] {
  return Array.from({ length }, () => random.nextInt(vocab));
}

/** An inference process started on `backend` (the variable is read as it starts). */
async function openOn(backend: BackendChoice): Promise<{ host: InferenceHost; lm: RemoteLanguageModel }> {
  const before = process.env[ORT_BACKEND_ENV];
  process.env[ORT_BACKEND_ENV] = backend;
  try {
    const host = new InferenceHost(workerScript('inferenceWorker', 'inference/inferenceWorker.ts'));
    return { host, lm: await host.openLanguageModel(MODEL) };
  } finally {
    if (before === undefined) delete process.env[ORT_BACKEND_ENV];
    else process.env[ORT_BACKEND_ENV] = before;
  }
}

/** Milliseconds for NEW_TOKENS − 1 greedy decode calls after a prefill. */
async function decodeLoop(lm: RemoteLanguageModel, prompt: readonly number[]): Promise<number> {
  let step = await lm.forward(prompt);
  const start = performance.now();
  for (let i = 1; i < NEW_TOKENS; i++) step = await lm.forward([argmax(step.logits)], step.cache);
  return performance.now() - start;
}

/** The training-step child (this file as a script) on `backend`: each step's milliseconds after a warm-up step. */
function trainingSteps(backend: BackendChoice): number[] {
  const stdout = execFileSync(process.execPath, ['--import', 'tsx', __filename, String(STEPS_PER_ROUND)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, [ORT_BACKEND_ENV]: backend },
  });
  return JSON.parse(stdout) as number[];
}

/** In the child: `steps` AdamW steps of the bundled model's shape from random weights, each timed. */
async function timeTrainingSteps(steps: number): Promise<number[]> {
  const config = readModelFolder(MODEL).gpt2?.gpt;
  if (!config) throw new Error(`${MODEL}: not a GPT-2 folder`);
  const random = new Mulberry32(7);
  const initial = new Map(gpt2Parameters(config).map((p) => [p.name, Float32Array.from({ length: p.dims.reduce((a, b) => a * b, 1) }, () => (p.init === 'ones' ? 1 : 0.02 * (random.next() * 2 - 1)))]));
  const runner = await StepRunner.create({ config, batchSize: BATCH, contextLength: CONTEXT, optimizer: { kind: 'adamw', beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: 0.1 } }, initial);
  const batch = () => {
    const tokens = seededTokens(BATCH * (CONTEXT + 1), config.vocab_size, random);
    const inputs = BigInt64Array.from({ length: BATCH * CONTEXT }, (_, i) => BigInt(tokens[Math.floor(i / CONTEXT) * (CONTEXT + 1) + (i % CONTEXT)]));
    const targets = BigInt64Array.from({ length: BATCH * CONTEXT }, (_, i) => BigInt(tokens[Math.floor(i / CONTEXT) * (CONTEXT + 1) + (i % CONTEXT) + 1]));
    return { inputs, targets, batchSize: BATCH, contextLength: CONTEXT };
  };
  const times: number[] = [];
  for (let step = 0; step <= steps; step++) {
    const next = batch();
    const start = performance.now();
    await runner.step(next, step, 1e-3, 1);
    // Step 0 warms up and is not counted.
    if (step > 0) times.push(performance.now() - start);
  }
  await runner.release();
  return times;
}

export const bench: Bench = {
  name: 'wasm',
  description: `ONNX Runtime native vs WebAssembly on the bundled model's shape: decode (prompt ${PROMPT_TOKENS}, ${NEW_TOKENS} new tokens, inference process) and an AdamW training step (batch ${BATCH} × ${CONTEXT} tokens)`,
  async run() {
    const config = readModelFolder(MODEL).gpt2?.gpt;
    if (!config) throw new Error(`${MODEL}: not a GPT-2 folder`);
    const prompt = seededTokens(PROMPT_TOKENS, config.vocab_size);
    // One after the other: each sets the process-wide variable while its process starts.
    const opened: Awaited<ReturnType<typeof openOn>>[] = [];
    for (const backend of BACKENDS) opened.push(await openOn(backend));
    const decode = BACKENDS.map(() => [] as number[]);
    const step = BACKENDS.map(() => [] as number[]);
    try {
      for (let round = 0; round <= ROUNDS; round++) {
        for (const [i, backend] of BACKENDS.entries()) {
          const ms = await decodeLoop(opened[i].lm, prompt);
          // Round 0 warms both up and is not counted.
          if (round > 0) decode[i].push(ms);
          if (round > 0) step[i].push(...trainingSteps(backend));
        }
      }
    } finally {
      for (const { host, lm } of opened) await lm.release().finally(() => host.dispose());
    }
    const rate = (ms: number) => (NEW_TOKENS - 1) / (ms / 1000);
    const [nativeDecode, wasmDecode] = decode.map(median);
    const [nativeStep, wasmStep] = step.map(median);
    console.log(`  medians of ${ROUNDS} alternating rounds (training: ${STEPS_PER_ROUND} steps a round after a warm-up step)`);
    report('decode, native (inference process)', rate(nativeDecode), 'tokens/s', `${(nativeDecode / (NEW_TOKENS - 1)).toFixed(3)} ms per token`);
    report('decode, WebAssembly (inference process)', rate(wasmDecode), 'tokens/s', `${(wasmDecode / (NEW_TOKENS - 1)).toFixed(3)} ms per token`);
    report('decode slowdown, WebAssembly / native', wasmDecode / nativeDecode, '×');
    report('training step, native', nativeStep, 'ms', `batch ${BATCH} × ${CONTEXT} tokens, AdamW`);
    report('training step, WebAssembly', wasmStep, 'ms');
    report('training step slowdown, WebAssembly / native', wasmStep / nativeStep, '×');
  },
};

if (require.main === module) {
  timeTrainingSteps(Number(process.argv[2])).then(
    (times) => process.stdout.write(JSON.stringify(times)),
    (error: Error) => {
      console.error(error.stack ?? error.message);
      process.exitCode = 1;
    },
  );
}
