// Measurements of a DPO run, from the sequence log-probability graph:
//   reference log-probabilities of every answer, computed once with the starting weights (π_ref is
//   frozen), and the reference's token distributions over a few held-out answers for the KL;
//   held-out DPO loss, reward accuracy, chosen and rejected rewards, their margin, and
//   KL(πθ ‖ π_ref) = mean over answer tokens t of Σ_v πθ(v|t) (log πθ(v|t) − log π_ref(v|t)).

import type * as ort from 'onnxruntime-node';
// Required on first use, not when the extension host loads this module (engine/runtime/ort.ts).
import { loadOrt } from '../../runtime/ort';
import type { Batch } from '../dataset';
import type { PreferenceMetrics } from '../protocol';
import type { ChatExample } from './chatExamples';
import { preferenceBatch, type PreferencePair } from './preferencePairs';
import { exampleBatch } from './sftBatches';

/** Rows per logp run (the log-probabilities output is rows × T × V floats). */
const ROWS_PER_RUN = 8;
/** Held-out chosen answers whose reference distributions are kept for the KL. */
export const KL_ANSWERS = 8;

type Feeds = Record<string, ort.Tensor>;

export const negLogSigmoid = (z: number): number => Math.max(-z, 0) + Math.log1p(Math.exp(-Math.abs(z)));

export class PreferenceMeter {
  /** Reference token log-probabilities at the answer positions of the KL answers, [positions × V] each. */
  private referenceTokens: Float32Array[] = [];

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly contextLength: number,
    private readonly vocabSize: number,
    private readonly padId: number,
    private readonly heldOut: readonly PreferencePair[],
    private readonly beta: number,
    /** log π_ref of each held-out pair: [chosen, rejected]. */
    private heldOutReference: ReadonlyArray<readonly [number, number]> = [],
  ) {}

  static async create(graph: Uint8Array, options: { contextLength: number; vocabSize: number; padId: number; beta: number; threads?: number }, heldOut: readonly PreferencePair[]): Promise<PreferenceMeter> {
    const session = await loadOrt().InferenceSession.create(graph, { graphOptimizationLevel: 'all', ...(options.threads ? { intraOpNumThreads: options.threads } : {}) });
    return new PreferenceMeter(session, options.contextLength, options.vocabSize, options.padId, heldOut, options.beta);
  }

  private async run(parameters: Feeds, batch: Batch): Promise<{ logp: Float32Array; logProbs: Float32Array }> {
    const dims = [batch.batchSize, batch.contextLength];
    const out = await this.session.run({ ...parameters, input_ids: new (loadOrt().Tensor)('int64', batch.inputs, dims), targets: new (loadOrt().Tensor)('int64', batch.targets, dims) });
    return { logp: out.sequence_logp.data as Float32Array, logProbs: out.log_probs.data as Float32Array };
  }

  /** log π(answer | prompt) of each pair's chosen and rejected answers, under `parameters`. */
  async pairLogProbs(parameters: Feeds, pairs: readonly PreferencePair[]): Promise<Array<[number, number]>> {
    const result: Array<[number, number]> = [];
    for (let first = 0; first < pairs.length; first += ROWS_PER_RUN / 2) {
      const chunk = pairs.slice(first, first + ROWS_PER_RUN / 2);
      const { logp } = await this.run(parameters, preferenceBatch(chunk, this.contextLength, this.padId));
      chunk.forEach((_, i) => result.push([logp[i], logp[chunk.length + i]]));
    }
    return result;
  }

  /** The answer positions of an example row: t where the target ids[t + 1] is in the loss. */
  private answerPositions(example: ChatExample): number[] {
    const positions: number[] = [];
    for (let t = 0; t + 1 < Math.min(example.ids.length, this.contextLength + 1); t++) if (example.inLoss[t + 1]) positions.push(t);
    return positions;
  }

  /** Token log-probabilities at the answer positions of the KL answers, each [positions × V]. */
  private async answerTokenLogProbs(parameters: Feeds): Promise<Float32Array[]> {
    const answers = this.heldOut.slice(0, KL_ANSWERS).map((p) => p.chosen);
    const out: Float32Array[] = [];
    for (let first = 0; first < answers.length; first += ROWS_PER_RUN) {
      const chunk = answers.slice(first, first + ROWS_PER_RUN);
      const { logProbs } = await this.run(parameters, exampleBatch(chunk, this.contextLength, this.padId));
      const V = this.vocabSize;
      chunk.forEach((example, b) => {
        const positions = this.answerPositions(example);
        const rows = new Float32Array(positions.length * V);
        positions.forEach((t, k) => rows.set(logProbs.subarray((b * this.contextLength + t) * V, (b * this.contextLength + t + 1) * V), k * V));
        out.push(rows);
      });
    }
    return out;
  }

  /** Measures the reference (the starting weights): call once, before the first step. */
  async measureReference(parameters: Feeds): Promise<void> {
    this.heldOutReference = await this.pairLogProbs(parameters, this.heldOut);
    this.referenceTokens = await this.answerTokenLogProbs(parameters);
  }

  /** Held-out DPO loss, reward accuracy, mean rewards and margin, and the KL to the reference. */
  async measure(parameters: Feeds): Promise<NonNullable<PreferenceMetrics['heldOut']>> {
    const policy = await this.pairLogProbs(parameters, this.heldOut);
    let loss = 0;
    let correct = 0;
    let chosenReward = 0;
    let rejectedReward = 0;
    policy.forEach(([chosen, rejected], i) => {
      const [refChosen, refRejected] = this.heldOutReference[i];
      const rw = this.beta * (chosen - refChosen);
      const rl = this.beta * (rejected - refRejected);
      loss += negLogSigmoid(rw - rl);
      if (rw > rl) correct++;
      chosenReward += rw;
      rejectedReward += rl;
    });
    const n = policy.length;
    const tokens = await this.answerTokenLogProbs(parameters);
    let kl = 0;
    let positions = 0;
    const V = this.vocabSize;
    tokens.forEach((rows, a) => {
      const reference = this.referenceTokens[a];
      for (let k = 0; k < rows.length / V; k++) {
        for (let v = 0; v < V; v++) {
          const lp = rows[k * V + v];
          kl += Math.exp(lp) * (lp - reference[k * V + v]);
        }
        positions++;
      }
    });
    return { pairs: n, loss: loss / n, accuracy: correct / n, chosenReward: chosenReward / n, rejectedReward: rejectedReward / n, margin: (chosenReward - rejectedReward) / n, kl: kl / Math.max(1, positions) };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
