// The numbers the Model tab lists. Our GPT-2's and a Llama-family model's come from its config and
// the parameter count of the architecture (gpt/sizes.ts, llama/parameters.ts); a foreign model's from its config.json and the weights its ONNX
// graph stores (skipped for very large graphs, which would be read a second time just to count).
// Either way the Model Size Calculator's figures come from config.json when it names a known
// architecture (engine/scaling/).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { headDim } from '../engine/gpt/config';
import { parameterCount } from '../engine/gpt/sizes';
import { contextLength as llamaContextLength } from '../engine/llama/config';
import { llamaParameterCount } from '../engine/llama/parameters';
import type { ModelFolder } from '../engine/modelFolder/readModelFolder';
import { modelSizes } from '../engine/scaling/modelSizes';
import { folderArchitecture } from '../calculator/sizesView';
import type { ModelFacts, ModelSizeFacts } from '../../webviews/attention/protocol';

/** Foreign graphs up to this size are read to count their weights. */
const COUNTED_GRAPH_BYTES = 256 * 1024 * 1024;

export async function modelFacts(folder: ModelFolder, bundled: boolean): Promise<ModelFacts> {
  const base = { name: folder.name, dir: folder.dir, kind: folder.kind, bundled, modelType: folder.config.modelType, sizes: sizeFacts(folder.dir) };
  if (folder.gpt2) {
    const { gpt } = folder.gpt2;
    const count = parameterCount(gpt);
    return {
      ...base,
      graph: 'inspection graph built from model.safetensors',
      parameters: count.total,
      embeddingParameters: count.embedding,
      layers: gpt.n_layer,
      heads: gpt.n_head,
      keyValueHeads: gpt.n_head,
      headDim: headDim(gpt),
      embeddingDim: gpt.n_embd,
      contextLength: gpt.n_positions,
      vocabSize: gpt.vocab_size,
    };
  }
  if (folder.llama) {
    const llama = folder.llama;
    const count = llamaParameterCount(llama);
    return {
      ...base,
      graph: 'inspection graph built from the safetensors weights',
      parameters: count.total,
      embeddingParameters: count.embedding,
      layers: llama.num_hidden_layers,
      heads: llama.num_attention_heads,
      keyValueHeads: llama.num_key_value_heads,
      headDim: llama.head_dim,
      embeddingDim: llama.hidden_size,
      contextLength: llamaContextLength(llama),
      vocabSize: llama.vocab_size,
    };
  }
  const { config } = folder;
  const graph = folder.onnxFiles[0];
  return {
    ...base,
    graph,
    parameters: graph ? await storedWeights(path.join(folder.dir, graph)) : undefined,
    layers: config.numLayers,
    heads: config.numHeads,
    keyValueHeads: config.numKeyValueHeads,
    headDim: config.headDim,
    embeddingDim: config.hiddenSize,
    contextLength: config.contextLength,
    vocabSize: config.vocabSize,
  };
}

async function storedWeights(file: string): Promise<number | undefined> {
  try {
    if (fs.statSync(file).size > COUNTED_GRAPH_BYTES) return undefined;
    // The ONNX schema loads here, when a foreign graph is counted, not when the extension starts.
    const { OnnxModel, summarizeGraph } = require('../engine/onnx') as typeof import('../engine/onnx');
    return summarizeGraph(await OnnxModel.load(file)).weightElements;
  } catch {
    return undefined;
  }
}

/** The calculator's figures for the folder's config.json, at its full context; or why there are none (an unknown model_type). */
function sizeFacts(dir: string): ModelSizeFacts | { unavailable: string } {
  try {
    const s = modelSizes(folderArchitecture(dir, '').architecture);
    return {
      nonEmbeddingParameters: s.parameters.nonEmbedding,
      context: s.context,
      forwardFlopsPerToken: s.forward.total,
      trainingFlopsPerToken: s.trainingFlopsPerToken,
      kvCacheBytesPerToken: s.kvCacheBytesPerToken,
      trainingBytes: s.trainingMemory.bf16.total,
      servingBytes: s.serving.total,
    };
  } catch (error) {
    return { unavailable: error instanceof Error ? error.message : String(error) };
  }
}
