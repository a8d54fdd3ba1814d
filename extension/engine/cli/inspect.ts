// `inspect <model folder | file.onnx> [--text "..." | --ids 1,2,3]`: what a model is made of and,
// given some tokens, where its attention goes and what each layer would predict (logit lens).
// It runs the same inspection runner as the panels (runtime/inspection.ts): our GPT-2 folders the
// inspection graph rebuilt from model.safetensors, any other decode graph with its Softmax outputs
// added as graph outputs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GPTConfig } from '../gpt/config';
import { forwardFlopsPerToken, kvCacheBytes, parameterCount } from '../gpt/sizes';
import { contextLength as llamaContextLength, type LlamaConfig } from '../llama/config';
import { llamaParameterCount } from '../llama/parameters';
import { readModelFolder, type ModelFolder } from '../modelFolder/readModelFolder';
import { argmax } from '../generate/probabilities';
import { exposeAttentionProbabilities, OnnxModel, type GraphValue } from '../onnx';
import { summarizeGraph } from '../onnx/summary';
import { openGraphInspector, openInspector, type AttentionMap, type Inspector } from '../runtime/inspection';
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

function printLlama(config: LlamaConfig): void {
  const params = llamaParameterCount(config);
  const heads = `${config.num_attention_heads} query heads sharing ${config.num_key_value_heads} key/value heads of ${config.head_dim} dims`;
  line('model', `${config.model_type} built from safetensors: ${config.num_hidden_layers} layers, ${heads}, ${config.hidden_size} dims, vocabulary ${count(config.vocab_size)}, context ${llamaContextLength(config)}`);
  line('', `parameters ${count(params.total)} (embeddings and output layer ${count(params.embedding)}${config.tie_word_embeddings ? ', tied' : ''})`);
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

/** For the last token: each head's most attended token and its probability (data is [heads, T, T]). */
function printAttention(layer: string, map: AttentionMap, ids: number[], label: (id: number) => string): void {
  const T = ids.length;
  const parts: string[] = [];
  for (let h = 0; h < map.heads; h++) {
    const row = map.data.subarray((h * T + T - 1) * T, (h * T + T) * T);
    parts.push(`h${h} ${label(ids[argmax(row)])} ${row[argmax(row)].toFixed(2)}`);
  }
  line(layer, parts.join('  '));
}

/** The last row of a [T, vocab] table: what comes after the last token. */
const lastRow = (table: Float32Array, vocab: number) => table.subarray(table.length - vocab);

/** Runs the inspection runner the panels use: attention per layer and, for our GPT-2, the logit lens. */
async function runInspector(inspector: Inspector, ids: number[], label: (id: number) => string): Promise<void> {
  const outOfRange = ids.find((id) => id >= inspector.vocabSize);
  if (outOfRange !== undefined) throw new Error(`token id ${outOfRange} is outside the vocabulary of ${inspector.vocabSize}`);
  const result = await inspector.run(ids);
  console.log(`\nattention of the last token ${label(ids[ids.length - 1])}: each head's most attended token`);
  if (inspector.attentionUnavailable) line('', inspector.attentionUnavailable);
  result.attentions.forEach((map, i) => printAttention(result.logitLens.length ? `layer ${i}` : `softmax ${i}`, map, ids, label));
  if (result.logitLens.length) {
    console.log('\nlogit lens: the next token each residual stream predicts, after the embeddings and each block');
    result.logitLens.forEach((lens, j) => {
      const next = argmax(lastRow(lens, inspector.vocabSize));
      line(j === 0 ? 'embed' : `block ${j - 1}`, `${label(next)} (id ${next})`);
    });
  } else {
    console.log(`\nnext token ${label(argmax(lastRow(result.logits, inspector.vocabSize)))}`);
  }
}

async function inspect(options: Options): Promise<void> {
  const isFolder = fs.existsSync(options.target) && fs.statSync(options.target).isDirectory();
  if (!isFolder && !fs.existsSync(options.target)) throw new Error(`${options.target}: no such file or folder`);
  if (options.text !== undefined && !isFolder) throw new Error(TEXT_NEEDS_FOLDER);
  const folder = isFolder ? readModelFolder(options.target) : undefined;
  const config = folder?.kind === 'gpt2' ? folder.gpt2?.gpt : undefined;
  if (config) printGPT2(config);
  else if (folder?.llama) printLlama(folder.llama);
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
  // A bare graph file has no config.json: its context is taken to be the tokens given.
  const inspector = folder ? await openInspector(folder, { logitLens: true }) : await openGraphInspector(options.target, shownAs, tokens.ids.length, undefined);
  try {
    await runInspector(inspector, tokens.ids, tokens.label);
  } finally {
    await inspector.release();
  }
}

export const inspectCommand: CliCommand = {
  summary: 'what a model folder or .onnx graph holds; with --text, its attention and logit lens',
  run: async (args) => {
    if (args.includes('--help')) console.log(USAGE);
    else await inspect(parseArgs(args));
  },
};
