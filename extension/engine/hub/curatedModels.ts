// Models the download command offers by name, each with the architecture its config.json on the
// Hub declares (so that the disk and memory it needs are computed by the calculator's formulas,
// not quoted) and the dtype of the safetensors it stores. Every curated model is fetched as
// safetensors, also where the repository has an ONNX export: the engine builds the decode and
// inspection graphs from the weights (gpt/ and llama/forwardGraph.ts), so every inspector opens
// it, every head's attention and the logit lens included (SmolLM2 is a llama, Qwen2.5 a qwen2).
// Each is small enough for a graph built in memory (llama/graphSize.ts; Qwen2.5 0.5B is the
// largest, 1.98 GB as float32).
import type { JsonObject } from '../modelFolder/jsonFile';
import { architectureFromConfig } from '../scaling/architecture';
import { BYTES_PER_VALUE, servingMemory } from '../scaling/memory';
import { countParameters } from '../scaling/parameters';
import { presetById } from '../scaling/presets';

export interface CuratedModel {
  readonly repo: string;
  readonly label: string;
  /** The dtype of the repository's safetensors: what the download weighs on disk (the engine converts to float32 when it loads). */
  readonly storedAs: 'fp32' | 'bf16';
  readonly config: JsonObject;
}

const preset = (id: string): JsonObject => presetById(id)?.config ?? {};

export const CURATED_MODELS: readonly CuratedModel[] = [
  { repo: 'openai-community/gpt2', label: 'GPT-2 (124M)', storedAs: 'fp32', config: preset('gpt2') },
  { repo: 'HuggingFaceTB/SmolLM2-135M-Instruct', label: 'SmolLM2 135M Instruct', storedAs: 'bf16', config: preset('smollm2-135m') },
  {
    repo: 'HuggingFaceTB/SmolLM2-360M-Instruct',
    label: 'SmolLM2 360M Instruct',
    storedAs: 'bf16',
    // https://huggingface.co/HuggingFaceTB/SmolLM2-360M-Instruct/blob/main/config.json
    config: {
      model_type: 'llama', hidden_size: 960, intermediate_size: 2560, num_hidden_layers: 32, num_attention_heads: 15,
      num_key_value_heads: 5, max_position_embeddings: 8192, vocab_size: 49152, tie_word_embeddings: true, attention_bias: false, mlp_bias: false,
    },
  },
  { repo: 'Qwen/Qwen2.5-0.5B-Instruct', label: 'Qwen2.5 0.5B Instruct', storedAs: 'bf16', config: preset('qwen2.5-0.5b') },
];

export interface CuratedSizes {
  readonly parameters: number;
  /** The safetensors: parameters × bytes per stored value. */
  readonly diskBytes: number;
  /** Weights in float32, as the engine holds them, + the KV cache for the whole context (the calculator's serving memory). */
  readonly memoryBytes: number;
  readonly context: number;
}

export function curatedSizes(model: CuratedModel): CuratedSizes {
  const architecture = architectureFromConfig(model.config, `${model.repo}/config.json`);
  const parameters = countParameters(architecture).total;
  const memory = servingMemory(architecture, 'fp32', 1, architecture.contextLength);
  return { parameters, diskBytes: parameters * BYTES_PER_VALUE[model.storedAs], memoryBytes: memory.total, context: architecture.contextLength };
}
