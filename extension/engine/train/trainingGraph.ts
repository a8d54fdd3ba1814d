// The whole training step as one ONNX graph, run by one session call per step:
//
//   inputs:  input_ids, targets [B, T] int64; every parameter; optimizer state; step scalars
//   forward: logits = model(input_ids)                            (GPT-2's or Llama's forward, shared with inference)
//   loss:    L = mean over B·T tokens of −log softmax(logits)[target]   (SoftmaxCrossEntropyLoss)
//   backward: ∂L/∂θ for every trainable θ                          (addGradients, symbolic reverse mode)
//   update:  clip by global norm, then AdamW or SGD                 (addOptimizerUpdate)
//   outputs: loss, grad_norm, grad_squares (Σ g² per trainable parameter), next.<parameter>, next.<state>
//
// Parameters are graph inputs rather than initializers so the same session serves every step;
// frozen parameters (the base model under LoRA) are inputs that get no gradient.

import { addGradients } from '../autodiff/gradients';
import type { ParameterResolver } from '../gpt/forwardGraph';
import { attr, GraphBuilder } from '../onnx';
import { MASKED } from '../gpt/attentionMask';
import { architectureOf, type TrainableConfig } from './trainableConfig';
import { emitForward, isEmbedding, parameterShapes } from './architecture';
import { addOptimizerUpdate, stateNames, type OptimizerSettings } from './optimizerGraph';

export const IGNORE_INDEX = -100;

export interface NamedShape {
  readonly name: string;
  readonly dims: readonly number[];
}

/** Extra parameters placed in front of the GPT's own (LoRA adapters), and how they alter its weights. */
export interface ParameterOverlay {
  readonly parameters: readonly NamedShape[];
  /** Emits the value the forward pass uses for a GPT parameter, given the graph value of each input. */
  readonly resolve: (g: GraphBuilder, gptParameter: string, value: string) => string;
}

export interface TrainingGraphOptions {
  readonly config: TrainableConfig;
  readonly batchSize: number;
  readonly contextLength: number;
  readonly optimizer: OptimizerSettings;
  /** Names that receive gradients and updates; every other parameter is frozen. Default: all GPT parameters. */
  readonly trainable?: readonly string[];
  readonly overlay?: ParameterOverlay;
  /** Apply weight decay to the embeddings too (default: only to matrices of the blocks). */
  readonly decayEmbeddings?: boolean;
  /** Dropout probability in the forward pass of each step (GPT-2 only; default 0: none), and the seed its masks start from. */
  readonly dropout?: { readonly ratio: number; readonly seed: number };
}

export interface TrainingGraph {
  readonly bytes: Uint8Array;
  /** Every parameter input (trainable first-class and frozen), in feed order. */
  readonly parameters: readonly NamedShape[];
  readonly trainable: readonly string[];
  /** Optimizer state inputs, with the parameter each belongs to. */
  readonly state: readonly (NamedShape & { parameter: string })[];
}

export const nextName = (name: string): string => `next.${name}`;

/** The additive causal bias [T, T]: 0 where key s ≤ query t, MASKED above the diagonal. */
export function causalBias(T: number): Float32Array {
  return Float32Array.from({ length: T * T }, (_, i) => (i % T <= Math.floor(i / T) ? 0 : MASKED));
}

/** Emits inputs (input_ids, targets, parameters) and the forward pass; returns logits [B·T, V], targets [B·T] and the parameter list. */
export function emitForwardLogits(g: GraphBuilder, options: Omit<TrainingGraphOptions, 'optimizer'>, batchDim: number | string): { logits: string; targets: string; parameters: NamedShape[] } {
  const { config, contextLength: T } = options;
  const inputIds = g.input('input_ids', 'int64', [batchDim, T]);
  const targets = g.input('targets', 'int64', [batchDim, T]);
  const parameters = [...(options.overlay?.parameters ?? []), ...parameterShapes(config)];
  for (const p of parameters) g.input(p.name, 'float32', p.dims);
  const resolve: ParameterResolver = options.overlay ? (name) => options.overlay!.resolve(g, name, name) : (name) => name;

  const positions = g.constant(BigInt64Array.from({ length: T }, (_, t) => BigInt(t)), [T], 'positions');
  const bias = g.constant(causalBias(T), [T, T], 'causal_bias');
  const { logits } = emitForward(g, config, { inputIds, positionIds: positions, attentionBias: bias, dropout: options.dropout }, resolve);
  const flatLogits = g.op('Reshape', [logits, g.constant(BigInt64Array.of(-1n, BigInt(config.vocab_size)), [2], 'logits_2d')]); // [B·T, V]
  const flatTargets = g.op('Reshape', [targets, g.constant(BigInt64Array.of(-1n), [1], 'targets_1d')]); //                      [B·T]
  return { logits: flatLogits, targets: flatTargets, parameters };
}

