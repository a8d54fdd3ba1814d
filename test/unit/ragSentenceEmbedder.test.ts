// The sentence-embedding path on a folder in the Hugging Face ONNX layout: a BERT-style
// tokenizer.json ([CLS] ... [SEP]) and a small graph with the inputs input_ids, attention_mask,
// token_type_ids and the output last_hidden_state. The graph's hidden state of token t is
// E[id_t] + S[type_t], masked; the embedder must mean-pool it and normalize, checked against the
// same computation in TypeScript.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { l2Normalize } from '../../extension/engine/rag/dense';
import { openSentenceEmbedder } from '../../extension/engine/rag/sentenceEmbedder';
import { attr, GraphBuilder } from '../../extension/engine/onnx';
import { InferenceHost } from '../../extension/engine/inference/inferenceHost';
import { makeTempDir, removeTempDir } from './modelFolderFixtures';
import { tsxWorkerScript } from './workerShim';

const WORDS = ['[CLS]', '[SEP]', '[UNK]', 'the', 'lamp', 'is', 'lit', 'at', 'sunset', 'tide'];
const WIDTH = 6;

function bertTokenizerJson(): Record<string, unknown> {
  const vocab = Object.fromEntries(WORDS.map((w, i) => [w, i]));
  const special = (id: number) => ({ id, content: WORDS[id], single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  return {
    version: '1.0',
    added_tokens: [special(0), special(1), special(2)],
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: { type: 'BertProcessing', sep: ['[SEP]', 1], cls: ['[CLS]', 0] },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
}

function table(rows: number, seed: number): Float32Array {
  return Float32Array.from({ length: rows * WIDTH }, (_, i) => Math.sin(seed * 7.1 + i * 1.3));
}

function sentenceGraph(E: Float32Array, S: Float32Array): Uint8Array {
  const g = new GraphBuilder({ name: 'toy_sentence_model' });
  const ids = g.input('input_ids', 'int64', ['batch', 'seq']);
  const mask = g.input('attention_mask', 'int64', ['batch', 'seq']);
  const types = g.input('token_type_ids', 'int64', ['batch', 'seq']);
  const words = g.op('Gather', [g.initializer('E', E, [WORDS.length, WIDTH]), ids], { axis: attr.int(0) });
  const segment = g.op('Gather', [g.initializer('S', S, [2, WIDTH]), types], { axis: attr.int(0) });
  const keep = g.op('Unsqueeze', [g.op('Cast', [mask], { to: attr.int(1) }), g.constant(BigInt64Array.from([-1n]), [1])]);
  g.output(g.op('Mul', [g.op('Add', [words, segment]), keep]), { name: 'last_hidden_state', dtype: 'float32', dims: ['batch', 'seq', WIDTH] });
  return g.toBytes();
}

describe('sentence-embedding model folder', () => {
  let dir: string;
  const E = table(WORDS.length, 1);
  const S = table(2, 2);

  before(() => {
    dir = makeTempDir('rag-sentence');
    fs.mkdirSync(path.join(dir, 'onnx'));
    fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx'), sentenceGraph(E, S));
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(bertTokenizerJson()));
    fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify({ model_max_length: 5 }));
  });

  after(() => removeTempDir(dir));

  it('mean-pools last_hidden_state over [CLS] text [SEP] and normalizes it', async () => {
    const embedder = await openSentenceEmbedder(dir, { threads: 1 });
    try {
      assert.equal(embedder.dimensions, WIDTH);
      assert.equal(embedder.maxTokens, 5);
      assert.match(embedder.id, /^sentence:/);
      const expected = (ids: number[]) => {
        const mean = new Float32Array(WIDTH);
        for (const id of ids) for (let i = 0; i < WIDTH; i++) mean[i] += (E[id * WIDTH + i] + S[i]) / ids.length;
        return l2Normalize(mean);
      };
      const close = (a: Float32Array, b: Float32Array) => a.every((x, i) => Math.abs(x - b[i]) < 1e-6);
      // "The lamp" -> [CLS] the lamp [SEP] = 0 3 4 1
      assert.ok(close(await embedder.embed('The lamp'), expected([0, 3, 4, 1])));
      // [CLS] + 6 words + [SEP] cut to model_max_length 5, keeping [SEP]: [CLS] the lamp is [SEP] -> 0 3 4 5 1
      assert.ok(close(await embedder.embed('the lamp is lit at sunset'), expected([0, 3, 4, 5, 1])));
    } finally {
      await embedder.release();
    }
  });

  it('run in the inference process, as the extension embeds questions, it gives the same vectors', async () => {
    const host = new InferenceHost(tsxWorkerScript(dir, 'inferenceWorker', 'extension/engine/inference/inferenceWorker.ts'));
    const [here, there] = [await openSentenceEmbedder(dir, { threads: 1 }), await host.openSentenceEmbedder(dir, { threads: 1 })];
    try {
      assert.deepEqual([there.id, there.dimensions, there.maxTokens, there.label], [here.id, here.dimensions, here.maxTokens, here.label]);
      assert.deepEqual(await there.embed('the lamp is lit'), await here.embed('the lamp is lit'));
    } finally {
      await Promise.all([here.release(), there.release()]);
      host.dispose();
    }
  });

  it('names the folder when there is no graph', async () => {
    const empty = makeTempDir('rag-empty');
    try {
      await assert.rejects(openSentenceEmbedder(empty), (error: Error) => error.message.includes(empty) && /model\.onnx/.test(error.message));
    } finally {
      removeTempDir(empty);
    }
  });
});
