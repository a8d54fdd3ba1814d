// Runs a whole sequence once and returns what the inspectors draw: attention probabilities per
// layer and head, and for the models this engine builds the residual stream after every block and
// the logit lens.
//   our GPT-2, a Llama, Mistral or Qwen2 with safetensors: the inspection graph built from the
//   folder's weights, which outputs all of it;
//   a foreign model: its decode graph with every Softmax output added as a graph output (graph
//   surgery), or the plain reason when attention is fused into one operator and never materialises.

import * as path from 'node:path';
import { buildInspectionModel } from '../gpt/inspectionModel';
import type { GPTConfig } from '../gpt/config';
import type { TensorMap } from '../gpt/tensor';
import { ModelFolderError } from '../modelFolder/folderError';
import { readGPT2Weights } from '../modelFolder/gpt2Weights';
import { readLlamaWeights } from '../modelFolder/llamaWeights';
import { contextLength as llamaContextLength, type LlamaConfig } from '../llama/config';
import { buildLlamaInspectionModel } from '../llama/inspectionModel';
import type { CausalLMConfig } from '../modelFolder/causalLMConfig';
import type { ModelFolder } from '../modelFolder/readModelFolder';
import { exposeAttentionProbabilities, OnnxModel } from '../onnx';
import { DataLocation } from '../onnx/proto';
import { DecodeFeeder } from './decodeFeeds';
import { readDecodeSignature } from './decodeSignature';
import { toFloat32 } from './onnxCausalLM';
import { loadOrt, openSession, type OrtSession, type SessionSettings } from './ort';
import type { TopTokens } from './topTokens';

export interface AttentionMap {
  /** The graph value it came from: attentions.0 for ours, a Softmax output for a foreign model. */
  readonly name: string;
  readonly heads: number;
  /** [heads, T, T]: row t is how token t spreads its attention over tokens 0..t. */
  readonly data: Float32Array;
}

export interface InspectionResult {
  readonly tokens: readonly number[];
  /** [T, vocab] */
  readonly logits: Float32Array;
  /** One per layer, in graph order. */
  readonly attentions: readonly AttentionMap[];
  /** n_layer + 1 residual streams [T, n_embd] (embeddings, then after each block); ours only. */
  readonly hiddenStates: readonly Float32Array[];
  /** [T, vocab] per residual stream, when asked for without lensTopK; ours only. */
  readonly logitLens: readonly Float32Array[];
  /** With lensTopK: the lens cut to each position's lensTopK most likely tokens, per residual stream. */
  readonly logitLensTop?: readonly TopTokens[];
}

export interface Inspector {
  readonly vocabSize: number;
  readonly contextLength: number;
  /** Why this model's attention cannot be shown; undefined when it can. */
  readonly attentionUnavailable?: string;
  /** `signal`: as LanguageModel.forward's. */
  run(tokens: readonly number[], signal?: AbortSignal): Promise<InspectionResult>;
  release(): Promise<void>;
}

export interface InspectorOptions extends SessionSettings {
  /** Also project every residual stream through ln_f and the output layer (ours only). */
  readonly logitLens?: boolean;
  /** With logitLens: keep only each position's k most likely tokens of the lens (logitLensTop), not the [T, vocab] arrays. */
  readonly lensTopK?: number;
}

export async function openInspector(folder: ModelFolder, options: InspectorOptions = {}): Promise<Inspector> {
  if (folder.gpt2 && folder.safetensorsFile) {
    const { gpt } = folder.gpt2;
    return openGPT2Inspector(gpt, readGPT2Weights(folder.safetensorsFile, gpt), options);
  }
  if (folder.llama && folder.llamaWeights) return openLlamaInspector(folder.llama, readLlamaWeights(folder.llamaWeights, folder.llama), options);
  const contextLength = folder.config.contextLength;
  if (contextLength === undefined) throw new ModelFolderError('config.json', 'has no max_position_embeddings or n_positions: the context length is unknown');
  const relative = folder.onnxFiles[0];
  return openGraphInspector(path.join(folder.dir, relative), relative, contextLength, folder.config, options);
}

/** Our GPT-2 from weights in memory (a folder's, or a model being trained). */
export function openGPT2Inspector(config: GPTConfig, weights: TensorMap, options: InspectorOptions = {}): Promise<Inspector> {
  const logitLens = options.logitLens ?? false;
  const sizes = { layers: config.n_layer, heads: config.n_head, vocabSize: config.vocab_size, contextLength: config.n_positions };
  return openBuiltInspector(buildInspectionModel(config, weights, { logitLens, lensTopK: options.lensTopK }), sizes, logitLens, options);
}

/** A Llama, Mistral or Qwen2 from its weights in memory. */
export function openLlamaInspector(config: LlamaConfig, weights: TensorMap, options: InspectorOptions = {}): Promise<Inspector> {
  const logitLens = options.logitLens ?? false;
  const sizes = { layers: config.num_hidden_layers, heads: config.num_attention_heads, vocabSize: config.vocab_size, contextLength: llamaContextLength(config) };
  return openBuiltInspector(buildLlamaInspectionModel(config, weights, { logitLens, lensTopK: options.lensTopK }), sizes, logitLens, options);
}

