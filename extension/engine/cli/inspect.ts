// `inspect <model folder | file.onnx> [--text "..." | --ids 1,2,3]`: what a model is made of and,
// given some tokens, where its attention goes and what each layer would predict (logit lens).
// Our GPT-2 folders run the inspection graph rebuilt from model.safetensors; any other decode graph
// runs with its Softmax outputs added as graph outputs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GPTConfig } from '../gpt/config';
import { buildInspectionModel } from '../gpt/inspectionModel';
import { forwardFlopsPerToken, kvCacheBytes, parameterCount } from '../gpt/sizes';
import { readModelFolder, type ModelFolder } from '../modelFolder/readModelFolder';
import { readGPT2Weights } from '../modelFolder/gpt2Weights';
import { exposeAttentionProbabilities, OnnxModel, type GraphValue } from '../onnx';
import { DataLocation } from '../onnx/proto';
import { summarizeGraph } from '../onnx/summary';
import { readDecodeSignature } from '../runtime/decodeSignature';
import { loadOrt, openSession, type OrtTensor } from '../runtime/ort';
import { loadTokenizerFile } from '../tokenizer/loadTokenizerFile';
import type { CliCommand } from './main';

const TEXT_NEEDS_FOLDER = '--text needs a model folder with a tokenizer.json; for a bare .onnx file give --ids';
const USAGE = 'usage: npm run cli -- inspect <model folder | file.onnx> [--text "some text" | --ids 1,2,3]';

interface Options {
  readonly target: string;
  readonly text?: string;
  readonly ids?: number[];
}

function parseArgs(args: string[]): Options {
  let target: string | undefined;
  let text: string | undefined;
  let ids: number[] | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--text') text = args[++i];
    else if (arg === '--ids') ids = (args[++i] ?? '').split(',').map((s) => Number(s.trim()));
    else if (!arg.startsWith('--') && target === undefined) target = arg;
    else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  if (!target) throw new Error(USAGE);
  if (ids && ids.some((id) => !Number.isInteger(id) || id < 0)) throw new Error(`--ids takes token ids separated by commas\n${USAGE}`);
  if (text !== undefined && ids) throw new Error(`give --text or --ids, not both\n${USAGE}`);
  return { target, text, ids };
}

const count = (n: number) => n.toLocaleString('en-US');
const bytes = (n: number) => (n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : n < 1024 ** 3 ? `${(n / 1024 ** 2).toFixed(1)} MiB` : `${(n / 1024 ** 3).toFixed(2)} GiB`);
const shape = (v: GraphValue) => `${v.name} ${v.dtype ?? '?'} [${(v.dims ?? ['?']).join(', ')}]`;
const line = (label: string, text: string) => console.log(`${label.padEnd(9)} ${text}`);

function printGPT2(config: GPTConfig): void {
  const params = parameterCount(config);
  const flops = forwardFlopsPerToken(config, config.n_positions);
  line('model', `our GPT-2: ${config.n_layer} layers, ${config.n_head} heads, ${config.n_embd} dims, vocabulary ${count(config.vocab_size)}, context ${config.n_positions}`);
  line('', `parameters ${count(params.total)} (embeddings ${count(params.embedding)}, the rest ${count(params.nonEmbedding)})`);
  line('', `forward ${count(flops.total)} FLOPs per token at full context; KV cache ${bytes(kvCacheBytes(config, 1))} per token`);
}

function printGraph(model: OnnxModel, shownAs: string): void {
  const s = summarizeGraph(model);
  line('graph', `${shownAs} (${s.producer || 'unknown producer'}; ${s.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ')})`);
  s.inputs.forEach((v, i) => line(i === 0 ? 'inputs' : '', shape(v)));
  s.outputs.forEach((v, i) => line(i === 0 ? 'outputs' : '', shape(v)));
  line('nodes', `${count(s.nodeCount)}: ${s.operators.map((o) => `${o.op} ${o.count}`).join(', ')}`);
  line('weights', `${count(s.initializerCount)} initializers, ${count(s.weightElements)} values, ${bytes(s.weightBytes)}`);
}

/** Token ids and how to show each one. */
async function readTokens(options: Options, folder: ModelFolder | undefined): Promise<{ ids: number[]; label: (id: number) => string } | undefined> {
  if (options.ids) return { ids: options.ids, label: (id) => `#${id}` };
  if (options.text === undefined) return undefined;
  if (!folder) throw new Error(TEXT_NEEDS_FOLDER);
  const tokenizer = await loadTokenizerFile(folder.tokenizerJsonFile);
  const ids = tokenizer.encodeIds(options.text);
  if (ids.length === 0) throw new Error('the text has no tokens');
  return { ids, label: (id) => JSON.stringify(tokenizer.decode([id])) };
}

/** For the last token: each head's most attended token and its probability. probs is [1, H, T, S] with S = T. */
function printAttention(layer: string, probs: OrtTensor, ids: number[], label: (id: number) => string): void {
  const [, heads, T, S] = probs.dims;
  const data = probs.data as Float32Array;
  const parts: string[] = [];
  for (let h = 0; h < heads; h++) {
    const row = data.subarray((h * T + T - 1) * S, (h * T + T) * S);
    let best = 0;
    for (let s = 1; s < S; s++) if (row[s] > row[best]) best = s;
    parts.push(`h${h} ${label(ids[best])} ${row[best].toFixed(2)}`);
  }
  line(layer, parts.join('  '));
}

