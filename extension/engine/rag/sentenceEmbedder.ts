// A sentence-embedding model in the Hugging Face ONNX layout (an Optimum or transformers.js export
// of all-MiniLM-L6-v2, bge-small, e5-small...): tokenizer.json, and onnx/model.onnx (or a
// quantized variant, or the same at the folder's top) with inputs input_ids, attention_mask (and token_type_ids for BERT) and the output
// last_hidden_state [1, T, width]. The sentence vector is the mean over the tokens the attention
// mask keeps, L2-normalized: the pooling sentence-transformers configures for these models.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadOrt, openSession, type OrtSession, type SessionSettings } from '../runtime/ort';
import { loadTokenizerFile } from '../tokenizer/loadTokenizerFile';
import { meanPool, type Embedder } from './embedder';

/** Most such models learned 512 positions; the tokenizer's model_max_length can lower it. */
const DEFAULT_MAX_TOKENS = 512;
const OUTPUT_NAMES = ['last_hidden_state', 'token_embeddings'];

/**
 * The graphs such an export may hold, the first found is used: full precision, then the
 * quantized variants transformers.js names (8-bit, then 4-bit weights). Half precision is left out:
 * its float16 output would need converting.
 */
export const SENTENCE_GRAPH_NAMES = ['model.onnx', 'model_quantized.onnx', 'model_int8.onnx', 'model_uint8.onnx', 'model_q4.onnx'];

export function findSentenceModelGraph(dir: string): string {
  for (const name of SENTENCE_GRAPH_NAMES) {
    for (const relative of [path.join('onnx', name), name]) {
      if (fs.existsSync(path.join(dir, relative))) return relative;
    }
  }
  throw new Error(`${dir}: none of ${SENTENCE_GRAPH_NAMES.map((n) => `onnx/${n}`).join(', ')} (or the same at the top), so it is not a sentence-embedding model folder`);
}

/** A Hugging Face cache snapshot, .../models--<org>--<name>/snapshots/<commit>. */
const HUB_SNAPSHOT = /models--(.+?)--([^/\\]+)[/\\]snapshots[/\\][^/\\]+[/\\]?$/;

/** "org/name" for a folder in the Hugging Face cache, else the folder's name. */
export function sentenceModelName(dir: string): string {
  const hub = HUB_SNAPSHOT.exec(path.resolve(dir));
  return hub ? `${hub[1]}/${hub[2]}` : path.basename(dir);
}

export async function openSentenceEmbedder(dir: string, settings: SessionSettings = {}): Promise<Embedder> {
  const relative = findSentenceModelGraph(dir);
  const tokenizer = await loadTokenizerFile(dir);
  const session = await openSession(path.join(dir, relative), relative, settings);
  for (const name of ['input_ids', 'attention_mask']) {
    if (!session.inputNames.includes(name)) throw new Error(`${path.join(dir, relative)}: has no input "${name}" (inputs: ${session.inputNames.join(', ')})`);
  }
  const output = OUTPUT_NAMES.find((n) => session.outputNames.includes(n)) ?? session.outputNames[0];
  const configured = Number(tokenizer.config.model_max_length);
  const maxTokens = Number.isFinite(configured) && configured > 0 ? Math.min(configured, DEFAULT_MAX_TOKENS) : DEFAULT_MAX_TOKENS;

  const run = async (text: string): Promise<{ rows: Float32Array; width: number }> => {
    let ids = tokenizer.encodeIds(text, { addSpecialTokens: true });
    // Keep the closing token ([SEP]) when cutting: the model always saw one at the end.
    if (ids.length > maxTokens) ids = [...ids.slice(0, maxTokens - 1), ids[ids.length - 1]];
    const { Tensor } = loadOrt();
    const shape = [1, ids.length];
    const feeds: Record<string, InstanceType<typeof Tensor>> = {
      input_ids: new Tensor('int64', BigInt64Array.from(ids, (id) => BigInt(id)), shape),
      attention_mask: new Tensor('int64', new BigInt64Array(ids.length).fill(1n), shape),
    };
    if (session.inputNames.includes('token_type_ids')) feeds.token_type_ids = new Tensor('int64', new BigInt64Array(ids.length), shape);
    const result = await (session as OrtSession).run(feeds, [output]);
    const tensor = result[output];
    const width = tensor.dims[tensor.dims.length - 1];
    return { rows: tensor.data as Float32Array, width };
  };

  // One run tells the vector width, and fails here, not halfway through indexing, on a wrong graph.
  const probe = await run('probe');
  return {
    id: `sentence:${path.resolve(dir)}`,
    label: `${sentenceModelName(dir)} (sentence embeddings)`,
    caveat: 'a sentence-embedding model: trained to place texts of similar meaning close together',
    dimensions: probe.width,
    maxTokens,
    async embed(text) {
      const { rows, width } = await run(text);
      // One sequence, no padding: the mask is all ones, so the mean is over every token.
      return meanPool(rows, width);
    },
    release: () => session.release(),
  };
}
