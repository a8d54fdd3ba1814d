// Runs the training graph step after step. The weights and optimizer state live here as
// Float32Arrays between steps: each step feeds them in (ONNX Runtime reads the arrays in place)
// and keeps the next.* outputs as the new values.

import type * as ort from 'onnxruntime-node';
// Required on first use, not when the extension host loads this module (engine/runtime/ort.ts).
import { loadOrt } from '../runtime/ort';
import type { Batch } from './dataset';
import { stepScalars } from './optimizerGraph';
import { buildLossGraph, buildTrainingGraph, nextName, type NamedShape, type TrainingGraph, type TrainingGraphOptions } from './trainingGraph';

export interface StepResult {
  readonly loss: number;
  readonly gradNorm: number;
  /** Σ g² of each trainable parameter's gradient, in the order of graph.trainable. */
  readonly gradSquares: Float32Array;
  /** Every output of the step, for graphs with more to report (the DPO rewards). */
  readonly outputs: Readonly<Record<string, ort.Tensor>>;
}

export interface StepRunnerOptions extends TrainingGraphOptions {
  /** ONNX Runtime intra-op threads; default: its own choice. */
  readonly threads?: number;
  /** The step graph (default: the language-model loss, buildTrainingGraph). */
  readonly buildGraph?: (options: TrainingGraphOptions) => TrainingGraph;
}

function sessionOptions(threads: number | undefined): ort.InferenceSession.SessionOptions {
  // 'all' lets ONNX Runtime fuse Transpose into MatMul (FusedMatMul), MatMul + Add (Gemm), and more.
  return { graphOptimizationLevel: 'all', executionMode: 'sequential', ...(threads ? { intraOpNumThreads: threads } : {}) };
}

const scalar = (v: number) => new (loadOrt().Tensor)('float32', Float32Array.of(v), []);
const numel = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

export class StepRunner {
  private constructor(
    readonly graph: TrainingGraph,
    private readonly trainSession: ort.InferenceSession,
    private readonly lossSession: ort.InferenceSession,
    private readonly options: StepRunnerOptions,
    /** Every parameter by name (trainable ones change each step). */
    readonly parameters: Map<string, Float32Array>,
    /** Optimizer state by state name (<parameter>.adam_m, ...). */
    readonly state: Map<string, Float32Array>,
  ) {}

  /** Builds the graphs and sessions. `initial` must hold every parameter; missing state starts at zero. */
  static async create(options: StepRunnerOptions, initial: ReadonlyMap<string, Float32Array>, initialState?: ReadonlyMap<string, Float32Array>): Promise<StepRunner> {
    const graph = (options.buildGraph ?? buildTrainingGraph)(options);
    const lossBytes = buildLossGraph(options);
    const parameters = new Map<string, Float32Array>();
    for (const p of graph.parameters) {
      const data = initial.get(p.name);
      if (!data) throw new Error(`training: no initial value for parameter ${p.name}`);
      if (data.length !== numel(p.dims)) throw new Error(`training: ${p.name} has ${data.length} values, expected [${p.dims}]`);
      parameters.set(p.name, data);
    }
    const state = new Map<string, Float32Array>();
    for (const s of graph.state) {
      const saved = initialState?.get(s.name);
      if (saved && saved.length !== numel(s.dims)) throw new Error(`training: optimizer state ${s.name} has ${saved.length} values, expected [${s.dims}]`);
      state.set(s.name, saved ?? new Float32Array(numel(s.dims)));
    }
    const [trainSession, lossSession] = await Promise.all([
      loadOrt().InferenceSession.create(graph.bytes, sessionOptions(options.threads)),
      loadOrt().InferenceSession.create(lossBytes, sessionOptions(options.threads)),
    ]);
    return new StepRunner(graph, trainSession, lossSession, options, parameters, state);
  }

  parameterFeeds(): Record<string, ort.Tensor> {
    const feeds: Record<string, ort.Tensor> = {};
    for (const p of this.graph.parameters) feeds[p.name] = new (loadOrt().Tensor)('float32', this.parameters.get(p.name) as Float32Array, [...p.dims]);
    return feeds;
  }

  batchFeeds(batch: Batch): Record<string, ort.Tensor> {
    const dims = [batch.batchSize, batch.contextLength];
    return { input_ids: new (loadOrt().Tensor)('int64', batch.inputs, dims), targets: new (loadOrt().Tensor)('int64', batch.targets, dims) };
  }

  /** One optimizer step at `step` (0-based) with the given learning rate. */
  async step(batch: Batch, step: number, learningRate: number, maxGradNorm: number, extraFeeds: Record<string, ort.Tensor> = {}): Promise<StepResult> {
    const feeds = { ...this.parameterFeeds(), ...this.batchFeeds(batch), ...extraFeeds };
    for (const s of this.graph.state) feeds[s.name] = new (loadOrt().Tensor)('float32', this.state.get(s.name) as Float32Array, [...s.dims]);
    const scalars = stepScalars(this.options.optimizer, learningRate, step, maxGradNorm > 0 ? maxGradNorm : Number.MAX_VALUE);
    for (const [name, value] of Object.entries(scalars)) feeds[name] = scalar(value);
    const out = await this.trainSession.run(feeds);
    for (const name of this.graph.trainable) this.parameters.set(name, out[nextName(name)].data as Float32Array);
    for (const s of this.graph.state) this.state.set(s.name, out[nextName(s.name)].data as Float32Array);
    return { loss: (out.loss.data as Float32Array)[0], gradNorm: (out.grad_norm.data as Float32Array)[0], gradSquares: out.grad_squares.data as Float32Array, outputs: out };
  }

  /** Mean loss over batches, without changing anything. */
  async evaluate(batches: readonly Batch[]): Promise<number> {
    let total = 0;
    const params = this.parameterFeeds();
    for (const batch of batches) {
      const out = await this.lossSession.run({ ...params, ...this.batchFeeds(batch) });
      total += (out.loss.data as Float32Array)[0];
    }
    return total / batches.length;
  }

  parameterShapes(): readonly NamedShape[] {
    return this.graph.parameters;
  }

  async release(): Promise<void> {
    await Promise.all([this.trainSession.release(), this.lossSession.release()]);
  }
}