function argmaxLast(logits: OrtTensor): number {
  const V = logits.dims[logits.dims.length - 1];
  const data = logits.data as Float32Array;
  const last = data.subarray(data.length - V);
  let best = 0;
  for (let v = 1; v < V; v++) if (last[v] > last[best]) best = v;
  return best;
}

async function runGPT2(folder: ModelFolder, config: GPTConfig, ids: number[], label: (id: number) => string): Promise<void> {
  if (ids.length > config.n_positions) throw new Error(`${ids.length} tokens; the model's context is ${config.n_positions}`);
  const outOfRange = ids.find((id) => id >= config.vocab_size);
  if (outOfRange !== undefined) throw new Error(`token id ${outOfRange} is outside the vocabulary of ${config.vocab_size}`);
  const weights = readGPT2Weights(folder.safetensorsFile as string, config);
  const session = await openSession(buildInspectionModel(config, weights, { logitLens: true }), 'inspection graph');
  const { Tensor } = loadOrt();
  const out = await session.run({ input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]) });
  await session.release();
  console.log(`\nattention of the last token ${label(ids[ids.length - 1])}: each head's most attended token`);
  for (let i = 0; i < config.n_layer; i++) printAttention(`layer ${i}`, out[`attentions.${i}`], ids, label);
  console.log('\nlogit lens: the next token each residual stream predicts, after the embeddings and each block');
  for (let j = 0; j <= config.n_layer; j++) {
    const next = argmaxLast(out[`logit_lens.${j}`]);
    line(j === 0 ? 'embed' : `block ${j - 1}`, `${label(next)} (id ${next})`);
  }
}

async function runDecodeGraph(model: OnnxModel, folder: ModelFolder | undefined, shownAs: string, ids: number[], label: (id: number) => string): Promise<void> {
  const exposed = exposeAttentionProbabilities(model);
  if (!exposed.found) return;
  if (model.graph.initializer.some((t) => t.dataLocation === DataLocation.EXTERNAL)) {
    console.log('\nThis graph keeps its weights in an external data file; the inspect command reads attention only from self-contained graphs.');
    return;
  }
  const session = await openSession(exposed.model.toBytes(), shownAs);
  const signature = readDecodeSignature(session, folder?.config, shownAs);
  const { Tensor } = loadOrt();
  const idTensor = (values: number[], type: 'int64' | 'int32') =>
    type === 'int64' ? new Tensor('int64', BigInt64Array.from(values, BigInt), [1, values.length]) : new Tensor('int32', Int32Array.from(values), [1, values.length]);
  const feeds: Record<string, OrtTensor> = { input_ids: idTensor(ids, signature.idType) };
  if (signature.attentionMask) feeds.attention_mask = idTensor(ids.map(() => 1), signature.attentionMask);
  if (signature.positionIds) feeds.position_ids = idTensor(ids.map((_, t) => t), signature.positionIds);
  for (const slot of signature.past) {
    feeds[slot.input] = slot.type === 'float16' ? new Tensor('float16', new Uint16Array(0), [...slot.emptyDims]) : new Tensor('float32', new Float32Array(0), [...slot.emptyDims]);
  }
  const out = await session.run(feeds);
  await session.release();
  console.log(`\nattention of the last token ${label(ids[ids.length - 1])}: each head's most attended token, per Softmax in graph order`);
  exposed.outputs.forEach((name, i) => {
    const probs = out[name];
    if (probs.dims.length === 4 && probs.type === 'float32') printAttention(`softmax ${i}`, probs, ids, label);
    else line(`softmax ${i}`, `${name}: ${probs.type} [${probs.dims.join(', ')}], not an attention map`);
  });
  console.log(`\nnext token ${label(argmaxLast(out.logits))}`);
}

async function inspect(options: Options): Promise<void> {
  const isFolder = fs.existsSync(options.target) && fs.statSync(options.target).isDirectory();
  if (!isFolder && !fs.existsSync(options.target)) throw new Error(`${options.target}: no such file or folder`);
  if (options.text !== undefined && !isFolder) throw new Error(TEXT_NEEDS_FOLDER);
  const folder = isFolder ? readModelFolder(options.target) : undefined;
  const config = folder?.kind === 'gpt2' ? folder.gpt2?.gpt : undefined;
  if (config) printGPT2(config);
  else if (folder) line('model', `${folder.name}: model_type ${folder.config.modelType}`);

  const graphFile = folder ? (folder.onnxFiles.length > 0 ? path.join(folder.dir, folder.onnxFiles[0]) : undefined) : options.target;
  const graph = graphFile ? await OnnxModel.load(graphFile) : undefined;
  const shownAs = graphFile ? (folder ? path.relative(folder.dir, graphFile) : path.basename(graphFile)) : '';
  if (graph) {
    printGraph(graph, shownAs);
    const exposed = exposeAttentionProbabilities(graph);
    line('attention', exposed.found ? `${exposed.outputs.length} Softmax outputs can be read` : exposed.reason);
  }

  const tokens = await readTokens(options, folder);
  if (!tokens) return;
  line('tokens', tokens.ids.map((id) => (options.text === undefined ? `${id}` : `${tokens.label(id)} ${id}`)).join(', '));
  if (config && folder) await runGPT2(folder, config, tokens.ids, tokens.label);
  else if (graph) await runDecodeGraph(graph, folder, shownAs, tokens.ids, tokens.label);
}

export const inspectCommand: CliCommand = {
  summary: 'what a model folder or .onnx graph holds; with --text, its attention and logit lens',
  run: async (args) => inspect(parseArgs(args)),
};
