// `sizes`: how big a model is and what it costs, from its config.json alone (no weights read).
//   npm run cli -- sizes --config models/tinystories-1m/config.json
//   npm run cli -- sizes --preset llama3-8b --json
// The formulas, with their sources, are in extension/engine/scaling/.
import { parseArgs } from 'node:util';
import { loadArchitecture } from '../scaling/loadArchitecture';
import { BYTES_PER_VALUE, type Dtype } from '../scaling/memory';
import { modelSizes, type ModelSizes } from '../scaling/modelSizes';
import { PRESETS } from '../scaling/presets';
import type { CliCommand } from './main';

const USAGE = `usage: npm run cli -- sizes (--config <config.json | model folder> | --preset <id>) [options]
  --context N    tokens per sequence (default: the model's context length)
  --tokens D     training tokens for the compute C (default: 20 per parameter)
  --batch B      sequences per batch, for activation and KV-cache memory (default 1)
  --dtype T      weights' dtype when serving: ${Object.keys(BYTES_PER_VALUE).join(', ')} (default fp16)
  --budget C     a compute budget in FLOPs to split the Chinchilla way (default: C of this run)
  --json         print the figures as JSON
presets: ${PRESETS.map((p) => p.id).join(', ')}`;

/** The JSON the CLI prints: the four figures the issue names first, then everything else. */
export function sizesJson(s: ModelSizes): Record<string, unknown> {
  return {
    parameters: s.parameters.total,
    non_embedding_parameters: s.parameters.nonEmbedding,
    flops_per_token: s.forward.total,
    kv_cache_bytes_per_token: s.kvCacheBytesPerToken,
    training_flops_per_token: s.trainingFlopsPerToken,
    context: s.context,
    batch: s.batch,
    training_tokens: s.trainingTokens,
    training_compute: s.trainingCompute,
    forward_flops: s.forward,
    parameter_breakdown: s.parameters,
    training_memory_bytes: s.trainingMemory,
    serving_dtype: s.servingDtype,
    serving_memory_bytes: s.serving,
    compute_budget: s.computeBudget,
    chinchilla_optimal: s.chinchilla,
    architecture: s.architecture,
  };
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');
const sci = (n: number) => n.toExponential(3);
const gib = (n: number) => (n < 2 ** 20 ? `${(n / 1024).toFixed(1)} KiB` : n < 2 ** 30 ? `${(n / 2 ** 20).toFixed(1)} MiB` : `${(n / 2 ** 30).toFixed(2)} GiB`);

function printText(s: ModelSizes): void {
  const a = s.architecture;
  const rows: [string, string][] = [
    ['model', `${a.modelType}: ${a.layers} layers, d=${a.hiddenSize}, ${a.heads} heads (${a.kvHeads} KV) of ${a.headDim}, d_ff=${a.intermediateSize}, vocabulary ${count(a.vocabSize)}, ${a.tiedEmbeddings ? 'tied' : 'untied'} embeddings`],
    ['parameters', `${count(s.parameters.total)} (non-embedding N ${count(s.parameters.nonEmbedding)}, embeddings ${count(s.parameters.embedding)})`],
    ['forward', `${sci(s.forward.total)} FLOPs per token at ${s.context} keys (matrices ${sci(s.forward.matrices)}, logits ${sci(s.forward.logits)}, attention ${sci(s.forward.attention)})`],
    ['training', `${sci(s.trainingFlopsPerToken)} FLOPs per token; C = ${sci(s.trainingCompute)} FLOPs for ${sci(s.trainingTokens)} tokens`],
    ...Object.entries(s.trainingMemory).map(([dtype, m]): [string, string] => [`train ${dtype}`, `${gib(m.total)} (weights ${gib(m.weights)}, gradients ${gib(m.gradients)}, Adam ${gib(m.adamMoments)}, master ${gib(m.masterWeights)}, activations ${gib(m.activations)} at batch ${s.batch})`]),
    ['KV cache', `${count(s.kvCacheBytesPerToken)} bytes per token (fp16)`],
    ['serve', `${gib(s.serving.total)} (${s.servingDtype} weights ${gib(s.serving.weights)}, KV cache ${gib(s.serving.kvCache)} for ${s.batch} × ${s.context} tokens)`],
    ['Chinchilla', `C = ${sci(s.computeBudget)} FLOPs → N ≈ ${sci(s.chinchilla.parameters)} parameters, D ≈ ${sci(s.chinchilla.tokens)} tokens`],
  ];
  for (const [label, text] of rows) console.log(`${label.padEnd(11)} ${text}`);
}

export const sizesCommand: CliCommand = {
  summary: 'parameters, FLOPs, training and serving memory, KV cache and the Chinchilla split from a config.json',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        config: { type: 'string' },
        preset: { type: 'string' },
        context: { type: 'string' },
        tokens: { type: 'string' },
        batch: { type: 'string' },
        dtype: { type: 'string' },
        budget: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    const target = values.config ?? values.preset;
    if (values.help || !target || (values.config && values.preset)) {
      console.log(USAGE);
      if (!values.help) process.exitCode = 2;
      return;
    }
    const positive = (name: 'context' | 'tokens' | 'batch' | 'budget'): number | undefined => {
      const text = values[name];
      if (text === undefined) return undefined;
      const parsed = Number(text);
      if (!(parsed > 0) || !Number.isFinite(parsed)) throw new Error(`--${name} must be a positive number, got "${text}"`);
      return parsed;
    };
    const dtype = values.dtype ?? 'fp16';
    if (!(dtype in BYTES_PER_VALUE)) throw new Error(`--dtype must be one of ${Object.keys(BYTES_PER_VALUE).join(', ')}, got "${dtype}"`);
    const sizes = modelSizes(loadArchitecture(target), {
      context: positive('context'),
      trainingTokens: positive('tokens'),
      batch: positive('batch'),
      servingDtype: dtype as Dtype,
      computeBudget: positive('budget'),
    });
    if (values.json) console.log(JSON.stringify(sizesJson(sizes), null, 2));
    else printText(sizes);
  },
};
