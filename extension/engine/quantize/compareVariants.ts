// The quantization lab's measurements, all taken in one run so the variants share the machine's
// state: each variant's graph is opened (load time), then the text is run in disjoint windows of the
// context length through every variant in turn (prefill tokens/s, perplexity), and each variant's
// next-token distribution q is compared with fp32's p at every position:
//   top-1 agreement   share of positions where argmax q = argmax p
//   mean KL           (1/N) Σ_t Σ_v p_tv · (ln p_tv − ln q_tv), nats: how far q drifted from p
// Last, a greedy continuation of 64 tokens, one token per call through the KV cache (decode tokens/s).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { OnnxCausalLM } from '../runtime/onnxCausalLM';
import type { KVCache } from '../model/languageModel';
import { readModelFolder } from '../modelFolder/readModelFolder';
import { VARIANT_FILES, VARIANTS, type Variant } from './buildVariants';

export interface VariantMeasurement {
  readonly variant: Variant;
  readonly file: string;
  readonly bytes: number;
  readonly loadMs: number;
  readonly prefillTokensPerSecond: number;
  readonly decodeTokensPerSecond: number;
  readonly perplexity: number;
  /** 1 for fp32 itself. */
  readonly top1Agreement: number;
  readonly meanKL: number;
  /** Positions (index of the predicted token in `tokens`) whose top-1 differs from fp32's, within the first `shownTokens`. */
  readonly flips: readonly number[];
}

export interface Comparison {
  readonly tokens: readonly number[];
  readonly scoredTokens: number;
  readonly window: number;
  readonly measurements: readonly VariantMeasurement[];
}

export interface CompareOptions {
  /** The variants to measure; fp32, the reference, is measured whatever this says. Default: all. */
  readonly variants?: readonly Variant[];
  /** Score at most this many tokens of the text. */
  readonly maxTokens?: number;
  readonly decodeTokens?: number;
  /** Flips are listed for predictions of tokens[1..shownTokens). */
  readonly shownTokens?: number;
  readonly threads?: number;
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
}

/** log-softmax of a row, in place into `out`. */
function logSoftmax(row: Float32Array, out: Float64Array): void {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i] > max) max = row[i];
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += Math.exp(row[i] - max);
  const shift = max + Math.log(sum);
  for (let i = 0; i < row.length; i++) out[i] = row[i] - shift;
}

function argmax(row: Float64Array): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

interface Totals { nats: number; kl: number; agree: number; prefillMs: number; flips: number[] }

export async function compareVariants(dir: string, tokens: readonly number[], options: CompareOptions = {}): Promise<Comparison> {
  const folder = readModelFolder(dir);
  const used = tokens.slice(0, Math.min(tokens.length, (options.maxTokens ?? Infinity) + 1));
  if (used.length < 2) throw new Error('the text is too short to score: it needs at least 2 tokens');
  const shownTokens = options.shownTokens ?? 600;
  const measured = VARIANTS.filter((v) => v === 'fp32' || (options.variants ?? VARIANTS).includes(v));
  const models = new Map<Variant, { model: OnnxCausalLM; loadMs: number }>();
  try {
    for (const variant of measured) {
      const began = performance.now();
      const model = await OnnxCausalLM.open(path.join(dir, VARIANT_FILES[variant]), { config: folder.config, shownAs: VARIANT_FILES[variant], threads: options.threads });
      models.set(variant, { model, loadMs: performance.now() - began });
    }
    const fp32 = (models.get('fp32') as { model: OnnxCausalLM }).model;
    const window = fp32.contextLength;
    const V = fp32.vocabSize;
    const totals = new Map<Variant, Totals>(measured.map((v) => [v, { nats: 0, kl: 0, agree: 0, prefillMs: 0, flips: [] }]));
    const p = new Float64Array(V);
    const q = new Float64Array(V);
    let scored = 0;
    for (let begin = 0; begin < used.length - 1; begin += window) {
      if (options.signal?.aborted) throw new Error('cancelled');
      const chunk = used.slice(begin, Math.min(begin + window + 1, used.length));
      const inputs = chunk.slice(0, -1);
      const logits = new Map<Variant, Float32Array>();
      for (const variant of measured) {
        const began = performance.now();
        logits.set(variant, (await (models.get(variant) as { model: OnnxCausalLM }).model.forwardAll(inputs)).logits);
        (totals.get(variant) as Totals).prefillMs += performance.now() - began;
      }
      for (let t = 0; t < inputs.length; t++) {
        logSoftmax((logits.get('fp32') as Float32Array).subarray(t * V, (t + 1) * V), p);
        const top = argmax(p);
        const target = chunk[t + 1];
        for (const variant of measured) {
          const total = totals.get(variant) as Totals;
          if (variant !== 'fp32') logSoftmax((logits.get(variant) as Float32Array).subarray(t * V, (t + 1) * V), q);
          const mine = variant === 'fp32' ? p : q;
          total.nats -= mine[target];
          if (variant === 'fp32') {
            total.agree++;
            continue;
          }
          let kl = 0;
          for (let v = 0; v < V; v++) kl += Math.exp(p[v]) * (p[v] - q[v]);
          total.kl += kl;
          if (argmax(q) === top) total.agree++;
          else if (begin + t + 1 < shownTokens) total.flips.push(begin + t + 1);
        }
      }
      scored += inputs.length;
      options.onProgress?.(scored, used.length - 1);
    }

    // Decoding speed in rounds that take turns across the variants, the median of each: measured one
    // variant after the other, whichever ran while the machine was busier (or first, cold) looked slower.
    const speeds = new Map<Variant, number[]>(measured.map((v) => [v, []]));
    for (let round = 0; round < DECODE_ROUNDS; round++) {
      for (const variant of measured) {
        const { model } = models.get(variant) as { model: OnnxCausalLM };
        (speeds.get(variant) as number[]).push(await decodeSpeed(model, used.slice(0, 8), Math.min(options.decodeTokens ?? 64, model.contextLength - 8)));
      }
    }
    const measurements: VariantMeasurement[] = [];
    for (const variant of measured) {
      const { loadMs } = models.get(variant) as { loadMs: number };
      const total = totals.get(variant) as Totals;
      measurements.push({
        variant,
        file: VARIANT_FILES[variant],
        bytes: fs.statSync(path.join(dir, VARIANT_FILES[variant])).size,
        loadMs,
        prefillTokensPerSecond: scored / (total.prefillMs / 1000),
        decodeTokensPerSecond: median(speeds.get(variant) as number[]),
        perplexity: Math.exp(total.nats / scored),
        top1Agreement: total.agree / scored,
        meanKL: total.kl / scored,
        flips: total.flips,
      });
    }
    return { tokens: used, scoredTokens: scored, window, measurements };
  } finally {
    for (const { model } of models.values()) await model.release();
  }
}

const DECODE_ROUNDS = 3;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Tokens per second of greedy decoding, one token per call with the KV cache, after an 8-token prompt. */
async function decodeSpeed(model: OnnxCausalLM, prompt: readonly number[], steps: number): Promise<number> {
  let { logits, cache } = await model.forward(prompt);
  const began = performance.now();
  for (let i = 0; i < steps; i++) {
    let next = 0;
    for (let v = 1; v < logits.length; v++) if (logits[v] > logits[next]) next = v;
    ({ logits, cache } = await model.forward([next], cache as KVCache));
  }
  return steps / ((performance.now() - began) / 1000);
}