/** Emits inputs, forward and mean token loss (over targets that are not IGNORE_INDEX); returns the loss value and the parameter list. */
export function emitForwardLoss(g: GraphBuilder, options: Omit<TrainingGraphOptions, 'optimizer'>, batchDim: number | string): { loss: string; parameters: NamedShape[] } {
  const { logits, targets, parameters } = emitForwardLogits(g, options, batchDim);
  // The log-probabilities output costs nothing extra (the op computes them anyway) and spares the
  // backward pass a second softmax over [B·T, V].
  const [loss] = g.node('SoftmaxCrossEntropyLoss', [logits, targets], { reduction: attr.string('mean'), ignore_index: attr.int(IGNORE_INDEX) }, { name: 'loss_value', outputs: 2 });
  return { loss, parameters };
}

/** Matrices decay; biases, LayerNorm gains and (by default) embeddings do not. */
function decaysByDefault(name: string, dims: readonly number[], decayEmbeddings: boolean): boolean {
  if (isEmbedding(name)) return decayEmbeddings;
  return dims.length >= 2;
}

export function buildTrainingGraph(options: TrainingGraphOptions): TrainingGraph {
  const g = new GraphBuilder({ name: `${architectureOf(options.config)}_train_step`, docString: 'forward, loss, backward and optimizer update of one training step' });
  const { loss, parameters } = emitForwardLoss(g, options, options.batchSize);
  return finishTrainingGraph(g, options, loss, parameters);
}

/** Adds the backward pass of `loss` and the optimizer update to a graph that computes it, and the step's outputs. */
export function finishTrainingGraph(g: GraphBuilder, options: TrainingGraphOptions, loss: string, parameters: NamedShape[]): TrainingGraph {
  const trainable = options.trainable ?? parameters.map((p) => p.name);
  const dimsOf = new Map(parameters.map((p) => [p.name, p.dims]));

  const gradients = addGradients(g, loss, trainable);
  const { gradNorm, gradSquares, updates } = addOptimizerUpdate(g, options.optimizer, gradients, (n) => dimsOf.get(n) ?? [], (n) => decaysByDefault(n, dimsOf.get(n) ?? [], options.decayEmbeddings ?? false));

  g.output(loss, { name: 'loss', dtype: 'float32', dims: [] });
  g.output(gradNorm, { name: 'grad_norm', dtype: 'float32', dims: [] });
  g.output(gradSquares, { name: 'grad_squares', dtype: 'float32', dims: [gradients.size] });
  const state: (NamedShape & { parameter: string })[] = [];
  for (const u of updates) {
    const dims = dimsOf.get(u.parameter) ?? [];
    g.output(u.next, { name: nextName(u.parameter), dtype: 'float32', dims });
    stateNames(options.optimizer, u.parameter).forEach((s, k) => {
      g.output(u.nextState[k], { name: nextName(s), dtype: 'float32', dims });
      state.push({ name: s, dims, parameter: u.parameter });
    });
  }
  return { bytes: g.toBytes(), parameters, trainable, state };
}

/** Forward and loss only, any batch size: the validation graph. It measures the model itself, without dropout. */
export function buildLossGraph(options: Omit<TrainingGraphOptions, 'optimizer'>): Uint8Array {
  const g = new GraphBuilder({ name: `${architectureOf(options.config)}_loss`, docString: 'mean next-token cross-entropy' });
  const { loss } = emitForwardLoss(g, { ...options, dropout: undefined }, 'batch');
  g.output(loss, { name: 'loss', dtype: 'float32', dims: [] });
  return g.toBytes();
}