interface BuiltSizes {
  readonly layers: number;
  readonly heads: number;
  readonly vocabSize: number;
  readonly contextLength: number;
}

/** An inspection graph this engine built (gpt/inspectionModel.ts, llama/inspectionModel.ts): every output by name. */
async function openBuiltInspector(graph: Uint8Array, sizes: BuiltSizes, logitLens: boolean, options: InspectorOptions): Promise<Inspector> {
  const session = await openSession(graph, 'inspection graph', options);
  const streams = Array.from({ length: sizes.layers + 1 }, (_, j) => j);
  // With lensTopK the graph cuts the lens itself (TopK of its softmax): the [T, vocab] arrays are
  // not fetched, so they are never copied out of ONNX Runtime nor sent on to a panel.
  const k = logitLens ? options.lensTopK : undefined;
  const fetched = k === undefined ? session.outputNames : session.outputNames.filter((name) => !name.startsWith('logit_lens.'));
  const { Tensor } = loadOrt();
  return {
    vocabSize: sizes.vocabSize,
    contextLength: sizes.contextLength,
    async run(tokens) {
      checkLength(tokens, sizes.contextLength);
      const ids = new Tensor('int64', BigInt64Array.from(tokens, (t) => BigInt(t)), [1, tokens.length]);
      const out = await session.run({ input_ids: ids }, fetched);
      const data = (name: string): Float32Array => out[name].data as Float32Array;
      const top = (j: number): TopTokens => {
        const ids = Int32Array.from(out[`logit_lens_top.${j}.ids`].data as BigInt64Array, Number);
        return { k: ids.length / tokens.length, ids, probs: data(`logit_lens_top.${j}.probs`) };
      };
      return {
        tokens: [...tokens],
        logits: data('logits'),
        attentions: Array.from({ length: sizes.layers }, (_, i) => ({ name: `attentions.${i}`, heads: sizes.heads, data: data(`attentions.${i}`) })),
        hiddenStates: streams.map((j) => data(`hidden_states.${j}`)),
        ...(k === undefined ? { logitLens: logitLens ? streams.map((j) => data(`logit_lens.${j}`)) : [] } : { logitLens: [], logitLensTop: streams.map(top) }),
      };
    },
    release: () => session.release(),
  };
}

/**
 * Any decode graph in the Optimum layout, shown as `relative` in messages; `config` (a folder's
 * config.json) settles what the graph's inputs leave open, such as head counts.
 */
export async function openGraphInspector(file: string, relative: string, contextLength: number, config: CausalLMConfig | undefined, settings: SessionSettings = {}): Promise<Inspector> {
  const original = await OnnxModel.load(file);
  let attentionUnavailable: string | undefined;
  let softmaxOutputs: readonly string[] = [];
  let session: OrtSession;
  if (original.graph.initializer.some((t) => t.dataLocation === DataLocation.EXTERNAL)) {
    // A changed graph is run from memory, where ONNX Runtime cannot find weights kept beside the file.
    attentionUnavailable = `${relative} keeps its weights in a separate data file, so the graph cannot be changed in memory to output its attention.`;
    session = await openSession(file, relative, settings);
  } else {
    const exposed = exposeAttentionProbabilities(original);
    if (exposed.found) {
      softmaxOutputs = exposed.outputs;
      session = await openSession(exposed.model.toBytes(), relative, settings);
    } else {
      attentionUnavailable = exposed.reason;
      session = await openSession(file, relative, settings);
    }
  }
  const signature = readDecodeSignature(session, config, relative);
  const feeder = new DecodeFeeder(signature, contextLength);
  return {
    vocabSize: signature.vocabSize,
    contextLength,
    attentionUnavailable,
    async run(tokens) {
      checkLength(tokens, contextLength);
      const out = await session.run(feeder.feeds(tokens, 0), ['logits', ...softmaxOutputs]);
      const T = tokens.length;
      // Keep the Softmax outputs shaped like attention, [1, heads, T, T]; others (a router, say) are not attention.
      const attentions = softmaxOutputs.flatMap((name) => {
        const dims = out[name].dims;
        const isAttention = dims.length === 4 && dims[0] === 1 && dims[2] === T && dims[3] === T;
        return isAttention ? [{ name, heads: dims[1], data: toFloat32(out[name], out[name].type === 'float16' ? 'float16' : 'float32') }] : [];
      });
      return { tokens: [...tokens], logits: toFloat32(out.logits, signature.logitsType), attentions, hiddenStates: [], logitLens: [] };
    },
    release: () => session.release(),
  };
}

function checkLength(tokens: readonly number[], contextLength: number): void {
  if (tokens.length === 0) throw new Error('inspection needs at least one token');
  if (tokens.length > contextLength) throw new Error(`${tokens.length} tokens exceed the context length of ${contextLength}`);
}
