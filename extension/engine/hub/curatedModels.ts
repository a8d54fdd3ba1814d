// Models the download command offers by name, each with the architecture its config.json on the
// Hub declares (so that the disk and memory it needs are computed by the calculator's formulas,
// not quoted) and the weights the engine would fetch for it.
//   GPT-2 runs from model.safetensors: the engine rebuilds every graph, so every inspector works.
//   The curated Llama-family models (SmolLM2 is a llama, Qwen2.5 a qwen2) run from their ONNX
//   exports, smaller than fp32 weights; the inspectors that need our graphs (logit lens, training)
//   do not open them. A Llama-family repository without an export is fetched as safetensors and
//   the engine builds its graphs (modelFiles.ts).
import type { JsonObject } from '../modelFolder/jsonFile';
import { architectureFromConfig } from '../scaling/architecture';
import { BYTES_PER_VALUE, servingMemory } from '../scaling/memory';
import { countParameters } from '../scaling/parameters';
import { presetById } from '../scaling/presets';
import type { DecodeGraphName } from './modelFiles';

export interface CuratedModel {
  readonly repo: string;
  readonly label: string;
  /** How the engine runs it: our GPT-2 graphs from safetensors, or the repository's ONNX decode graph. */
  readonly runsFrom: 'safetensors' | 'onnx';
  /** The decode graph fetched when runsFrom is 'onnx'. */
  readonly graph?: DecodeGraphName;
  readonly config: JsonObject;
}

const preset = (id: string): JsonObject => presetById(id)?.config ?? {};

export const CURATED_MODELS: readonly CuratedModel[] = [
  { repo: 'openai-community/gpt2', label: 'GPT-2 (124M)', runsFrom: 'safetensors', config: preset('gpt2') },
  { repo: 'HuggingFaceTB/SmolLM2-135M-Instruct', label: 'SmolLM2 135M Instruct', runsFrom: 'onnx', graph: 'model.onnx', config: preset('smollm2-135m') },
  {
    repo: 'HuggingFaceTB/SmolLM2-360M-Instruct',
    label: 'SmolLM2 360M Instruct',
    runsFrom: 'onnx',
    graph: 'model_int8.onnx',
    // https://huggingface.co/HuggingFaceTB/SmolLM2-360M-Instruct/blob/main/config.json
    config: {
      model_type: 'llama', hidden_size: 960, intermediate_size: 2560, num_hidden_layers: 32, num_attention_heads: 15,
      num_key_value_heads: 5, max_position_embeddings: 8192, vocab_size: 49152, tie_word_embeddings: true, attention_bias: false, mlp_bias: false,
    },
  },
  // Qwen's own repository has no ONNX export; onnx-community's has the same weights exported.
  { repo: 'onnx-community/Qwen2.5-0.5B-Instruct', label: 'Qwen2.5 0.5B Instruct', runsFrom: 'onnx', graph: 'model_int8.onnx', config: preset('qwen2.5-0.5b') },
];

export interface CuratedSizes {
  readonly parameters: number;
  /** The weights file: parameters × bytes per value of the weights fetched (approximate for int8 graphs, which keep some tensors in fp32). */
  readonly diskBytes: number;
  /** Weights in memory + an fp16 KV cache for the whole context (the calculator's serving memory). */
  readonly memoryBytes: number;
  readonly context: number;
}

export function curatedSizes(model: CuratedModel): CuratedSizes {
  const architecture = architectureFromConfig(model.config, `${model.repo}/config.json`);
  const dtype = model.graph === 'model_int8.onnx' ? 'int8' : 'fp32';
  const parameters = countParameters(architecture).total;
  const memory = servingMemory(architecture, dtype, 1, architecture.contextLength);
  return { parameters, diskBytes: parameters * BYTES_PER_VALUE[dtype], memoryBytes: memory.total, context: architecture.contextLength };
}
